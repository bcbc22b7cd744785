"""An agency proposes a later date for a milestone; the proposer disagrees on a phone; the public project page
shows the dispute with both sides; the committee decides it at a PB group meeting, and the public project
page shows the outcome. axe-core on every sign-off page, in both languages."""
import datetime

import pytest
from playwright.sync_api import expect

from pbcity import agenda
from tracking.models import ChangeRequest
from tracking.tests.factories import TrackingCast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def setting(district, other_district, cycle):
    cast = TrackingCast(district, other_district)
    project = cast.executing(cycle)
    m = cast.milestone(project, "lead", title="遮陽棚施工", percent=10, status="on_track")
    return cast, project, m


def _axe_both(page, url, axe_check, use_language):
    for lang in ("en", "zh-hant"):
        use_language(lang)
        page.goto(url)
        axe_check(page)


def test_date_change_disputed_on_a_phone_decided_at_a_meeting_and_shown_publicly(
        page, live_server, login, use_language, axe_check, no_overflow, setting):
    cast, project, m = setting
    base = live_server.url
    project_url = f"{base}/tracking/projects/{project.pk}/"
    new_end = m.planned_end + datetime.timedelta(days=90)

    # The lead agency proposes the change from the project page.
    login(cast["lead"])
    _axe_both(page, f"{base}/tracking/projects/{project.pk}/changes/new/", axe_check, use_language)
    use_language("en")
    page.goto(project_url)
    page.get_by_role("link", name="Propose a change").click()
    page.get_by_label("What changes").select_option("milestone")
    page.get_by_label("Milestone", exact=True).select_option(label="遮陽棚施工")
    page.get_by_label("New planned completion").fill(new_end.isoformat())
    page.get_by_label("Why this change").fill("管線遷移需與台電協調，完工日須延後三個月。")
    page.get_by_role("button", name="Send to the proposers").click()
    expect(page.locator(".messages")).to_contain_text("sent to the proposers")
    expect(page.get_by_test_id("change-status")).to_have_text("Waiting for the proposers")
    change = ChangeRequest.objects.get(project=project)

    # The proposer answers on a phone: disagree, with a reason (a reason is required first).
    login(cast.proposer)
    page.set_viewport_size(PHONE)
    _axe_both(page, f"{base}/tracking/changes/{change.pk}/", axe_check, use_language)
    use_language("en")
    page.goto(f"{base}/tracking/changes/{change.pk}/")
    no_overflow(page)
    page.get_by_label("I disagree").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator(".errorlist, .errors, [role=alert]").first).to_contain_text("why you disagree")
    axe_check(page)
    page.get_by_label("I disagree").check()
    page.get_by_label("Reason").fill("延後三個月太久，請先施作不受管線影響的部分。")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_test_id("change-status")).to_have_text("Disputed: goes to the committee")
    no_overflow(page)

    # Anyone reads both sides on the public project page; the dispute waits for the committee.
    page.context.clear_cookies()
    use_language("en")
    page.goto(project_url)
    card = page.locator(f"#change-{change.pk}")
    expect(card).to_contain_text("管線遷移需與台電協調")
    expect(card.get_by_test_id("answer")).to_contain_text("disagrees")
    expect(card.get_by_test_id("answer")).to_contain_text("延後三個月太久")
    axe_check(page)
    use_language("zh-hant")
    page.goto(project_url)
    axe_check(page)
    assert [c.ref for c in agenda.waiting() if c.source == "tracking.change"] == [str(change.pk)]

    # The committee plans a meeting: the dispute is on its agenda; the committee keeps the old date.
    page.set_viewport_size({"width": 1280, "height": 900})
    login(cast["committee"])
    use_language("zh-hant")
    page.goto(f"{base}/accountability/")
    page.get_by_role("link", name="參與預算組會議管理").click()
    page.get_by_label("標題").fill("2026年第6次參與預算組會議")
    page.get_by_label("日期").fill(datetime.date.today().isoformat())
    page.get_by_label("地點").fill("市政大樓N206")
    page.get_by_role("button", name="規劃會議").click()
    expect(page.locator(".messages")).to_contain_text("會議已規劃")
    item = page.locator("li.card", has_text="里程碑日期或範圍")
    item.get_by_label("決定", exact=True).select_option(value="reject")
    item.get_by_label("理由").fill("維持原完工日期，請機關先施作不受管線影響的部分。")
    item.get_by_role("button", name="記錄決定").click()
    expect(page.locator(".messages")).to_contain_text("已記錄決定")
    axe_check(page)
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.REJECTED
    m.refresh_from_db()
    assert m.planned_end != new_end  # the old date stands

    # The public project page shows the committee's decision beside both sides.
    page.context.clear_cookies()
    use_language("en")
    page.goto(project_url)
    card = page.locator(f"#change-{change.pk}")
    expect(page.get_by_test_id("change-status").first).to_have_text("Rejected by the committee")
    expect(card).to_contain_text("維持原完工日期")
    axe_check(page)
    assert not [c for c in agenda.waiting() if c.source == "tracking.change"]
