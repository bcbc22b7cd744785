"""Import fuzz: every broken `.pb` file and household register ends done or failed naming a line, never
stays running, never gives a 500, and a failed file's corrected version is accepted (issue 16, item 4)."""
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from pbcity.roles import Role
from pbcity.tests.factories import staff
from pbcity.tests.fuzz import broken_variants
from voting.counting import RULES
from voting.models import ArchivedBallot, ArchivedElection, ArchivedProject, RegisterEntry, RegisterImport
from voting.selectors.counting import archive_pb_file
from voting.services import archive as services
from voting.services import voters as services_voters

from .v1_fixtures import *  # noqa: F401,F403
from .v1_fixtures import VALID_IDS, keyed

pytestmark = pytest.mark.django_db
ASSEN = Path(__file__).resolve().parents[1] / "fixtures" / "pabulib" / "Netherlands_Assen_2024.pb"
VALID_PB = ASSEN.read_bytes()
LINE = re.compile(r"^line [1-9]\d*: ")


PB_CASES = broken_variants(VALID_PB, sep=";")


@pytest.fixture(autouse=True)
def no_comparison(monkeypatch):
    """The rule comparison after an import is not what is tested here (and is the slow part)."""
    queue = services.enqueue
    monkeypatch.setattr(services, "enqueue", lambda name, *args, **kwargs: None
                        if name == "voting.tasks.rule_outcomes_task" else queue(name, *args, **kwargs))


def post_pb(client, data: bytes, capture):
    with capture(execute=True):  # the import task runs (eagerly)
        return client.post(reverse("voting:archive_list"),
                           {"file": SimpleUploadedFile("broken.pb", data), "title": "", "source": "my source"})


@pytest.fixture
def each_case(django_capture_on_commit_callbacks):
    """Run `check(name, data)` for every case, each rolled back: one database setup for them all (fast)."""
    def run(cases, check):
        for name, data in cases:
            sid = transaction.savepoint()
            try:
                check(name, data)
            except AssertionError as exc:
                raise AssertionError(f"{name}: {exc}") from exc
            finally:
                transaction.savepoint_rollback(sid)
    return run


def test_every_broken_pb_file_ends_done_or_failed_with_its_line(client, each_case,
                                                                  django_capture_on_commit_callbacks):
    civil = staff(Role.CIVIL_AFFAIRS)
    client.force_login(civil)

    def check(name, data):
        resp = post_pb(client, data, django_capture_on_commit_callbacks)
        assert resp.status_code in (302, 400)
        if resp.status_code == 400:
            # Refused on upload: a message in the form, what was typed is kept, no job.
            assert resp.context["form"].errors and 'value="my source"' in resp.content.decode()
            assert not ArchivedElection.objects.exists()
        else:
            job = ArchivedElection.objects.get()
            assert job.status in (ArchivedElection.Status.DONE, ArchivedElection.Status.FAILED), job.status
            if job.status == ArchivedElection.Status.DONE:
                # Still a valid election, which the rules can count (1e400 once passed and broke them).
                assert job.projects.exists()
                election = archive_pb_file(election=job).election()
                assert RULES["greedy"](election).cost <= election.budget and RULES["mes"](election)
                return
            assert LINE.match(job.error), job.error
            assert not ArchivedProject.objects.exists() and not ArchivedBallot.objects.exists()
            assert job.pending_text == ""
        # The corrected file is accepted after a refusal or a failure.
        retry = services.archive_import_start(actor=civil, upload=SimpleUploadedFile("fixed.pb", VALID_PB),
                                              source="x")
        assert services.archive_import_run(job_id=retry.pk).status == ArchivedElection.Status.DONE

    each_case(PB_CASES, check)


def register_body(n=5) -> bytes:
    rows = [f"{keyed(raw)},1990-01-0{i + 1},daan" for i, raw in enumerate(VALID_IDS[:n])]
    return ("id_hmac,birth_date,district\n" + "\n".join(rows) + "\n").encode()


def test_every_broken_register_ends_done_or_failed_with_its_line(client, vote_cycle, district, cast, each_case,
                                                                  django_capture_on_commit_callbacks):
    valid = register_body()
    client.force_login(cast["civil"])
    url = reverse("voting:register_import")

    def check(name, data):
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post(url, {"file": SimpleUploadedFile("register.csv", data)})
        assert resp.status_code in (302, 400)
        if resp.status_code == 400:
            assert resp.context["form"].errors and not RegisterImport.objects.exists()
        else:
            job = RegisterImport.objects.get()
            assert job.status in (RegisterImport.Status.DONE, RegisterImport.Status.FAILED), job.status
            assert all(r["line"] >= 1 and r["reason"] for r in job.rejected)
            if job.status == RegisterImport.Status.DONE:
                return
            assert job.rejected and not RegisterEntry.objects.exists()  # a failed import keeps nothing
        retry = services_voters.register_import_start(actor=cast["civil"], cycle=vote_cycle,
                                                      upload=SimpleUploadedFile("register.csv", valid))
        retry = services_voters.register_import_run(job_id=retry.pk)
        assert retry.status == RegisterImport.Status.DONE and retry.accepted_rows == 5

    each_case(broken_variants(valid, sep=","), check)
