"""Quarterly reports: the PDF (Chinese text, embedded CJK font), sent once per (project, quarter)."""
import datetime
import email
import email.policy
import subprocess
import threading
import types

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connections

from pbcity.roles import Role
from pbcity.tests.factories import staff
from tracking import reports, services, tasks
from tracking.models import QuarterlyReport

from .factories import close_through_committee, png_upload

Q = "2026Q4"


def _pdf_text(path) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8", str(path), "-"]
    return subprocess.run(cmd, capture_output=True, check=True, text=True).stdout


def _pdf_fonts(path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout


def _attachment(message) -> tuple[str, bytes, str]:
    """(filename, bytes, type) of the message's attachment as the mail server receives it (MIME, base64)."""
    parsed = email.message_from_bytes(message.message().as_bytes(linesep="\r\n"), policy=email.policy.default)
    part = next(parsed.iter_attachments())
    return part.get_filename(), part.get_content(), part.get_content_type()


@pytest.fixture
def rich_project(cast, cycle, project):
    m = cast.milestone(project, "lead", title="遮陽棚設計", percent=40, status="on_track", public_note="設計完成四成")
    services.evidence_add(milestone=m, actor=cast["lead"], upload=png_upload(), alt_text="施工前的公園")
    services.budget_figure_record(project=project, actor=cast["lead"], kind="planned", amount=800000,
                                  as_of=datetime.date(2026, 9, 1))
    services.difficulty_raise(project=project, actor=cast["lead"], kind="dispute", summary="鄰里意見分歧",
                              details="部分居民擔心噪音")
    return project


@pytest.mark.django_db
def test_pdf_has_the_chinese_title_and_embeds_the_cjk_font(rich_project, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(reports.build_pdf(rich_project, Q))
    text = _pdf_text(path)
    assert "公園增設遮陽棚" in text and "遮陽棚設計" in text and "鄰里意見分歧" in text and "800,000" in text
    fonts = _pdf_fonts(path)
    cjk = [line.split() for line in fonts.splitlines() if "Noto-Sans-CJK-TC" in line]
    assert cjk, fonts
    assert all(cols[-5] == "yes" for cols in cjk), fonts  # the "emb" column


@pytest.mark.django_db
def test_report_built_once_and_sent_once_to_proposers_in_their_language_and_committee(cast, rich_project):
    cast.proposer.language = "en"
    cast.proposer.save()
    committee = cast["committee"]
    first = reports.quarter_run(quarter=Q)
    second = reports.quarter_run(quarter=Q)  # the job run again: nothing owed
    assert len(first) == 1 and second == []
    reports.report_make(project_id=rich_project.pk, quarter=Q)  # a retried task: nothing new either
    sent = [m for m in mail.outbox if m.attachments]  # the reports, not the walk's transition notices
    r = QuarterlyReport.objects.get(project=rich_project, quarter=Q)
    assert r.status == QuarterlyReport.Status.SENT and r.builds == 1 and r.pdf
    to = sorted(m.to[0] for m in sent)
    assert to == sorted([cast.proposer.email, committee.email])
    by = {m.to[0]: m for m in sent}
    assert by[cast.proposer.email].subject.startswith("Quarterly progress report 2026Q4")
    assert _attachment(by[cast.proposer.email])[2] == "application/pdf"
    assert cast.proposer.notifications.filter(key=f"quarterly-report:{r.pk}").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_report_for_a_quarter(rich_project):
    QuarterlyReport.objects.create(project=rich_project, quarter=Q)
    with pytest.raises(IntegrityError):
        QuarterlyReport.objects.create(project=rich_project, quarter=Q)


@pytest.mark.django_db
def test_projects_that_ended_get_no_report(cast, cycle, project):
    close_through_committee(cast, project, reason="無法執行")
    assert reports.quarter_run(quarter=Q) == []


@pytest.mark.django_db
def test_command_runs_the_quarter_in_process(rich_project, capsys):
    call_command("quarterly_reports", "--quarter", "2026q4")
    assert QuarterlyReport.objects.get(project=rich_project).quarter == Q
    assert "2026Q4: 1" in capsys.readouterr().out


@pytest.mark.django_db
def test_beat_task_defaults_to_the_quarter_just_ended(rich_project, monkeypatch):
    monkeypatch.setattr(tasks, "timezone", types.SimpleNamespace(localdate=lambda: datetime.date(2027, 1, 1)))
    assert tasks.quarterly_reports_start() == 1  # eager in tests
    assert QuarterlyReport.objects.get(project=rich_project).quarter == "2026Q4"


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_build_and_send_each_report_once(district, other_district, cycle):
    from .factories import TrackingCast

    cast = TrackingCast(district, other_district)
    projects = [cast.project(cycle) for _ in range(3)]
    staff(Role.COMMITTEE)
    mail.outbox.clear()  # the walks' own transition notices
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            reports.quarter_run(quarter=Q)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rows = QuarterlyReport.objects.filter(quarter=Q)
    assert rows.count() == 3 and {r.builds for r in rows} == {1} and {r.status for r in rows} == {"sent"}
    # Each project: its proposer (shared cast proposer) and two committee members, once each.
    assert len(mail.outbox) == 3 * 3
    assert len({(m.to[0], _attachment(m)[0]) for m in mail.outbox}) == len(mail.outbox)
    assert {p.pk for p in projects} == {r.project_id for r in rows}


@pytest.mark.django_db
def test_an_english_reader_gets_the_report_in_english_and_the_archive_stays_chinese(cast, rich_project, tmp_path):
    cast.proposer.language = "en"
    cast.proposer.save()
    reports.quarter_run(quarter=Q)
    by = {m.to[0]: m for m in mail.outbox if m.attachments}
    english, chinese = tmp_path / "en.pdf", tmp_path / "zh.pdf"
    english.write_bytes(_attachment(by[cast.proposer.email])[1])
    chinese.write_bytes(_attachment(by[cast["committee"].email])[1])
    en_text, zh_text = _pdf_text(english), _pdf_text(chinese)
    assert f"{Q} progress report" in en_text and "Milestones" in en_text and "執行進度報告" not in en_text
    assert "公園增設遮陽棚" in en_text  # what people typed stays as typed
    assert f"{Q} 執行進度報告" in zh_text and "里程碑" in zh_text
    r = QuarterlyReport.objects.get(project=rich_project, quarter=Q)
    assert r.pdf.open("rb").read() == _attachment(by[cast["committee"].email])[1]  # the archived record
