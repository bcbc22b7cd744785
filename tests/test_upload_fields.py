"""Every upload field, every hostile file: refused with a clear message, or stored only as a rebuilt file.

The five fields that store what a person uploads (proposal attachments, milestone evidence, final-report
photos, voters' proofs at registration and later) each get the whole corpus of
pbcity/tests/hostile_files.py. What a field stores is then downloaded through the app's own view, as a
person would, and must be inert (pbcity.tests.hostile_files.assert_inert). Each upload runs in a
savepoint that is rolled back, so that one project can be completed, and one voter registered, per file.
"""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from pbcity.tests.factories import UserFactory
from pbcity.tests.hostile_files import CORPUS, assert_inert
from proposals import services as proposal_services
from proposals.states import State
from tracking import services as tracking_services
from tracking.tests.factories import TrackingCast
from voting.services import voters as voter_services

PDF_AND_IMAGES = None  # the default: ATTACHMENT_ALLOWED_TYPES (PDF, JPEG, PNG)
IMAGES_ONLY = {".jpg", ".jpeg", ".png"}


class _Undo(Exception):
    pass


def _download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["X-Content-Type-Options"] == "nosniff"
    return b"".join(response.streaming_content)


@pytest.fixture
def world(district, other_district, cycle, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PRIVATE_FILES_X_ACCEL_PREFIX = ""
    phase = cycle.phases.get(phase="voting")
    phase.starts_on, phase.ends_on = datetime.date(2026, 5, 10), datetime.date(2026, 5, 20)
    phase.save()
    cast = TrackingCast(district, other_district)
    return {"cast": cast, "cycle": cycle, "district": district, "proposal": cast.walk(cycle, State.RAISED),
            "project": cast.executing(cycle)}


def attachment(world, upload):
    cast, p = world["cast"], world["proposal"]
    a = proposal_services.attachment_add(proposal=p, actor=cast.proposer, upload=upload)
    return a.content_type, f"/proposals/{p.pk}/files/{a.pk}/", cast.proposer


def evidence(world, upload):
    cast = world["cast"]
    m = cast.milestone(world["project"])
    ev = tracking_services.evidence_add(milestone=m, actor=cast["lead"], upload=upload, alt_text="施工照片")
    return ev.content_type, f"/tracking/evidence/{ev.pk}/", cast["lead"]


def final_photo(world, upload):
    cast = world["cast"]
    report = tracking_services.project_complete(project=world["project"], actor=cast["lead"], text="完工",
                                                final_cost=1000, photos=[(upload, "完工照片")])
    photo = report.photos.get()
    return photo.content_type, f"/tracking/final-photos/{photo.pk}/", None


def voter_registration(world, upload):
    user = UserFactory()
    voter = voter_services.voter_register(actor=user, cycle=world["cycle"], raw_id="A123456789",
                                          birth_date=datetime.date(1990, 1, 1), basis="study",
                                          district=world["district"], documents=[upload])
    doc = voter.documents.get()
    return doc.content_type, f"/voting/voters/documents/{doc.pk}/", user


def voter_document(world, upload):
    user = UserFactory()
    voter = voter_services.voter_register(actor=user, cycle=world["cycle"], raw_id="A123456789",
                                          birth_date=datetime.date(1990, 1, 1), basis="study",
                                          district=world["district"])
    doc = voter_services.voter_document_add(voter=voter, actor=user, upload=upload)
    return doc.content_type, f"/voting/voters/documents/{doc.pk}/", user


FIELDS = {
    "proposal-attachment": (attachment, PDF_AND_IMAGES),
    "milestone-evidence": (evidence, PDF_AND_IMAGES),
    "final-report-photo": (final_photo, IMAGES_ONLY),
    "voter-proof-at-registration": (voter_registration, PDF_AND_IMAGES),
    "voter-proof-added": (voter_document, PDF_AND_IMAGES),
}


def _expected(name: str, expected: str, accepts) -> str:
    upload = CORPUS[name][0]()
    ext = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if accepts is not None and ext not in accepts:
        return "type"  # this field takes photos only: a PDF (or anything else) is refused by its type first
    return expected


@pytest.mark.django_db
@pytest.mark.parametrize("field", FIELDS)
def test_every_hostile_file_is_refused_or_stored_only_as_a_sanitised_file(world, field):
    store, accepts = FIELDS[field]
    problems, stored = [], 0
    for name, (factory, expected) in CORPUS.items():
        expected = _expected(name, expected, accepts)
        try:
            with transaction.atomic():
                try:
                    content_type, url, viewer = store(world, factory())
                except ValidationError as exc:
                    outcome = exc.code if hasattr(exc, "code") else exc.error_list[0].code
                    if outcome != expected:
                        problems.append(f"{name}: refused ({outcome}: {exc.messages}), expected {expected}")
                    elif not exc.messages or not exc.messages[0].strip():
                        problems.append(f"{name}: refused without a message")
                    raise _Undo
                client = Client()
                if viewer is not None:
                    client.force_login(viewer)
                data = _download(client, url)
                stored += 1
                if expected != "clean":
                    problems.append(f"{name}: stored, expected a refusal ({expected})")
                try:
                    assert_inert(data, content_type)
                except AssertionError as exc:
                    problems.append(f"{name}: served unsafe bytes: {exc}")
                raise _Undo
        except _Undo:
            pass
    assert not problems, "\n".join(problems)
    assert stored >= (20 if accepts is None else 15)  # the loop did store and download files


@pytest.mark.django_db
def test_files_stored_before_the_sanitiser_are_listed_then_rewritten_in_place(world):
    """Old rows stay served as they are until `uploads_resanitise --apply` rewrites their files, same names."""
    from io import StringIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from pbcity.tests.hostile_files import CORPUS, bypass_pdf_comment_stream, encrypted_pdf, jpeg_with_exif_gps
    from proposals.models import Attachment
    from tracking.models import Evidence

    cast, p = world["cast"], world["proposal"]
    old_pdf = Attachment.objects.create(  # as the old upload_check let it through
        proposal=p, file=SimpleUploadedFile("plan.pdf", bypass_pdf_comment_stream()), original_name="plan.pdf",
        content_type="application/pdf", size=1, uploaded_by=cast.proposer)
    locked = Attachment.objects.create(
        proposal=p, file=SimpleUploadedFile("locked.pdf", encrypted_pdf("pw")), original_name="locked.pdf",
        content_type="application/pdf", size=1, uploaded_by=cast.proposer)
    old_photo = Evidence.objects.create(  # evidence is append-only: its row cannot change, its file can
        milestone=cast.milestone(world["project"]), file=SimpleUploadedFile("gps.jpg", jpeg_with_exif_gps()),
        original_name="gps.jpg", content_type="image/jpeg", size=1, alt_text="照片", uploaded_by=cast["lead"])
    new = proposal_services.attachment_add(proposal=p, actor=cast.proposer,
                                           upload=CORPUS["png-itxt-html"][0]())
    names = {r.pk: r.file.name for r in (old_pdf, locked, new)}
    before, locked_before = old_pdf.file.open("rb").read(), locked.file.open("rb").read()

    out = StringIO()
    call_command("uploads_resanitise", stdout=out)
    report = out.getvalue()
    assert f"{old_pdf.file.name}: would rewrite" in report and f"{old_photo.file.name}: would rewrite" in report
    assert f"{locked.file.name}: refused: " in report and new.file.name not in report
    assert open(old_pdf.file.path, "rb").read() == before  # a dry run changes nothing

    call_command("uploads_resanitise", "--apply", stdout=StringIO())
    client = Client()
    client.force_login(cast.proposer)
    assert_inert(_download(client, f"/proposals/{p.pk}/files/{old_pdf.pk}/"), "application/pdf")
    client.force_login(cast["lead"])
    assert_inert(_download(client, f"/tracking/evidence/{old_photo.pk}/"), "image/jpeg")
    assert {r.pk: r.file.name for r in Attachment.objects.filter(pk__in=names)} == names
    assert open(locked.file.path, "rb").read() == locked_before  # refused: left as it is, for staff

    again = StringIO()
    call_command("uploads_resanitise", "--apply", stdout=again)  # nothing left to do but the refused file
    assert "rewrit" not in again.getvalue() and "1 refused" in again.getvalue()


# FileFields that do not hold a person's upload to be shown again: the household register CSV (parsed by a
# task, never served) and the quarterly report PDF (generated by WeasyPrint). docs/decisions.md, "Uploads".
NOT_UPLOADS = {("voting.RegisterImport", "file"), ("tracking.QuarterlyReport", "pdf")}


def test_every_file_field_of_the_apps_is_a_registered_upload_field_or_a_known_exception():
    """A new FileField must either go through upload_sanitise (and register) or be named here on purpose."""
    from django.apps import apps
    from django.db.models import FileField

    from pbcity.uploads import UPLOAD_FIELDS

    project_apps = {"pbcity", "proposals", "assemblies", "deliberation", "voting", "tracking", "training"}
    fields = {(m._meta.label, f.name) for m in apps.get_models() if m._meta.app_label in project_apps
              for f in m._meta.get_fields() if isinstance(f, FileField)}
    registered = {(model._meta.label, field) for model, field, _allowed in UPLOAD_FIELDS}
    assert registered == {("proposals.Attachment", "file"), ("tracking.Evidence", "file"),
                          ("tracking.FinalReportPhoto", "file"), ("voting.VoterDocument", "file")}
    assert fields == registered | NOT_UPLOADS
