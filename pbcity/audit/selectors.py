"""Reads of the audit chain: the head, the kept daily heads, one proposal's audit rows."""
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


def witnesses(*, limit: int = 500):
    """The witnessed heads, newest first."""
    from pbcity.models import AuditWitness

    return AuditWitness.objects.order_by("-witnessed_at", "-id")[:limit]


def latest_witness():
    from pbcity.models import AuditWitness

    return AuditWitness.objects.order_by("-witnessed_at", "-id").first()


def verification_latest() -> dict:
    """The latest stored run of each kind (audit, ballots, …): kind -> VerificationRun."""
    from pbcity.models import VerificationRun

    out = {}
    for kind in sorted(set(VerificationRun.objects.values_list("kind", flat=True).distinct())):
        out[kind] = VerificationRun.objects.filter(kind=kind).order_by("-ran_at", "-id").first()
    return out


def verification_failures(*, subject: str | None = None) -> list:
    """The latest runs that failed; with `subject` ("proposals.proposal:7"), only those that name it."""
    failed = [r for r in verification_latest().values() if not r.ok]
    if subject is not None:
        failed = [r for r in failed if subject in r.subjects]
    return sorted(failed, key=lambda r: r.kind)
