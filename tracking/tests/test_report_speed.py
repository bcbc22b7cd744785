"""Quarterly reports at speed (docs/decisions.md): the cut CJK font covers what a report says, a character
outside it still reaches the PDF (drawn from the full font), and every recipient's e-mail carries the
stored PDF's bytes, encoded once — with no copy of it written to the mail outbox unless the server refuses."""
import base64
import email.encoders
import html.parser
import socket

import pytest
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from fontTools.ttLib import TTFont

from pbcity import pdf as pdfmod
from pbcity.models import OutgoingMail
from pbcity.roles import Role
from pbcity.tasks import mail_flush
from pbcity.tests.factories import staff
from tracking import reports
from tracking.models import BudgetFigure, Difficulty, DifficultyRecord, Milestone, QuarterlyReport

from .test_reports import Q, _attachment, _pdf_fonts, _pdf_text, rich_project  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def cut_cmap() -> set:
    path = pdfmod.cjk_subset_path()
    assert path is not None, "Noto Sans CJK TC is installed (scripts/common.sh), so the cut font must build"
    return {chr(c) for c in TTFont(path)["cmap"].getBestCmap()}


class _Text(html.parser.HTMLParser):
    """The characters a PDF draws from the page: text outside <style>, and each image's alt text."""

    def __init__(self):
        super().__init__()
        self.parts, self._in_style = [], False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        self.parts += [v or "" for k, v in attrs if k == "alt"]

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if not self._in_style:
            self.parts.append(data)


def _drawn(page: str) -> set:
    parser = _Text()
    parser.feed(page)
    return {c for c in "".join(parser.parts) if not c.isspace()}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_the_cut_font_covers_every_character_a_report_itself_writes(rich_project, cut_cmap, language):
    context = reports.report_context(rich_project, Q)
    with translation.override(language):
        page = render_to_string("tracking/pdf/quarterly.html", {**context, "generated_at": timezone.localtime()})
        # Every label a report can show, not only this project's: statuses, kinds, states.
        labels = [str(label) for model, field in ((Milestone, "status"), (Difficulty, "kind"),
                                                  (DifficultyRecord, "kind"), (BudgetFigure, "kind"),
                                                  (QuarterlyReport, "status"))
                  for _value, label in model._meta.get_field(field).choices]
        labels += [str(label) for _value, label in rich_project.proposal._meta.get_field("state").choices]
    drawn = _drawn(page)
    assert ("執" in drawn) == (language == "zh-hant")  # the template's own words, translated
    missing = (drawn | {c for label in labels for c in label if not c.isspace()}) - cut_cmap
    assert not missing, f"characters outside the cut font: {''.join(sorted(missing))}"


@pytest.mark.django_db
def test_a_report_embeds_only_the_cut_font(rich_project, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(reports.build_pdf(rich_project, Q))
    fonts = [line.split()[0] for line in _pdf_fonts(path).splitlines()[2:]]
    assert fonts and all(name.endswith("+Noto-Sans-CJK-TC-Subset") for name in fonts), fonts
    assert "遮陽棚設計" in _pdf_text(path)


@pytest.mark.django_db
def test_a_character_outside_the_cut_font_is_drawn_from_the_full_font(rich_project, cut_cmap, tmp_path):
    rare = "喆堃"  # in Taiwanese names, outside Big5's frequent characters (and outside Big5)
    assert not set(rare) & cut_cmap
    proposal = rich_project.proposal
    proposal.title = f"{rare}里民活動中心遮陽棚"
    proposal.save(update_fields=["title"])
    path = tmp_path / "r.pdf"
    path.write_bytes(reports.build_pdf(rich_project, Q))
    assert f"{rare}里民活動中心遮陽棚" in _pdf_text(path)  # nothing lost
    fonts = [line.split()[0].split("+")[-1] for line in _pdf_fonts(path).splitlines()[2:]]
    assert "Noto-Sans-CJK-TC-Subset" in fonts and "Noto-Sans-CJK-TC" in fonts, fonts


@pytest.mark.django_db
def test_without_the_cut_font_a_report_is_drawn_whole_from_the_full_font(rich_project, monkeypatch, tmp_path):
    monkeypatch.setattr(pdfmod, "cjk_subset_path", lambda **kwargs: None)
    path = tmp_path / "r.pdf"
    path.write_bytes(reports.build_pdf(rich_project, Q))
    assert "公園增設遮陽棚" in _pdf_text(path) and "鄰里意見分歧" in _pdf_text(path)
    fonts = [line.split()[0].split("+")[-1] for line in _pdf_fonts(path).splitlines()[2:]]
    assert set(fonts) == {"Noto-Sans-CJK-TC"}, fonts


def test_a_cache_folder_that_cannot_be_written_leaves_the_full_font(settings, tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.PDF_FONT_CACHE_DIR = blocker / "fonts"  # a folder inside a file cannot be made
    assert pdfmod.cjk_subset_path() is None
    assert "Could not build the CJK font subset" in caplog.text


def test_the_cut_font_is_readable_by_the_other_services(cut_cmap):
    assert pdfmod.cjk_subset_path().stat().st_mode & 0o044 == 0o044


@pytest.fixture
def recipients(cast):
    staff(Role.COMMITTEE)  # the proposer and two committee members, all reading Chinese
    mail.outbox.clear()


@pytest.mark.django_db
def test_every_recipient_gets_the_stored_pdf_encoded_once_and_no_copy_is_kept(rich_project, recipients,
                                                                             monkeypatch):
    encoded = []
    base64_encode = email.encoders.encode_base64
    monkeypatch.setattr(email.encoders, "encode_base64", lambda part: encoded.append(1) or base64_encode(part))
    with CaptureQueriesContext(connection) as queries:
        reports.quarter_run(quarter=Q)  # the backend builds each message's MIME, as SMTP would
    monkeypatch.undo()
    sent = [m for m in mail.outbox if m.attachments]
    stored = QuarterlyReport.objects.get(project=rich_project, quarter=Q).pdf.open("rb").read()
    assert len(sent) == 3 and all(_attachment(m)[1] == stored for m in sent)
    assert len(encoded) == 1  # one base64 part, attached to each recipient's message
    kept = [q["sql"] for q in queries.captured_queries if '"pbcity_outgoingmail"' in q["sql"]]
    assert kept == []  # sent inside the delivery's transaction: no base64 copy written and deleted per mail


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_a_refused_report_mail_is_kept_with_the_pdf_and_sent_later_with_the_same_bytes(rich_project, recipients,
                                                                                          settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    reports.quarter_run(quarter=Q)
    r = QuarterlyReport.objects.get(project=rich_project, quarter=Q)
    stored = r.pdf.open("rb").read()
    kept = list(OutgoingMail.objects.all())
    assert len(kept) == 3 and r.status == QuarterlyReport.Status.SENT  # handed to the outbox
    for m in kept:
        (attachment,) = m.message["attachments"]
        assert attachment["filename"] == f"report-{Q}-{rich_project.pk}.pdf"
        assert base64.b64decode(attachment["content"]) == stored and attachment["mimetype"] == "application/pdf"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingMail.objects.update(next_attempt_at=timezone.now())
    assert mail_flush() == 3
    sent = [m for m in mail.outbox if m.attachments]
    assert len(sent) == 3 and all(_attachment(m) == (f"report-{Q}-{rich_project.pk}.pdf", stored, "application/pdf")
                                  for m in sent)
    assert not OutgoingMail.objects.exists()
