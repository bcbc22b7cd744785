"""The proposal pages as residents, staff and committee members use them."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pbcity.tests.factories import DistrictFactory
from pbcity.tests.upload_samples import pdf_bytes
from proposals import services
from proposals.models import Proposal
from proposals.states import State

from .lifecycle_helpers import Cast


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


@pytest.mark.django_db
def test_list_filters_by_district_state_and_text(client, cast, cycle, other_district):
    shade = cast.walk(cycle, State.RAISED)
    passed = cast.walk(cycle, State.ASSEMBLY_PASSED)
    html = client.get("/proposals/", {"state": "assembly_passed"}).content.decode()
    assert f"/proposals/{passed.pk}/" in html and f"/proposals/{shade.pk}/" not in html
    html = client.get("/proposals/", {"district": other_district.pk}).content.decode()
    assert f"/proposals/{passed.pk}/" not in html
    html = client.get("/proposals/", {"q": "遮陽 公園"}).content.decode()
    assert f"/proposals/{shade.pk}/" in html
    html = client.get("/proposals/", {"q": "游泳池"}).content.decode()
    assert f"/proposals/{shade.pk}/" not in html


@pytest.mark.django_db
def test_list_paginates_and_ignores_bad_filters(client, cast, cycle):
    for _ in range(21):
        cast.walk(cycle, State.RAISED)
    page2 = client.get("/proposals/", {"page": 2}).content.decode()
    assert page2.count('class="state state-') == 1
    assert client.get("/proposals/", {"district": "not-a-number", "page": "x"}).status_code == 200


@pytest.mark.django_db
def test_drafts_are_private(client, cast, cycle):
    draft = cast.walk(cycle, State.DRAFT)
    assert client.get(f"/proposals/{draft.pk}/").status_code == 404
    assert f"/proposals/{draft.pk}/" not in client.get("/proposals/").content.decode()
    client.force_login(cast.proposer)
    assert client.get(f"/proposals/{draft.pk}/").status_code == 200


@pytest.mark.django_db
def test_detail_shows_timeline_and_only_permitted_actions(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    html = client.get(f"/proposals/{p.pk}/").content.decode()
    assert "公園增設遮陽棚" in html and 'name="transition"' not in html
    client.force_login(cast["district"])
    html = client.get(f"/proposals/{p.pk}/").content.decode()
    assert 'value="pass_assembly"' in html and 'value="admit"' not in html


@pytest.mark.django_db
def test_staff_moves_a_proposal_from_the_page(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    client.force_login(cast["district"])
    r = client.post(f"/proposals/{p.pk}/act/", {"transition": "pass_assembly", "reason": "過半數"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.state == State.ASSEMBLY_PASSED


@pytest.mark.django_db
def test_missing_reason_keeps_the_form_and_changes_nothing(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    client.force_login(cast["district"])
    r = client.post(f"/proposals/{p.pk}/act/", {"transition": "pass_assembly", "reason": ""})
    assert r.status_code == 400
    p.refresh_from_db()
    assert p.state == State.RAISED


@pytest.mark.django_db
def test_refused_action_keeps_the_typed_reason(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    client.force_login(cast["district_other"])
    r = client.post(f"/proposals/{p.pk}/act/", {"transition": "pass_assembly", "reason": "我打了很長的理由"})
    assert r.status_code == 403
    p.refresh_from_db()
    assert p.state == State.RAISED
    # An action the person may take, refused for an unmet condition: the page shows why and keeps the text.
    p = cast.walk(cycle, State.AGENCIES_ASSIGNED)
    client.force_login(cast["lead"])
    typed = "本案經費不高，可由本處直接執行。"
    r = client.post(f"/proposals/{p.pk}/act/", {"transition": "agree_direct_execution", "reason": typed})
    assert r.status_code == 400
    html = r.content.decode()
    assert typed in html and "須每位提案人同意逕予執行。" in html
    p.refresh_from_db()
    assert p.state == State.AGENCIES_ASSIGNED


@pytest.mark.django_db
def test_anonymous_cannot_act(client, cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    r = client.post(f"/proposals/{p.pk}/act/", {"transition": "pass_assembly", "reason": "x"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


@pytest.mark.django_db
def test_designation_from_the_page(client, cast, cycle):
    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    client.force_login(cast["district"])
    r = client.post(
        f"/proposals/{p.pk}/designate/",
        {"lead": cast.lead_agency.pk, "co_agencies": [cast.co_agency.pk], "reason": "會前會"},
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.state == State.AGENCIES_ASSIGNED and p.lead_agency == cast.lead_agency
    assert list(p.co_agencies.all()) == [cast.co_agency]


@pytest.mark.django_db
def test_audit_page_is_for_committee_members_and_shows_diffs(client, cast, cycle):
    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    client.force_login(cast["resident"])
    assert client.get(f"/proposals/{p.pk}/audit/").status_code == 403
    client.force_login(cast["councillor"])
    assert client.get(f"/proposals/{p.pk}/audit/").status_code == 403
    client.force_login(cast["committee"])
    html = client.get(f"/proposals/{p.pk}/audit/").content.decode()
    assert "住民大會通過" in html and "測試理由" in html and cast["district"].email in html


@pytest.mark.django_db
def test_attachment_type_and_size_are_checked(client, cast, cycle, settings):
    settings.MEDIA_ROOT = "/tmp/pbcity-test-media"
    settings.ATTACHMENT_MAX_BYTES = 1024
    p = cast.walk(cycle, State.RAISED)
    client.force_login(cast.proposer)
    ok = SimpleUploadedFile("plan.pdf", pdf_bytes(), content_type="application/pdf")
    assert client.post(f"/proposals/{p.pk}/attach/", {"file": ok}).status_code == 302
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert client.post(f"/proposals/{p.pk}/attach/", {"file": fake}).status_code == 400
    exe = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    assert client.post(f"/proposals/{p.pk}/attach/", {"file": exe}).status_code == 400
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2048, content_type="application/pdf")
    assert client.post(f"/proposals/{p.pk}/attach/", {"file": big}).status_code == 400
    assert list(Proposal.objects.get(pk=p.pk).attachments.values_list("original_name", flat=True)) == ["plan.pdf"]


@pytest.mark.django_db
def test_district_office_raises_a_proposal_in_the_browser(client, cast, cycle):
    client.force_login(cast["district"])
    r = client.post("/proposals/new/", {
        "cycle": cycle.pk, "district": cast.district.pk, "track": "district", "category": "parks",
        "title": "社區長椅", "problem": "沒有座椅", "solution": "增設長椅", "location": "",
        "estimated_cost": "", "proposer_emails": cast.proposer.email, "proposer_names": "陳阿姨, 0912-000-111",
    })
    assert r.status_code == 302
    p = Proposal.objects.get(title="社區長椅")
    assert p.state == State.RAISED and p.proposers.count() == 2


@pytest.mark.django_db
def test_raising_for_another_district_is_refused_and_keeps_the_input(client, cast, cycle):
    elsewhere = DistrictFactory()
    client.force_login(cast["district"])
    r = client.post("/proposals/new/", {
        "cycle": cycle.pk, "district": elsewhere.pk, "track": "district", "category": "parks",
        "title": "越區提案", "problem": "p", "solution": "s", "proposer_emails": cast.proposer.email,
    })
    assert r.status_code == 200 and "越區提案" in r.content.decode()
    assert not Proposal.objects.filter(title="越區提案").exists()


@pytest.mark.django_db
def test_work_queue_shows_each_staff_member_their_next_steps(client, cast, cycle, other_district):
    raised = cast.walk(cycle, State.RAISED)
    cast.walk(cycle, State.IN_WORKSHOP)  # in nobody's queue: the review panel decides it
    budgeting = cast.walk(cycle, State.BUDGETING)
    expect = {
        "district": {raised.pk},
        "district_other": set(),
        "committee": set(),  # the review outcome is the panel's (deliberation), not a queue step
        "lead": {budgeting.pk},
        "co_agency": set(),
        "resident": set(),
        "district_no_mfa": set(),
    }
    for key, pks in expect.items():
        client.force_login(cast[key])
        page = client.get("/proposals/queue/")
        shown = {p.pk for p in Proposal.objects.all() if f'href="/proposals/{p.pk}/"' in page.content.decode()}
        assert shown == pks, key


@pytest.mark.django_db
def test_councillor_oversees_their_own_district_only(client, cast, cycle, other_district):
    executing = cast.walk(cycle, State.IN_EXECUTION)
    cast.walk(cycle, State.RAISED)
    client.force_login(cast["councillor"])
    r = client.get("/proposals/oversight/")
    assert r.status_code == 302 and r["Location"].endswith(f"/oversight/{cast.district.code}/")
    html = client.get(r["Location"]).content.decode()
    assert executing.get_absolute_url() in html  # listed as a project with its lead agency
    assert str(cast.lead_agency.name) in html
    assert client.get(f"/proposals/oversight/{other_district.code}/").status_code == 403
    client.force_login(cast["resident"])
    assert client.get(f"/proposals/oversight/{cast.district.code}/").status_code == 403
    client.force_login(cast["committee"])
    assert client.get(f"/proposals/oversight/{other_district.code}/").status_code == 200


@pytest.mark.django_db
def test_oversight_flags_projects_without_recent_steps(cast, cycle):
    from datetime import timedelta

    from django.utils import timezone

    from proposals import selectors

    p = cast.walk(cycle, State.IN_EXECUTION)
    services.proposal_revise(proposal=p, actor=cast["lead"], note="核定經費", estimated_cost=500000)
    data = selectors.district_oversight(district=cast.district)
    assert [x.stalled for x in data["projects"] if x.pk == p.pk] == [False]
    later = timezone.now() + timedelta(days=120)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=later):
        data = selectors.district_oversight(district=cast.district)
    assert [x.stalled for x in data["projects"] if x.pk == p.pk] == [True]
    assert data["committed_cost"] == 500000
