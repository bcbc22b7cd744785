"""The reported import failures (issue 16, item 4): each ends failed with its line, frees the file, and the
same election is recognised by content — line ends, quoting, META order, the platform's own export."""
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.utils import translation

from pbcity.limits import MAX_AMOUNT
from pbcity.roles import Role
from pbcity.tests.factories import staff
from voting.counting import pabulib
from voting.models import ArchivedElection, ArchivedProject, RegisterEntry, RegisterImport
from voting.selectors.counting import archive_pb_text
from voting.services import archive as services
from voting.services import voters as voter_services

from .v1_fixtures import *  # noqa: F401,F403
from .v1_fixtures import VALID_IDS, keyed, register_csv

pytestmark = pytest.mark.django_db
ASSEN = Path(__file__).resolve().parents[1] / "fixtures" / "pabulib" / "Netherlands_Assen_2024.pb"
TEXT = ASSEN.read_text(encoding="utf-8")


@pytest.fixture
def civil():
    return staff(Role.CIVIL_AFFAIRS)


def start(actor, text: str | bytes, name="e.pb"):
    data = text.encode() if isinstance(text, str) else text
    return services.archive_import_start(actor=actor, upload=SimpleUploadedFile(name, data), source="x")


def run(actor, text):
    return services.archive_import_run(job_id=start(actor, text).pk)


def queued(actor, text: str) -> ArchivedElection:
    """A job as an older upload check (or a direct call) would have queued it, bypassing `_decode`."""
    return ArchivedElection.objects.create(title="t", source="x", file_name="e.pb", file_sha256="0" * 64,
                                           pending_text=text, imported_by=actor,
                                           total_lines=len(pabulib.lines_of(text)))


def test_a_10_mb_meta_line_fails_the_job_at_its_line_and_frees_the_file(civil):
    huge = TEXT.replace("comment;", "comment;" + "x" * 10_000_000, 1)
    with pytest.raises(ValidationError, match="Line 17 is longer than 100,000 characters"):
        start(civil, huge)  # refused on upload
    job = services.archive_import_run(job_id=queued(civil, huge).pk)  # and in the worker, had it got there
    assert job.status == ArchivedElection.Status.FAILED
    assert job.error.startswith("line 17: the line is longer than 100,000 characters")
    assert run(civil, TEXT).status == ArchivedElection.Status.DONE


def test_a_field_over_the_csv_limit_across_lines_fails_naming_a_line(civil):
    quoted = '"' + ("y" * 90_000 + "\n") * 2 + '"'
    job = services.archive_import_run(job_id=queued(civil, TEXT.replace("comment;", "comment;" + quoted, 1)).pk)
    assert job.status == ArchivedElection.Status.FAILED
    assert "field larger than field limit" in job.error and job.error.startswith("line 1")


@pytest.mark.parametrize("cost,message", [
    ("1e400", f"line 20: the cost 1e400 is larger than {MAX_AMOUNT:,}"),
    ("-5", "line 20: the cost cannot be negative"),
    ("NaN", "line 20: 'NaN' is not a number"),
    ("inf", "line 20: 'inf' is not a number"),
    ("1e999999999", "line 20: '1e999999999' is not a number"),
    ("7200.001", "line 20: the cost 7200.001 has more than 2 decimals"),
])
def test_costs_are_finite_bounded_and_named_by_line(civil, cost, message):
    job = run(civil, TEXT.replace("3;7200;43;", f"3;{cost};43;", 1))
    assert job.status == ArchivedElection.Status.FAILED and job.error.startswith(message)


def test_points_and_budget_are_bounded():
    cumulative = "META\nkey;value\nbudget;{b}\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;5\n" \
                 "VOTES\nvoter_id;vote;points\nv1;1;{p}\n"
    with pytest.raises(pabulib.PbFormatError, match="line 10: points must be whole numbers"):
        pabulib.parse(cumulative.format(b=10, p="1e400"))
    with pytest.raises(pabulib.PbFormatError, match="line 3: the budget 1e13 is larger"):
        pabulib.parse(cumulative.format(b="1e13", p=1))


def test_a_duplicate_project_id_names_its_line_and_the_id(civil):
    job = run(civil, TEXT.replace("9;21000;42;", "3;21000;42;", 1))
    assert job.error.startswith("line 21: project_id '3' appears twice in PROJECTS (first on line 20)")


def test_a_file_cut_short_at_a_line_end_is_refused_by_the_counts_meta_declares(civil):
    cut = "".join(TEXT.splitlines(keepends=True)[:100])
    job = run(civil, cut)
    assert job.status == ArchivedElection.Status.FAILED
    assert job.error.startswith("line 8: META says num_votes is 84 but the file has")


