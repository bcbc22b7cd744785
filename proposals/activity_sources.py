"""Proposals' own entry in the activity registry (proposals/activity.py)."""
from django.db.models import Max


def consents_given(*, user_id, proposal_ids) -> dict:
    """The latest consent the proposer recorded themselves, per proposal."""
    from .models import Consent

    rows = (Consent.objects.filter(recorded_by_id=user_id, proposer__user_id=user_id,
                                   proposer__proposal_id__in=proposal_ids)
            .values("proposer__proposal_id").annotate(last=Max("recorded_at")))
    return {r["proposer__proposal_id"]: r["last"] for r in rows}
