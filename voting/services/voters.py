"""Voter registration and verification, and the household-register import (docs/decisions.md, "Voting: eligibility").

The raw ID number lives only in the request that carries it: it is normalised, checked and keyed here and
then dropped. Error messages never repeat it.
"""
import codecs
import csv
import datetime
import itertools
import logging
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pbcity.models import CyclePhase, District
from pbcity.systext import systext
from pbcity.tasks import enqueue
from pbcity.uploads import storage_name, upload_sanitise
from pbcity.validators import validate_multi_line
from voting import permissions as perm
from voting import rules
from voting.models import RegisterEntry, RegisterImport, Voter, VoterDecision, VoterDocument

REGISTER_MAX_BYTES = 200 * 1024 * 1024
_BATCH = 1000
# The import report keeps the first rejected rows; the count of all of them is total - accepted. A row's
# reason is kept as its msgid and translated when shown (docs/decisions.md, "One language per page").
REJECTED_KEPT = 1000
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# A register line is a 64-character key, a date and a district; anything this long is not one (and
# would stop the csv reader with "field larger than field limit").
REGISTER_MAX_LINE = 10_000
logger = logging.getLogger(__name__)


def _key() -> bytes:
    key = settings.VOTER_ID_HMAC_KEY
    if not key:
        raise ImproperlyConfigured("VOTER_ID_HMAC_KEY is not set.")
    return key.encode()


def voter_id_keyed(*, raw_id: str) -> str:
    """The keyed form of a raw ID number (raises ValidationError, without the number, when invalid)."""
    normalised = rules.normalise_id(raw_id)
    if rules.id_kind(normalised) is None:
        raise ValidationError(
            _("This is not a valid national ID or resident certificate number. Please check the letters and digits."),
            code="id_invalid",
        )
    return rules.id_keyed(normalised, key=_key())


def vote_first_day(*, cycle) -> datetime.date | None:
    """The first day of the cycle's i-Voting phase: the day on which the age rule is judged."""
    phase = CyclePhase.objects.filter(cycle=cycle, phase=CyclePhase.Phase.VOTING).first()
    return phase.starts_on if phase else None


def _decide(voter: Voter, *, actor, new_status: str, via: str, reason: str) -> None:
    old = voter.status
    voter.status = new_status
    voter.decision_reason = reason[:300]
    if new_status == Voter.Status.VERIFIED:
        voter.verified_via = via
        voter.verified_at = timezone.now()
        voter.verified_by = actor
    voter.save(update_fields=["status", "decision_reason", "verified_via", "verified_at", "verified_by", "district",
                              "basis"])
    decision = VoterDecision.objects.create(voter=voter, actor=actor, old_status=old, new_status=new_status, via=via,
                                           reason=reason[:300])
    _notify(decision)


def _notify(decision: VoterDecision) -> None:
    enqueue("voting.tasks.voter_notify", voter_id=decision.voter_id, status=decision.new_status,
            decision_id=decision.pk)


def _match_register(voter: Voter) -> bool:
    """Verify online when the household register has this keyed ID with the same birth date."""
    entry = RegisterEntry.objects.filter(cycle_id=voter.cycle_id, id_hmac=voter.id_hmac).first()
    if entry is None or entry.birth_date != voter.birth_date:
        return False
    voter.district_id = entry.district_id
    voter.basis = Voter.Basis.HOUSEHOLD
    _decide(voter, actor=None, new_status=Voter.Status.VERIFIED, via=Voter.VerifiedVia.ONLINE,
            reason=systext("voting.register_match"))
    return True


def voter_register(*, actor, cycle, raw_id: str, birth_date: datetime.date, basis: str, district: District,
                   documents=()) -> Voter:
    """Register `actor` as a voter of `cycle`: check eligibility, key the ID, match the register or queue."""
    if not perm.can_register_voter(cycle, actor):
        raise PermissionDenied(_("Voter registration is not open for this cycle."))
    id_hmac = voter_id_keyed(raw_id=raw_id)
    first_day = vote_first_day(cycle=cycle)
    problem = rules.voter_ineligibility(birth_date=birth_date, first_vote_day=first_day, basis=basis)
    if problem == "basis":
        raise ValidationError(_("Please choose how you are tied to Taipei."), code="basis")
    if problem == "too_young":
        raise ValidationError(
            _("Voters must be %(age)d or older on the first day of the vote (%(day)s).")
            % {"age": rules.MIN_VOTER_AGE, "day": first_day.isoformat()},
            code="too_young",
        )
    checked = [upload_sanitise(upload) for upload in documents]
    try:
        with transaction.atomic():
            voter = Voter.objects.create(cycle=cycle, user=actor, id_hmac=id_hmac, birth_date=birth_date,
                                         basis=basis, district=district)
            registered = VoterDecision.objects.create(voter=voter, actor=actor, old_status=Voter.Status.PENDING,
                                                      new_status=Voter.Status.PENDING, via="",
                                                      reason=systext("voting.registered"))
            for upload in checked:
                _store_document(voter, upload)
            if not _match_register(voter):
                _notify(registered)
    except IntegrityError as exc:
        if Voter.objects.filter(cycle=cycle, user=actor).exists():
            raise ValidationError(_("You are already registered as a voter in this cycle."), code="duplicate_user") \
                from exc
        raise ValidationError(
            _("This ID number is already registered in this cycle. If this is wrong, please visit a district office."),
            code="duplicate_id",
        ) from exc
    return voter