def test_whatever_is_thrown_the_job_fails_with_a_line_and_the_retry_is_accepted(civil, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    with monkeypatch.context() as m:
        m.setattr(ArchivedProject.objects, "bulk_create", broken)
        job = run(civil, TEXT)
    assert job.status == ArchivedElection.Status.FAILED and job.pending_text == ""
    assert job.error == f"line {job.total_lines}: the file was read but could not be stored (DatabaseError)"
    assert run(civil, TEXT).status == ArchivedElection.Status.DONE


@pytest.mark.parametrize("variant", [
    lambda t: t.replace("\n", "\r\n"),
    lambda t: t.replace("\n", "\r"),
    lambda t: "\ufeff" + t.rstrip("\n"),
])
def test_other_line_ends_are_the_same_file(civil, variant):
    assert run(civil, TEXT).status == ArchivedElection.Status.DONE
    with translation.override("en"), pytest.raises(ValidationError, match="already been imported"):
        start(civil, variant(TEXT))


def test_the_platforms_export_is_the_same_election(civil):
    first = run(civil, TEXT)
    with translation.override("en"), pytest.raises(ValidationError, match="already been imported"):
        start(civil, archive_pb_text(election=first))


def test_quoting_spaces_and_meta_order_are_caught_once_read(civil):
    first = run(civil, TEXT)
    lines = TEXT.splitlines()
    lines[2], lines[3] = lines[3], lines[2]  # META order
    cells = lines[20].split(";")
    lines[20] = ";".join([f'"{cells[0]}"', f" {cells[1]} ", *cells[2:]])  # quotes, spaces around a field
    job = run(civil, "\n".join(lines))
    assert job.status == ArchivedElection.Status.FAILED
    assert f"was already imported as “{first.title}” (#{first.pk})" in job.error
    assert ArchivedElection.objects.filter(status=ArchivedElection.Status.DONE).count() == 1


def test_a_register_import_that_crashes_names_its_line_and_keeps_nothing(vote_cycle, district, monkeypatch):
    rows = [(keyed(raw), "1990-01-01", "daan") for raw in VALID_IDS[:3]]
    civil = staff(Role.CIVIL_AFFAIRS)
    job = voter_services.register_import_start(actor=civil, cycle=vote_cycle, upload=register_csv(rows))
    real, calls = RegisterEntry.objects.bulk_create, []

    def third_batch_fails(entries, **kw):
        calls.append(1)
        if len(calls) == 3:
            raise DatabaseError("disk full")
        return real(entries, **kw)

    with monkeypatch.context() as m:
        m.setattr(voter_services, "_BATCH", 1)  # two batches committed before the crash
        m.setattr(RegisterEntry.objects, "bulk_create", third_batch_fails)
        job = voter_services.register_import_run(job_id=job.pk)
    assert job.status == RegisterImport.Status.FAILED
    assert job.rejected[0]["line"] == 4 and "DatabaseError" in job.rejected[0]["reason"]
    assert not RegisterEntry.objects.exists()  # the committed batches are gone: the retry starts clean
    retry = voter_services.register_import_start(actor=civil, cycle=vote_cycle, upload=register_csv(rows))
    retry = voter_services.register_import_run(job_id=retry.pk)
    assert retry.status == RegisterImport.Status.DONE and retry.accepted_rows == 3


def test_an_unreadable_register_line_fails_the_job_naming_it_before_anything_is_written(vote_cycle, district):
    civil = staff(Role.CIVIL_AFFAIRS)
    # Past the first 4 KB, which the upload itself checks.
    good = f"{keyed(VALID_IDS[0])},1990-01-01,daan\n" * 100
    body = f"id_hmac,birth_date,district\n{good}".encode() + b"\xff\xfe,x,y\n"
    job = voter_services.register_import_start(actor=civil, cycle=vote_cycle,
                                               upload=SimpleUploadedFile("r.csv", body))
    job = voter_services.register_import_run(job_id=job.pk)
    assert job.status == RegisterImport.Status.FAILED
    assert job.rejected == [{"line": 102, "reason": "the line is not UTF-8 text"}]
    assert not RegisterEntry.objects.exists()


def test_a_failing_progress_callback_is_not_blamed_on_the_file():
    text = "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n" + "".join(f"p{i};1\n" for i in range(10_000)) \
        + "VOTES\nvoter_id;vote\n"

    def progress(done, total):
        raise DatabaseError("connection lost")

    with pytest.raises(DatabaseError, match="connection lost"):
        pabulib.parse(text, progress=progress)
