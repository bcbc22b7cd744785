"""The public report page, its PDFs and open data; civil affairs' population import and build pages;
the beat that queues what is due."""
import csv
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from evaluation import services, tasks
from evaluation.models import EvaluationReport, PopulationFigure
from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db

CSV = "district,age_band,people\ndaan,16-24,100\n大安區,65+,300\n"


@pytest.fixture
def fake_pdf(monkeypatch):
    monkeypatch.setattr(services, "report_pdf", lambda report, language: b"%PDF-1.7 " + language.encode())


@pytest.fixture
def report(cycle, district, fake_pdf):
    services.population_import(year=cycle.year, text=CSV, source_name="p.csv", actor=None)
    return services.report_make(cycle=cycle, period="vote")


def test_public_page_in_both_languages_with_charts_tables_and_appendix(client, report, cycle):
    page = client.get(reverse("evaluation:latest", args=[cycle.year]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<table>" in html and 'id="f-population_share"' in html
    assert "參與" in html and "無地點資料" in html
    client.cookies["django_language"] = "en"
    en = client.get(reverse("evaluation:report", args=[cycle.year, "vote"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Representativeness" in en and "No place data." in en and "Appendix" in en
    assert client.get(reverse("evaluation:index")).content.decode().count(report.get_absolute_url()) == 1


def test_pdf_and_open_data(client, report, cycle):
    for lang in ("zh-hant", "en"):
        resp = client.get(reverse("evaluation:pdf", args=[cycle.year, "vote", lang]))
        assert resp.status_code == 200 and b"".join(resp.streaming_content if resp.streaming else [resp.content]) \
            .endswith(lang.encode())
    assert client.get(reverse("evaluation:pdf", args=[cycle.year, "vote", "fr"])).status_code == 404
    data = json.loads(client.get(reverse("evaluation:json", args=[cycle.year, "vote"])).content)
    assert data["period"] == "vote" and [s["key"] for s in data["sections"]][:2] == ["participation",
                                                                                     "representativeness"]
    assert "gap" in data["appendix"]
    body = client.get(reverse("evaluation:csv", args=[cycle.year, "vote"])).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    age = [r for r in rows if r["table"] == "age" and r["row_en"] == "65+" and r["column"] == "population_share"]
    assert age and float(age[0]["value"]) == 0.75


def test_unknown_or_unbuilt_report_is_404(client, cycle):
    assert client.get(reverse("evaluation:latest", args=[cycle.year])).status_code == 404
    EvaluationReport.objects.create(cycle=cycle, period="vote", kind="after_vote")  # claimed, not built
    assert client.get(reverse("evaluation:report", args=[cycle.year, "vote"])).status_code == 404
    assert client.get(f"/evaluation/{cycle.year}/2027Q9/").status_code == 404


def test_population_page_for_civil_affairs_only_with_clear_errors(client, cycle, district):
    url = reverse("evaluation:population")
    assert client.get(url).status_code in (302, 403)
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(staff(Role.CIVIL_AFFAIRS))
    bad = client.post(url, {"year": 2026, "file": SimpleUploadedFile("p.csv", b"district,age_band,people\nx,1,2\n")})
    assert bad.status_code == 200 and "第 2 行" in bad.content.decode()
    assert not PopulationFigure.objects.exists()
    binary = client.post(url, {"year": 2026, "file": SimpleUploadedFile("p.csv", b"\xff\xfe\x00bad")})
    assert "UTF-8" in binary.content.decode()
    ok = client.post(url, {"year": 2026, "file": SimpleUploadedFile("p.csv", CSV.encode())})
    assert ok.status_code == 302 and PopulationFigure.objects.filter(year=2026).count() == 2


def test_civil_affairs_queues_a_build(client, cycle, fake_pdf, django_capture_on_commit_callbacks):
    client.force_login(staff(Role.CIVIL_AFFAIRS))
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("evaluation:index"), {"year": cycle.year, "period": "2027Q1"})
    assert resp.status_code == 302
    assert EvaluationReport.objects.get(cycle=cycle, period="2027Q1").status == "built"   # eager in tests
    client.force_login(UserFactory())
    resp = client.post(reverse("evaluation:index"), {"year": cycle.year, "period": "vote"})
    assert resp.status_code == 200 and not EvaluationReport.objects.filter(period="vote").exists()


def test_commands(cycle, district, tmp_path, fake_pdf):
    path = tmp_path / "p.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("population_import", "--year", "2026", str(path), stdout=io.StringIO())
    assert PopulationFigure.objects.filter(year=2026).count() == 2
    path.write_text("district,age_band,people\ndaan,99,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="16-24"):
        call_command("population_import", "--year", "2026", str(path), stdout=io.StringIO())
    call_command("evaluation_report", "--cycle", str(cycle.year), stdout=io.StringIO())
    assert EvaluationReport.objects.get(cycle=cycle).builds == 1


def _round(cycle, district, status, closes):
    from voting.models import Round

    return Round.objects.create(
        cycle=cycle, district=district, opens_at=closes - datetime.timedelta(days=7), closes_at=closes,
        threshold=1, threshold_basis="test", admission_cap=1, created_by=UserFactory(), status=status,
        public_key="ab" * 32, box_size=0, box_head="x", board_size=0 if status == "tallied" else None,
        board_head="x" if status == "tallied" else "")


def test_beat_queues_the_after_vote_report_once_rounds_are_counted_then_quarters(
        cycle, district, other_district, fake_pdf, django_capture_on_commit_callbacks):
    from pbcity.tests.factories import CycleFactory
    from tracking.tests.factories import TrackingCast

    assert tasks.reports_due() == []  # no round: nothing to evaluate yet
    closes = datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)
    _round(cycle, district, "tallied", closes)
    _round(cycle, other_district, "closed", closes)
    assert tasks.reports_due(today=datetime.date(2026, 10, 20)) == []   # one round still being counted
    later = CycleFactory(year=2027)
    _round(later, district, "tallied", closes.replace(year=2027))
    assert tasks.reports_due(today=datetime.date(2027, 10, 20)) == [(later.pk, "vote")]
    with django_capture_on_commit_callbacks(execute=True):   # queued through the outbox, after the commit
        assert tasks.reports_start.apply().get() == 1
    assert EvaluationReport.objects.get(cycle=later, period="vote").builds == 1
    assert tasks.reports_due(today=datetime.date(2027, 10, 21)) == []   # built: not again
    assert tasks.reports_due(today=datetime.date(2028, 1, 2)) == []     # no project in execution yet
    TrackingCast(district, other_district).project(later)
    assert tasks.reports_due(today=datetime.date(2028, 1, 2)) == [(later.pk, "2027Q4")]
    assert tasks.reports_due(today=datetime.date(2027, 10, 20)) == []   # the quarter before the vote: none


def test_last_quarter():
    assert services.last_quarter(datetime.date(2027, 1, 1)) == "2026Q4"
    assert services.last_quarter(datetime.date(2027, 5, 31)) == "2027Q1"
    assert services.quarter_of(datetime.date(2027, 12, 31)) == "2027Q4"
