"""CSV import of milestones: all rows or none, each error shown, other projects and agencies refused."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tracking import services
from tracking.models import Milestone

GOOD = """project,agency,title,weight,planned_start,planned_end,status,percent,public_note
{pk},,規劃設計,2,2026-09-01,2026-10-31,on_track,50,設計中
{pk},,施工,3,,2026-12-15,not_started,,
"""
BAD = """title,weight,planned_end,status,percent
好的一列,1,2026-12-01,on_track,10
日期錯誤,1,2026/12/01,on_track,10
,1,2026-12-01,on_track,10
超過百分之百,1,2026-12-01,on_track,150
狀態錯誤,x,2026-12-01,finished,10
"""


@pytest.mark.django_db
def test_good_file_creates_then_updates_by_title(cast, project):
    data = GOOD.format(pk=project.pk).encode("utf-8-sig")
    assert services.milestones_import(project=project, actor=cast["lead"], data=data, reason="匯入計畫") == {
        "created": 2, "updated": 0}
    m = Milestone.objects.get(project=project, title="規劃設計")
    assert (m.weight, m.percent, m.status, m.agency) == (2, 50, "on_track", cast.lead_agency)
    assert m.history.first().history_change_reason == "匯入計畫"
    again = GOOD.format(pk=project.pk).replace(",50,", ",80,").encode()
    assert services.milestones_import(project=project, actor=cast["lead"], data=again, reason="更新") == {
        "created": 0, "updated": 2}
    assert Milestone.objects.get(pk=m.pk).percent == 80


@pytest.mark.django_db
def test_bad_rows_import_nothing_and_each_error_is_reported(cast, project):
    with pytest.raises(services.ImportErrors) as exc:
        services.milestones_import(project=project, actor=cast["lead"], data=BAD.encode(), reason="r")
    lines = sorted({n for n, _ in exc.value.rows})
    assert lines == [3, 4, 5, 6]
    text = " ".join(exc.value.messages)
    assert "2026/12/01" in text and "finished" in text
    assert not Milestone.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_a_file_for_another_project_is_refused(cast, cycle, project):
    other = cast.project(cycle)
    data = GOOD.format(pk=other.pk).encode()
    with pytest.raises(PermissionDenied):
        services.milestones_import(project=project, actor=cast["lead"], data=data, reason="r")
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_rows_for_another_agency_are_errors_and_outsiders_are_refused(cast, project):
    data = f"agency,title,planned_end\n{cast.lead_agency.code},主辦的,2026-12-01\n".encode()
    with pytest.raises(services.ImportErrors):
        services.milestones_import(project=project, actor=cast["co_agency"], data=data, reason="r")
    with pytest.raises(PermissionDenied):
        services.milestones_import(project=project, actor=cast["other_agency"], data=GOOD.format(pk="").encode(),
                                   reason="r")


@pytest.mark.django_db
def test_not_csv_or_empty_files_give_clear_errors(cast, project):
    for data in (b"\xff\xfe\x00garbage", b"title,planned_end\n", b"name,date\nx,y\n"):
        with pytest.raises(ValidationError):
            services.milestones_import(project=project, actor=cast["lead"], data=data, reason="r")


@pytest.mark.django_db
def test_export_round_trips_through_import(cast, project, client):
    services.milestones_import(project=project, actor=cast["lead"], data=GOOD.format(pk=project.pk).encode(),
                               reason="r")
    client.force_login(cast["lead"])
    body = client.get(f"/tracking/projects/{project.pk}/milestones.csv").content
    assert body.startswith("\ufeff".encode())
    assert services.milestones_import(project=project, actor=cast["lead"], data=body, reason="再匯入") == {
        "created": 0, "updated": 2}
    client.force_login(cast["resident"])
    assert client.get(f"/tracking/projects/{project.pk}/milestones.csv").status_code == 403
