"""Writes for the counting rules: importing a past city's `.pb` election, and storing every rule's outcome.

An import reads the whole file before it writes anything, then writes projects and ballots in one
transaction: a malformed file leaves nothing behind but the refusal and its line number.
"""

import hashlib
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voting import permissions as perm
from voting.counting import RULES, greedy, official, pabulib
from voting.models import ArchivedBallot, ArchivedElection, ArchivedProject, Round, RuleOutcome

MAX_PB_BYTES = 50 * 1024 * 1024
OFFICIAL = "official"  # the RuleOutcome of the city's own rule, as its file declares it


def archive_import_start(*, actor, upload, title: str = "", source: str = "") -> ArchivedElection:
    """Take a `.pb` file for import; reading it runs in the background (progress on its page)."""
    if not perm.can_import_archive(None, actor):
        raise PermissionDenied(_("Only civil-affairs staff may import past elections."))
    if upload.size > MAX_PB_BYTES:
        raise ValidationError(_("The file is too large (at most %(mb)d MB).") % {"mb": MAX_PB_BYTES // (1024 * 1024)})
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text; pabulib files are.")) from None
    if "\x00" in text:
        raise ValidationError(_("The file contains NUL characters; it is not a pabulib file."))
    digest = hashlib.sha256(raw).hexdigest()
    if ArchivedElection.objects.filter(file_sha256=digest).exclude(status=ArchivedElection.Status.FAILED).exists():
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
                total_lines=text.count("\n") + 1,
            )
        except IntegrityError:
            raise ValidationError(_("This file has already been imported.")) from None
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from voting.tasks import archive_import_task

    archive_import_task.delay(job_id=job_id)


def archive_import_run(*, job_id: int) -> ArchivedElection:
    """Read the queued file; refuse it whole on the first error, or store it whole."""
    with transaction.atomic():
        job = ArchivedElection.objects.select_for_update().get(pk=job_id)
        if job.status != ArchivedElection.Status.QUEUED:
            return job  # a retried or duplicated task: the first run owns the job
        job.status = ArchivedElection.Status.RUNNING
        job.save(update_fields=["status"])

    def progress(done, total):
        ArchivedElection.objects.filter(pk=job_id).update(processed_lines=min(done, job.total_lines))

    try:
        pb = pabulib.parse(job.pending_text, progress=progress)
        pb.election()  # every rule can count it (costs, ballots, points)
    except (pabulib.PbFormatError, ValueError) as exc:
        ArchivedElection.objects.filter(pk=job_id).update(
            status=ArchivedElection.Status.FAILED, error=str(exc)[:400], pending_text="", finished_at=timezone.now()
        )
        return ArchivedElection.objects.get(pk=job_id)
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
        job.processed_lines = job.total_lines
        if not job.title or job.title == job.file_name.rsplit(".", 1)[0].replace("_", " "):
            job.title = (pb.meta.get("description") or job.title)[:200]
        job.save()
        transaction.on_commit(lambda: _enqueue_outcomes(election_id=job.pk))
    return job


def _enqueue_outcomes(**subject) -> None:
    from voting.tasks import rule_outcomes_task

    rule_outcomes_task.delay(**subject)


def rule_outcomes_request(*, round_: Round, actor) -> None:
    """Staff ask for the comparison of a tallied round (computed in the background)."""
    if not perm.can_compare_round(round_, actor):
        raise PermissionDenied(_("Only civil-affairs staff and committee members may compute the comparison."))
    if round_.status != Round.Status.TALLIED:
        raise ValidationError(_("The comparison is computed once the round's results are published."))
    transaction.on_commit(lambda: _enqueue_outcomes(round_id=round_.pk))


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