def _store_document(voter: Voter, clean) -> VoterDocument:
    """Store a file as `upload_sanitise` rebuilt it."""
    original = Path(clean.name or "").name[:200]
    clean.name = storage_name(clean.name or "")
    return VoterDocument.objects.create(voter=voter, file=clean, original_name=original,
                                        content_type=clean.content_type, size=clean.size)


def voter_document_add(*, voter: Voter, actor, upload) -> VoterDocument:
    """The voter adds a proof while waiting; a rejected voter who adds one is queued again."""
    if not (actor.is_authenticated and voter.user_id == actor.pk):
        raise PermissionDenied(_("Only a voter awaiting verification may add documents."))
    clean = upload_sanitise(upload)
    with transaction.atomic():
        voter = Voter.objects.select_for_update().get(pk=voter.pk)
        if voter.status == Voter.Status.VERIFIED:
            raise PermissionDenied(_("Only a voter awaiting verification may add documents."))
        if voter.status == Voter.Status.REJECTED:
            _decide(voter, actor=actor, new_status=Voter.Status.PENDING, via="",
                    reason=systext("voting.new_document"))
        return _store_document(voter, clean)


def voter_decide(*, voter: Voter, actor, approve: bool, reason: str) -> Voter:
    """District-office staff verify or reject a pending voter in person, with the reason on record."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please give the reason for the decision."), code="reason")
    validate_multi_line(reason)
    with transaction.atomic():
        voter = Voter.objects.select_for_update().select_related("cycle").get(pk=voter.pk)
        if not perm.can_verify_voter(voter, actor):
            raise PermissionDenied(_("Only district-office staff of the voter's district may verify them."))
        if voter.status != Voter.Status.PENDING:
            raise ValidationError(_("This voter has already been decided."), code="decided")
        _decide(voter, actor=actor, new_status=Voter.Status.VERIFIED if approve else Voter.Status.REJECTED,
                via=Voter.VerifiedVia.IN_PERSON if approve else "", reason=reason)
    return voter


# --- Household-register import ------------------------------------------------------------------

REGISTER_COLUMNS = ("id_hmac", "birth_date", "district")


def register_import_start(*, actor, cycle, upload) -> RegisterImport:
    """Civil affairs upload a household-register CSV (keyed IDs); a task imports it and reports progress."""
    if not perm.can_import_register(cycle, actor):
        raise PermissionDenied(_("Only civil-affairs staff may import the household register."))
    if Path(upload.name or "").suffix.lower() != ".csv":
        raise ValidationError(_("Please upload a CSV file."), code="type")
    if not upload.size or upload.size > REGISTER_MAX_BYTES:
        raise ValidationError(_("The file is empty or too large (at most %(mb)d MB).")
                              % {"mb": REGISTER_MAX_BYTES // (1024 * 1024)}, code="size")
    head = upload.read(4096)
    upload.seek(0)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ValidationError(_("The file is UTF-16 text; save it as “CSV UTF-8”."), code="encoding")
    if b"\x00" in head:
        raise ValidationError(_("The file contains NUL characters; it is not a CSV file."), code="encoding")
    try:
        # Incremental: the 4 KB may end inside a character, which is not an error.
        first_line = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False).splitlines()[0]
    except (UnicodeDecodeError, IndexError) as exc:
        raise ValidationError(_("The file is not UTF-8 text."), code="encoding") from exc
    columns = tuple(c.strip().lower() for c in next(csv.reader([first_line])))
    if columns[:3] != REGISTER_COLUMNS:
        raise ValidationError(_("The first line must name the columns: %(cols)s.")
                              % {"cols": ",".join(REGISTER_COLUMNS)}, code="header")
    original = Path(upload.name).name[:200]
    upload.name = storage_name(upload.name)
    with transaction.atomic():
        job = RegisterImport.objects.create(cycle=cycle, file=upload, original_name=original, imported_by=actor)
        enqueue("voting.tasks.register_import_run_task", job_id=job.pk)
    return job


def _row_problem(row: list[str], districts: dict) -> tuple[str | None, tuple | None]:
    if len(row) < 3:
        return gettext_noop("missing columns"), None
    key, born, district = (c.strip() for c in row[:3])
    key = key.lower()
    if not _HEX64.match(key):
        return gettext_noop("the keyed ID is not 64 hexadecimal characters"), None
    try:
        birth = datetime.date.fromisoformat(born)
    except ValueError:
        return gettext_noop("the birth date is not YYYY-MM-DD"), None
    if district not in districts:
        return gettext_noop("unknown district"), None
    return None, (key, birth, districts[district])


class _ImportStop(Exception):
    """The file cannot be read on, at `line`: the job fails there and keeps nothing."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


