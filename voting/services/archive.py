"""Writes for the counting rules: importing a past city's `.pb` election, and storing every rule's outcome.

An import reads the whole file before it writes anything, then writes projects and ballots in one
transaction: a malformed file leaves nothing behind but the refusal and its line number. Whatever the
reading throws, the job ends *done* or *failed* with a line (docs/decisions.md, "Imports that always
finish"); a failed job frees its file for a corrected retry.
"""

import logging
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pbcity.tasks import enqueue
from voting import permissions as perm
from voting.counting import RULES, greedy, official, pabulib
from voting.models import ArchivedBallot, ArchivedElection, ArchivedProject, Round, RuleOutcome

MAX_PB_BYTES = 50 * 1024 * 1024
logger = logging.getLogger(__name__)
_NOT_FAILED = (ArchivedElection.Status.QUEUED, ArchivedElection.Status.RUNNING, ArchivedElection.Status.DONE)


def _decode(raw: bytes) -> str:
    """The upload as text, or a ValidationError a person can act on (never a 500)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ValidationError(_("The file is UTF-16 text; save it as UTF-8, as pabulib files are."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValidationError(_("The file is not UTF-8 text; pabulib files are (line %(line)d).") % {"line": line}
                              ) from None
    lines = pabulib.lines_of(text)
    if not any(line.strip() for line in lines):
        raise ValidationError(_("The file is empty."))
    try:
        pabulib.check_lines(lines)
    except pabulib.PbFormatError as exc:
        if exc.code == "nul":
            raise ValidationError(_("Line %(line)d contains a NUL character; it is not a pabulib file.")
                                  % {"line": exc.line}) from None
        raise ValidationError(_("Line %(line)d is longer than %(max)s characters; it is not a pabulib file.")
                              % {"line": exc.line, "max": f"{pabulib.MAX_LINE_CHARS:,}"}) from None
    return text

OFFICIAL = "official"  # the RuleOutcome of the city's own rule, as its file declares it


def archive_import_start(*, actor, upload, title: str = "", source: str = "") -> ArchivedElection:
    """Take a `.pb` file for import; reading it runs in the background (progress on its page)."""
    if not perm.can_import_archive(None, actor):
        raise PermissionDenied(_("Only civil-affairs staff may import past elections."))
    if upload.size > MAX_PB_BYTES:
        raise ValidationError(_("The file is too large (at most %(mb)d MB).") % {"mb": MAX_PB_BYTES // (1024 * 1024)})
    text = _decode(upload.read())
    # Line ends and a BOM do not make another file; the platform's own export is an imported election's
    # canonical text, so it is recognised here too. Other differences (quoting, spaces, META order) are
    # caught once the file is read (`content_sha256`).
    digest = pabulib.text_sha256(text)
    if ArchivedElection.objects.filter(Q(file_sha256=digest) | Q(content_sha256=digest), status__in=_NOT_FAILED
                                       ).exists():
        raise ValidationError(_("This file has already been imported."))
    name = (upload.name or "election.pb")[:200]
    with transaction.atomic():
        try:
            job = ArchivedElection.objects.create(
                title=(title or name.rsplit(".", 1)[0].replace("_", " "))[:200],
                source=source[:300],
                file_name=name,
                file_sha256=digest,
                pending_text=text,
                imported_by=actor,
                total_lines=len(pabulib.lines_of(text)),
            )
        except IntegrityError:
            raise ValidationError(_("This file has already been imported.")) from None
        enqueue("voting.tasks.archive_import_task", job_id=job.pk)
    return job


def archive_import_run(*, job_id: int) -> ArchivedElection:
    """Read the queued file; refuse it whole on the first error, or store it whole. Never leaves it running."""
    with transaction.atomic():
        job = ArchivedElection.objects.select_for_update().get(pk=job_id)
        if job.status != ArchivedElection.Status.QUEUED:
            return job  # a retried or duplicated task: the first run owns the job
        job.status = ArchivedElection.Status.RUNNING
        job.save(update_fields=["status"])
    try:
        return _archive_import_read(job)
    except pabulib.PbFormatError as exc:
        error = str(exc)
    except _Duplicate as exc:
        error = str(exc)
    except Exception as exc:
        # The job boundary: whatever else is thrown (a bug, the database) ends the job too, with the
        # last line read, and goes to the log with its traceback.
        logger.exception("archive import %s failed", job_id)
        error = f"line {job.total_lines}: the file was read but could not be stored ({type(exc).__name__})"
    # Failed: the file is free again (the constraint only binds queued, running and done jobs).
    ArchivedElection.objects.filter(pk=job_id).update(
        status=ArchivedElection.Status.FAILED, error=error[:400], pending_text="", finished_at=timezone.now()
    )
    return ArchivedElection.objects.get(pk=job_id)


class _Duplicate(Exception):
    pass


def _archive_import_read(job: ArchivedElection) -> ArchivedElection:
    job_id = job.pk

    def progress(done, total):
        ArchivedElection.objects.filter(pk=job_id).update(processed_lines=min(done, job.total_lines))

    pb = pabulib.parse(job.pending_text, progress=progress)
    try:
        pb.election()  # every rule can count it (costs, ballots, points)
    except ValueError as exc:
        raise pabulib.PbFormatError(job.total_lines, str(exc)) from exc
    content = pabulib.content_sha256(pb)

    def duplicate(of):
        return _Duplicate(f"the same election (META, projects and votes) was already imported as "
                          f"“{of.title}” (#{of.pk})")

    same = ArchivedElection.objects.filter(content_sha256=content, status=ArchivedElection.Status.DONE).first()
    if same is not None:
        raise duplicate(same)
    try:
        with transaction.atomic():
            job = ArchivedElection.objects.select_for_update().get(pk=job_id)
            ArchivedProject.objects.bulk_create(
                [
                    ArchivedProject(election=job, position=i, project_id=p["project_id"], fields=p)
                    for i, p in enumerate(pb.projects)
                ],
                batch_size=2000,
            )
            ArchivedBallot.objects.bulk_create(
                [ArchivedBallot(election=job, position=i, fields=v) for i, v in enumerate(pb.votes)], batch_size=5000
            )
            job.meta, job.project_columns, job.vote_columns = pb.meta, pb.project_columns, pb.vote_columns
            job.status, job.pending_text, job.finished_at = ArchivedElection.Status.DONE, "", timezone.now()
            job.content_sha256 = content
            job.processed_lines = job.total_lines
            if not job.title or job.title == job.file_name.rsplit(".", 1)[0].replace("_", " "):
                job.title = (pb.meta.get("description") or job.title)[:200]
            job.save()
            enqueue("voting.tasks.rule_outcomes_task", election_id=job.pk)
    except IntegrityError:
        same = ArchivedElection.objects.filter(content_sha256=content, status=ArchivedElection.Status.DONE).first()
        if same is None:
            raise
        raise duplicate(same) from None  # the same election finished first in a concurrent import
    return job


def rule_outcomes_request(*, round_: Round, actor) -> None:
    """Staff ask for the comparison of a tallied round (computed in the background)."""
    if not perm.can_compare_round(round_, actor):
        raise PermissionDenied(_("Only civil-affairs staff and committee members may compute the comparison."))
    if round_.status != Round.Status.TALLIED:
        raise ValidationError(_("The comparison is computed once the round's results are published."))
    enqueue("voting.tasks.rule_outcomes_task", round_id=round_.pk)


def rule_outcomes_compute(*, round_id: int | None = None, election_id: int | None = None) -> list[RuleOutcome]:
    """Run every counting rule not yet stored for this subject and keep its outcome (safe to run twice)."""
    from voting.selectors.counting import archive_pb_file, round_election

    rules = dict(RULES)
    if round_id is not None:
        subject = {"round": Round.objects.get(pk=round_id)}
        election = round_election(round_=subject["round"])
    else:
        subject = {"election": ArchivedElection.objects.get(pk=election_id)}
        pb = archive_pb_file(election=subject["election"])
        election = pb.election()
        declared = official.declared_rule(pb)
        if declared.method is not None:
            # The city's own rule first (the rule its META declares, counted as the city counted it);
            # a rule the file does not let us reproduce is explained on the page instead.
            rules = {OFFICIAL: lambda _e: official.official_outcome(pb, declared), **rules}
    done = set(RuleOutcome.objects.filter(**subject).values_list("rule", flat=True))
    stored = []
    add1 = None
    for name, rule in rules.items():
        if name in done:
            continue
        t = time.perf_counter()
        if name == "mes/add1+greedy" and add1 is not None:
            # Greedy after MES with Add1 starts from the Add1 outcome just computed (Add1 is the slow part).
            out = greedy(election, already=tuple(add1.selected))
            out.rule = name
        else:
            out = rule(election)
        if name == "mes/add1":
            add1 = out
        took = time.perf_counter() - t
        try:
            with transaction.atomic():
                stored.append(
                    RuleOutcome.objects.create(
                        rule=name,
                        selected=out.selected,
                        cost=str(out.cost),
                        budget=str(out.budget),
                        voters_served=out.voters_served(election),
                        voters=len(election.ballots),
                        seconds=round(took, 3),
                        **subject,
                    )
                )
        except IntegrityError:
            continue  # another run stored it first
    return stored
