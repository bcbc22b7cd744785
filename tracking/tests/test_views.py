"""Pages: public reads, staff writes through forms, bad input kept with its error, flags that clear."""
import datetime

import pytest
from django.utils import translation

from tracking import services, tasks
from tracking.models import Evidence, Milestone

from .factories import png_upload

OLD = datetime.date.today() - datetime.timedelta(days=200)


def _get(client, url, user=None, lang="zh-hant"):
    if user is not None:
        client.force_login(user)
    with translation.override(lang):
        return client.get(url, HTTP_ACCEPT_LANGUAGE=lang)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hant", "en"])
def test_public_pages_render(cast, project, client, lang):
    cast.milestone(project, public_note="設計中", staff_note="內部備註")
    for url in ("/tracking/", f"/tracking/districts/{project.proposal.district.code}/",
                f"/tracking/projects/{project.pk}/", project.proposal.get_absolute_url()):
        r = _get(client, url, lang=lang)
        assert r.status_code == 200, url
    page = _get(client, f"/tracking/projects/{project.pk}/").content.decode()
    assert "設計中" in page and "內部備註" not in page  # staff notes stay with staff
    assert "內部備註" in _get(client, f"/tracking/projects/{project.pk}/", cast["co_agency"]).content.decode()


@pytest.mark.django_db
def test_dashboard_is_for_the_committee(cast, project, client):
    assert _get(client, "/tracking/dashboard/", cast["committee"]).status_code == 200
    for who in ("resident", "lead", "councillor"):
        client.logout()
        assert _get(client, "/tracking/dashboard/", cast[who]).status_code == 403, who


@pytest.mark.django_db
def test_agency_updates_a_milestone_with_a_photo_through_the_form(cast, project, client):
    m = cast.milestone(project)
    client.force_login(cast["lead"])
    data = {"title": m.title, "weight": 1, "planned_end": m.planned_end.isoformat(), "status": "on_track",
            "percent": 60, "public_note": "基礎完成", "staff_note": "", "reason": "現場查驗",
            "evidence": png_upload(), "alt_text": "基礎施工完成的照片"}
    r = client.post(f"/tracking/milestones/{m.pk}/", data)
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.percent == 60 and m.history.first().history_change_reason == "現場查驗"
    ev = Evidence.objects.get(milestone=m)
    page = client.get(f"/tracking/projects/{project.pk}/").content.decode()
    assert f'/tracking/evidence/{ev.pk}/' in page and 'alt="基礎施工完成的照片"' in page
    assert client.get(f"/tracking/evidence/{ev.pk}/")["Content-Type"] == "image/png"


@pytest.mark.django_db
def test_bad_input_keeps_what_was_typed(cast, project, client):
    m = cast.milestone(project)
    client.force_login(cast["lead"])
    r = client.post(f"/tracking/milestones/{m.pk}/", {
        "title": m.title, "weight": 1, "planned_end": m.planned_end.isoformat(), "status": "on_track",
        "percent": 40, "public_note": "我打的字", "reason": "r", "evidence": png_upload(), "alt_text": ""})
    assert r.status_code == 400
    page = r.content.decode()
    assert "我打的字" in page
    assert Milestone.objects.get(pk=m.pk).percent == 0  # the milestone and the photo, or neither
    r = client.post(f"/tracking/projects/{project.pk}/budget/", {"fig-kind": "planned", "fig-amount": "abc",
                                                                 "fig-as_of": "2026-13-40", "fig-note": "保留"})
    assert r.status_code == 400 and "保留" in r.content.decode()


@pytest.mark.django_db
def test_read_only_roles_are_refused_by_every_form(cast, project, client):
    m = cast.milestone(project)
    d = services.difficulty_raise(project=project, actor=cast["lead"], kind="difficulty", summary="s", details="d")
    posts = [f"/tracking/milestones/{m.pk}/", f"/tracking/projects/{project.pk}/milestones/new/",
             f"/tracking/projects/{project.pk}/budget/", f"/tracking/projects/{project.pk}/council/",
             f"/tracking/projects/{project.pk}/difficulties/", f"/tracking/difficulties/{d.pk}/",
             f"/tracking/projects/{project.pk}/milestones/import/", f"/tracking/projects/{project.pk}/complete/"]
    for who in ("councillor", "resident", "other_agency", "lead_no_mfa"):
        client.force_login(cast[who])
        for url in posts:
            r = client.post(url, {})
            if who == "lead_no_mfa":  # staff without MFA are sent to set it up before anything else
                assert r.status_code == 302 and r["Location"] == "/accounts/enrolment/", (who, url)
            else:
                assert r.status_code == 403, (who, url)
    client.logout()
    for url in posts:
        assert client.post(url, {}).status_code == 302  # to the login page


