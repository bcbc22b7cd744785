"""Reads of the audit chain: the head, the kept daily heads, one proposal's audit rows, the watch's
witnesses and verification runs."""
import datetime

from django.utils import timezone

from pbcity.models import AuditDailyHead, AuditEntry

from .registry import audited_models, is_history_model


def chain_head() -> AuditEntry | None:
    """The last sealed entry (None while the chain is empty)."""
    return AuditEntry.objects.filter(position__isnull=False).order_by("-position").first()


def daily_heads(*, limit: int = 366):
    """The kept daily heads, newest first."""
    return AuditDailyHead.objects.order_by("-day")[:limit]


def proposal_audit_rows(*, proposal) -> list:
    """Querysets of every audit row about `proposal`: its history (and m2m history), and every
    audit record with a `proposal` (or `proposer` of it) foreign key, whichever app keeps it."""
    # The models come from the object itself: the base imports no app (docs/decisions.md).
    Proposal = type(proposal)._meta.concrete_model
    ProposalProposer = proposal.proposers.model
    out = []
    for model in audited_models():
        fks = {f.name: f.related_model for f in model._meta.concrete_fields if f.is_relation}
        if is_history_model(model) and model.instance_type is Proposal:
            out.append(model._base_manager.filter(id=proposal.pk))
        elif is_history_model(model) and getattr(fks.get("history"), "instance_type", None) is Proposal:
            out.append(model._base_manager.filter(history__id=proposal.pk))
        elif fks.get("proposal") is Proposal and not is_history_model(model):
            out.append(model._base_manager.filter(proposal=proposal))
        elif fks.get("proposer") is ProposalProposer and not is_history_model(model):
            out.append(model._base_manager.filter(proposer__proposal=proposal))
    return out


# A row dated in the future is a forgery (the runtime role may INSERT into these tables): dated ahead, an
# "ok" run or a witness would otherwise stay the latest for ever and hide every later finding.
CLOCK_SLACK = datetime.timedelta(minutes=1)


def witnessed_until_now():
    from pbcity.models import AuditWitness

    return AuditWitness.objects.filter(witnessed_at__lte=timezone.now() + CLOCK_SLACK)


def runs_until_now():
    from pbcity.models import VerificationRun

    return VerificationRun.objects.filter(ran_at__lte=timezone.now() + CLOCK_SLACK)


def witnesses(*, limit: int = 500):
    """The witnessed heads, newest first."""
    return witnessed_until_now().order_by("-witnessed_at", "-id")[:limit]


def latest_witness():
    return witnessed_until_now().order_by("-witnessed_at", "-id").first()


def verification_latest() -> dict:
    """The latest stored run of each kind (audit, ballots, …): kind -> VerificationRun."""
    out = {}
    runs = runs_until_now()
    for kind in sorted(set(runs.values_list("kind", flat=True).distinct())):
        out[kind] = runs.filter(kind=kind).order_by("-ran_at", "-id").first()
    return out


def verification_failures(*, subject: str | None = None) -> list:
    """The latest runs that failed; with `subject` ("proposals.proposal:7"), only those that name it."""
    failed = [r for r in verification_latest().values() if not r.ok]
    if subject is not None:
        failed = [r for r in failed if subject in r.subjects]
    return sorted(failed, key=lambda r: r.kind)