def register_import_run(*, job_id: int) -> RegisterImport:
    """Import the rows in batches (each committed, so the progress bar moves), then match pending voters.

    Whatever is thrown, the job ends done or failed with the line where it stopped; a failed job keeps
    no entries, so the corrected file imports cleanly (docs/decisions.md, "Imports that always finish").
    """
    with transaction.atomic():
        job = RegisterImport.objects.select_for_update().get(pk=job_id)
        if job.status != RegisterImport.Status.QUEUED:
            return job  # a retried or duplicated task: the first run owns the job
        job.status = RegisterImport.Status.RUNNING
        job.save(update_fields=["status"])
    job.current_line = 1
    try:
        return _register_import_rows(job)
    except _ImportStop as exc:
        line, reason = exc.line, exc.reason
    except Exception as exc:
        logger.exception("register import %s failed at line %s", job_id, job.current_line)
        line = job.current_line
        reason = _("the import stopped here with an error (%(error)s); nothing from this file was kept, "
                   "please try again") % {"error": type(exc).__name__}
    RegisterEntry.objects.filter(source_id=job.pk).delete()
    RegisterImport.objects.filter(pk=job.pk).update(
        status=RegisterImport.Status.FAILED, finished_at=timezone.now(), accepted_rows=0,
        rejected=[{"line": line, "reason": str(reason)}])
    return RegisterImport.objects.get(pk=job.pk)


def _csv_rows(job: RegisterImport):
    """(line, fields) of the file's data rows, streamed (a city's register has millions; never all in memory).

    Lines are decoded one by one, so an encoding error, an overlong line or a CSV error names its line.
    """
    def lines(fh):
        decoder = "utf-8-sig"
        for n, raw in enumerate(fh, start=1):
            if len(raw) > REGISTER_MAX_LINE:
                raise _ImportStop(n, _("the line is longer than %(max)d characters") % {"max": REGISTER_MAX_LINE})
            try:
                yield raw.decode(decoder)
            except UnicodeDecodeError:
                raise _ImportStop(n, _("the line is not UTF-8 text")) from None
            decoder = "utf-8"

    with job.file.open("rb") as fh:
        reader = csv.reader(lines(fh))
        try:
            next(reader, None)  # the header, checked on upload
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            raise _ImportStop(reader.line_num, _("unreadable CSV (%(error)s)") % {"error": exc}) from None


def _register_import_rows(job: RegisterImport) -> RegisterImport:
    districts = {}
    for d in District.objects.all():
        districts.update({d.code: d.pk, d.name: d.pk, d.name_en: d.pk})
    # The first pass reads the whole file, so an unreadable line fails the job before anything is written.
    total = sum(1 for _row in _csv_rows(job))
    RegisterImport.objects.filter(pk=job.pk).update(total_rows=total)
    rejected, accepted, processed = [], 0, 0

    def reject(line, reason):
        if len(rejected) < REJECTED_KEPT:
            rejected.append({"line": line, "reason": str(reason)})

    rows = _csv_rows(job)  # line numbers as a spreadsheet shows them
    while batch_rows := list(itertools.islice(rows, _BATCH)):
        batch = {}
        for line, row in batch_rows:
            job.current_line = line
            if any(c.strip() for c in row):
                problem, value = _row_problem(row, districts)
            else:
                problem, value = gettext_noop("empty line"), None
            if problem is None and value[0] in batch:
                problem = gettext_noop("the keyed ID appears twice in the file")
            if problem:
                reject(line, problem)
                continue
            batch[value[0]] = (line, RegisterEntry(cycle_id=job.cycle_id, source_id=job.pk, id_hmac=value[0],
                                                   birth_date=value[1], district_id=value[2]))
        with transaction.atomic():
            existing = dict(RegisterEntry.objects.filter(cycle_id=job.cycle_id, id_hmac__in=list(batch))
                            .values_list("id_hmac", "source_id"))
            for key, source in existing.items():
                reject(batch[key][0], gettext_noop("the keyed ID appears twice in the file") if source == job.pk
                       else gettext_noop("already in the register from an earlier import"))
            fresh = [entry for key, (_line, entry) in batch.items() if key not in existing]
            RegisterEntry.objects.bulk_create(fresh, ignore_conflicts=True)
            accepted += len(fresh)
            processed += len(batch_rows)
            RegisterImport.objects.filter(pk=job.pk).update(processed_rows=processed, accepted_rows=accepted)
    matched = 0
    pending = Voter.objects.filter(cycle_id=job.cycle_id, status=Voter.Status.PENDING,
                                   id_hmac__in=RegisterEntry.objects.filter(source_id=job.pk).values("id_hmac"))
    for voter_id in pending.values_list("pk", flat=True):
        with transaction.atomic():
            voter = Voter.objects.select_for_update().get(pk=voter_id)
            if voter.status == Voter.Status.PENDING and _match_register(voter):
                matched += 1
    RegisterImport.objects.filter(pk=job.pk).update(
        status=RegisterImport.Status.DONE, finished_at=timezone.now(), matched_voters=matched, processed_rows=processed,
        rejected=sorted(rejected, key=lambda r: r["line"]))
    return RegisterImport.objects.get(pk=job.pk)