@pytest.mark.django_db
def test_withdrawal_has_no_form_of_its_own(cast, project, client):
    """Withdrawal during execution is a closure request (proposers' consent, committee), never a direct form."""
    client.force_login(cast["lead"])
    page = client.get(f"/tracking/projects/{project.pk}/").content.decode()
    assert f"/tracking/projects/{project.pk}/withdraw/" not in page
    assert f"/tracking/projects/{project.pk}/changes/new/" in page
    r = client.post(f"/tracking/projects/{project.pk}/withdraw/", {"withdraw-reason": "用地無法取得"})
    assert r.status_code == 403
    project.proposal.refresh_from_db()
    assert project.proposal.state == "budgeting"


@pytest.mark.django_db
def test_overdue_update_reminds_then_flags_and_clears_after_the_update(cast, project, client):
    m = cast.milestone(project)
    Milestone.objects.filter(pk=m.pk).update(last_update_on=OLD)  # nobody has touched it for 200 days
    result = tasks.overdue_reminders()
    assert result["reminded"] >= 1 and result["flagged"] >= 1
    assert cast["lead"].notifications.filter(key__startswith=f"milestone-overdue:{m.pk}:").count() == 1
    assert cast["committee"].notifications.filter(key__startswith=f"milestone-red:{m.pk}:").count() == 1
    assert not cast["co_agency"].notifications.filter(key__startswith="milestone-overdue").exists()
    tasks.overdue_reminders()  # running again reminds nobody twice
    assert cast["lead"].notifications.filter(key__startswith=f"milestone-overdue:{m.pk}:").count() == 1
    page = _get(client, "/tracking/dashboard/", cast["committee"], lang="en").content.decode()
    assert project.title in page and "flag-overdue" in page
    services.milestone_update(milestone=m, actor=cast["lead"], reason="進度更新", percent=20)
    page = _get(client, "/tracking/dashboard/", cast["committee"], lang="en").content.decode()
    assert "flag-overdue" not in page and "0 projects with red flags" in page


@pytest.mark.django_db
def test_councillor_page_lists_the_districts_projects(cast, project, client):
    r = _get(client, f"/proposals/oversight/{project.proposal.district.code}/", cast["councillor"], lang="en")
    assert r.status_code == 200 and "Execution and red flags" in r.content.decode()
    assert project.title in r.content.decode()


@pytest.mark.django_db
def test_final_report_form(cast, cycle, client):
    project = cast.executing(cycle)
    client.force_login(cast["lead"])
    assert client.get(f"/tracking/projects/{project.pk}/complete/").status_code == 200
    r = client.post(f"/tracking/projects/{project.pk}/complete/", {"text": "完工", "final_cost": 10,
                                                                   "photo1": png_upload(), "alt1": "完工照片"})
    assert r.status_code == 302
    page = client.get(f"/tracking/projects/{project.pk}/").content.decode()
    assert "完工照片" in page


@pytest.mark.django_db
def test_marking_done_through_the_form_completes_the_milestone(cast, project, client):
    m = cast.milestone(project)
    client.force_login(cast["lead"])
    r = client.post(f"/tracking/milestones/{m.pk}/", {
        "title": m.title, "weight": 1, "planned_end": m.planned_end.isoformat(), "status": "done",
        "percent": 30, "reason": "驗收完成"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert (m.status, m.percent) == ("done", 100) and m.actual_end is not None
    r = client.post(f"/tracking/projects/{project.pk}/milestones/new/", {
        "title": "新的", "weight": 99999, "planned_end": "x", "status": "nope", "percent": -1, "reason": ""})
    assert r.status_code == 400


@pytest.mark.django_db
def test_a_file_missing_from_storage_is_a_404(cast, project, client):
    m = cast.milestone(project)
    ev = services.evidence_add(milestone=m, actor=cast["lead"], upload=png_upload(), alt_text="照片")
    ev.file.storage.delete(ev.file.name)
    assert client.get(f"/tracking/evidence/{ev.pk}/").status_code == 404
    assert client.get("/tracking/reports/999999/").status_code == 404


@pytest.mark.django_db
def test_a_difficulty_keeps_every_version_with_who_and_why(cast, project):
    d = services.difficulty_raise(project=project, actor=cast["lead"], kind="difficulty", summary="s", details="d")
    services.difficulty_record(difficulty=d, actor=cast["lead"], kind="outcome", text="已協調完成")
    versions = [(h.resolved_at is None, h.history_user, h.history_change_reason)
                for h in d.history.order_by("history_id")]
    assert versions == [(True, cast["lead"], None), (False, cast["lead"], "依處理結果結案")]
