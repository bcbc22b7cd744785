"""Voter registration, the online match, in-person decisions and the household-register import (V1)."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, staff
from voting.models import RegisterEntry, RegisterImport, Voter, VoterDecision, VoterDocument
from voting.services import voters as services

from .v1_fixtures import *  # noqa: F401,F403
from .v1_fixtures import VALID_IDS, keyed, png_upload, register_csv

pytestmark = pytest.mark.django_db

ADULT = dt.date(1990, 1, 1)


def register(user, cycle, district, raw=VALID_IDS[0], birth=ADULT, basis="study", **kw):
    return services.voter_register(actor=user, cycle=cycle, raw_id=raw, birth_date=birth, basis=basis,
                                   district=district, **kw)


def import_register(cycle, rows):
    civil = staff(Role.CIVIL_AFFAIRS)
    job = services.register_import_start(actor=civil, cycle=cycle, upload=register_csv(rows))
    return services.register_import_run(job_id=job.pk)


def test_registration_stores_only_the_keyed_id(vote_cycle, district):
    voter = register(UserFactory(), vote_cycle, district, raw=" a123-456-789 ")
    voter.refresh_from_db()
    assert voter.status == Voter.Status.PENDING and voter.id_hmac == keyed("A123456789")
    assert "A123456789" not in voter.id_hmac
    assert VoterDecision.objects.filter(voter=voter).count() == 1


def test_invalid_id_is_refused_without_echoing_it(vote_cycle, district):
    with pytest.raises(ValidationError) as exc:
        register(UserFactory(), vote_cycle, district, raw="A123456788")
    assert "A123456788" not in " ".join(exc.value.messages)
    assert not Voter.objects.exists()


def test_sixteen_on_the_first_vote_day_registers_one_day_short_does_not(vote_cycle, district):
    assert register(UserFactory(), vote_cycle, district, raw=VALID_IDS[0], birth=dt.date(2010, 5, 10))
    with pytest.raises(ValidationError, match="16 or older"):
        register(UserFactory(), vote_cycle, district, raw=VALID_IDS[1], birth=dt.date(2010, 5, 11))


def test_one_registration_per_user_per_cycle(vote_cycle, district):
    user = UserFactory()
    register(user, vote_cycle, district, raw=VALID_IDS[0])
    with pytest.raises(ValidationError, match="already registered as a voter"):
        register(user, vote_cycle, district, raw=VALID_IDS[1])
    assert Voter.objects.count() == 1


def test_one_registration_per_person_per_cycle_whatever_the_account(vote_cycle, district):
    register(UserFactory(), vote_cycle, district, raw="A123456789")
    with pytest.raises(ValidationError, match="already registered in this cycle") as exc:
        register(UserFactory(), vote_cycle, district, raw="a 123456789")
    assert "A123456789" not in " ".join(exc.value.messages)
    assert Voter.objects.count() == 1


def test_the_database_refuses_a_second_voter_for_the_same_keyed_id(vote_cycle, district):
    voter = register(UserFactory(), vote_cycle, district)
    with pytest.raises(IntegrityError), transaction.atomic():
        Voter.objects.create(cycle=vote_cycle, user=UserFactory(), id_hmac=voter.id_hmac, birth_date=ADULT,
                             basis="live", district=district)


def test_the_database_refuses_a_raw_id_in_the_keyed_column(vote_cycle, district):
    with pytest.raises(IntegrityError), transaction.atomic():
        Voter.objects.create(cycle=vote_cycle, user=UserFactory(), id_hmac="A123456789", birth_date=ADULT,
                             basis="live", district=district)


def test_registration_matching_the_register_is_verified_online(vote_cycle, district, other_district):
    import_register(vote_cycle, [(keyed(VALID_IDS[2]), "1990-01-01", "beitou")])
    voter = register(UserFactory(), vote_cycle, district, raw=VALID_IDS[2], basis="live")
    assert voter.status == Voter.Status.VERIFIED and voter.verified_via == Voter.VerifiedVia.ONLINE
    # The register's household district and basis win over what was typed.
    assert voter.district == other_district and voter.basis == Voter.Basis.HOUSEHOLD


def test_register_entry_with_another_birth_date_does_not_verify(vote_cycle, district):
    import_register(vote_cycle, [(keyed(VALID_IDS[2]), "1991-01-01", "daan")])
    voter = register(UserFactory(), vote_cycle, district, raw=VALID_IDS[2], basis="household")
    assert voter.status == Voter.Status.PENDING


def test_import_verifies_pending_voters_and_reports_rejected_rows(vote_cycle, district):
    waiting = register(UserFactory(), vote_cycle, district, raw=VALID_IDS[3], basis="household")
    other = register(UserFactory(), vote_cycle, district, raw=VALID_IDS[4], basis="household")
    job = import_register(vote_cycle, [
        (keyed(VALID_IDS[3]), "1990-01-01", "daan"),
        ("A123456789", "1990-01-01", "daan"),  # a raw ID, not a keyed one
        (keyed(VALID_IDS[5]), "1990-13-01", "daan"),
        (keyed(VALID_IDS[0]), "1990-01-01", "nowhere"),
        (keyed(VALID_IDS[3]), "1990-01-01", "daan"),  # twice in the file
        (keyed(VALID_IDS[1]), "2000-02-29", "大安區"),
    ])
    assert job.status == RegisterImport.Status.DONE
    assert (job.total_rows, job.processed_rows, job.accepted_rows, job.matched_voters) == (6, 6, 2, 1)
    assert [r["line"] for r in job.rejected] == [3, 4, 5, 6]
    assert "A123456789" not in str(job.rejected)
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert waiting.status == Voter.Status.VERIFIED and other.status == Voter.Status.PENDING
    assert RegisterEntry.objects.count() == 2


def test_a_second_import_does_not_duplicate_entries(vote_cycle, district):
    import_register(vote_cycle, [(keyed(VALID_IDS[0]), "1990-01-01", "daan")])
    job = import_register(vote_cycle, [(keyed(VALID_IDS[0]), "1990-01-01", "daan")])
    assert job.accepted_rows == 0 and job.rejected[0]["line"] == 2
    assert RegisterEntry.objects.count() == 1


def test_import_refuses_a_file_without_the_header(vote_cycle):
    with pytest.raises(ValidationError, match="first line"):
        services.register_import_start(actor=staff(Role.CIVIL_AFFAIRS), cycle=vote_cycle,
                                       upload=register_csv([], header="a,b,c"))


def test_running_an_import_twice_imports_once(vote_cycle, district):
    civil = staff(Role.CIVIL_AFFAIRS)
    job = services.register_import_start(actor=civil, cycle=vote_cycle,
                                         upload=register_csv([(keyed(VALID_IDS[0]), "1990-01-01", "daan")]))
    services.register_import_run(job_id=job.pk)
    services.register_import_run(job_id=job.pk)
    assert RegisterEntry.objects.count() == 1


@pytest.mark.parametrize("who, allowed", [
    ("district", True), ("district_other", False), ("district_no_mfa", False), ("civil", False),
    ("resident", False), ("committee", False), ("councillor", False), ("lead", False),
])
def test_in_person_decision_matrix(vote_cycle, district, cast, who, allowed):
    voter = register(UserFactory(), vote_cycle, district)
    actor = cast[who]
    if allowed:
        services.voter_decide(voter=voter, actor=actor, approve=True, reason="學生證核對無誤")
        voter.refresh_from_db()
        assert voter.status == Voter.Status.VERIFIED and voter.verified_via == Voter.VerifiedVia.IN_PERSON
        assert voter.verified_by == actor
        d = VoterDecision.objects.filter(voter=voter).last()
        assert (d.actor, d.old_status, d.new_status, d.reason) == (actor, "pending", "verified", "學生證核對無誤")
    else:
        with pytest.raises(PermissionDenied):
            services.voter_decide(voter=voter, actor=actor, approve=True, reason="x")
        voter.refresh_from_db()
        assert voter.status == Voter.Status.PENDING


@pytest.mark.parametrize("who, allowed", [
    ("civil", True), ("civil_no_mfa", False), ("district", False), ("resident", False), ("committee", False),
])
def test_register_import_matrix(vote_cycle, cast, who, allowed):
    upload = register_csv([(keyed(VALID_IDS[0]), "1990-01-01", "daan")])
    if allowed:
        assert services.register_import_start(actor=cast[who], cycle=vote_cycle, upload=upload)
    else:
        with pytest.raises(PermissionDenied):
            services.register_import_start(actor=cast[who], cycle=vote_cycle, upload=upload)


def test_decision_needs_a_reason_and_a_pending_voter(vote_cycle, district, cast):
    voter = register(UserFactory(), vote_cycle, district)
    with pytest.raises(ValidationError):
        services.voter_decide(voter=voter, actor=cast["district"], approve=False, reason="  ")
    services.voter_decide(voter=voter, actor=cast["district"], approve=False, reason="證件不符")
    voter.refresh_from_db()
    assert voter.status == Voter.Status.REJECTED and voter.verified_at is None
    with pytest.raises(ValidationError, match="already been decided"):
        services.voter_decide(voter=voter, actor=cast["district"], approve=True, reason="再次")


def test_documents_are_checked_like_attachments(vote_cycle, district):
    from django.core.files.uploadedfile import SimpleUploadedFile

    voter = register(UserFactory(), vote_cycle, district, documents=[png_upload()])
    assert VoterDocument.objects.filter(voter=voter).count() == 1
    doc = VoterDocument.objects.get(voter=voter)
    assert doc.original_name == "student-card.png" and "student-card" not in doc.file.name
    fake = SimpleUploadedFile("card.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    with pytest.raises(ValidationError):
        services.voter_document_add(voter=voter, actor=voter.user, upload=fake)
    with pytest.raises(PermissionDenied):
        services.voter_document_add(voter=voter, actor=UserFactory(), upload=png_upload())


def test_voter_decisions_are_append_only_in_postgresql(vote_cycle, district):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    voter = register(UserFactory(), vote_cycle, district)
    for sql in ("UPDATE voting_voterdecision SET reason = 'x'", "DELETE FROM voting_voterdecision"):
        with pytest.raises(Exception, match="append-only|permission denied"), transaction.atomic(), \
                connection.cursor() as c:
            c.execute(sql)
    assert VoterDecision.objects.filter(voter=voter).count() == 1


def test_registration_needs_a_signed_in_user_and_a_vote_phase(vote_cycle, district):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        register(AnonymousUser(), vote_cycle, district)
    vote_cycle.phases.filter(phase="voting").delete()
    with pytest.raises(PermissionDenied):
        register(UserFactory(), vote_cycle, district)


def test_a_rejected_voter_with_a_new_document_is_queued_again_and_told_each_time(
        vote_cycle, district, cast, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        voter = register(UserFactory(), vote_cycle, district)
        services.voter_decide(voter=voter, actor=cast["district"], approve=False, reason="證明文件不清楚")
        services.voter_document_add(voter=voter, actor=voter.user, upload=png_upload())
        voter.refresh_from_db()
        assert voter.status == Voter.Status.PENDING
        services.voter_decide(voter=voter, actor=cast["district"], approve=True, reason="補件核對無誤")
    voter.refresh_from_db()
    assert voter.status == Voter.Status.VERIFIED
    assert [d.new_status for d in voter.decisions.all()] == ["pending", "rejected", "pending", "verified"]
    assert len(mail.outbox) == 4 and "證明文件不清楚" in mail.outbox[1].body
    with pytest.raises(PermissionDenied):
        services.voter_document_add(voter=voter, actor=voter.user, upload=png_upload())
