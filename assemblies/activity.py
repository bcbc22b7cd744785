"""Attendance as taking part, for proposals' orphan check (proposals/activity.py)."""


def attended(*, user_id, proposal_ids) -> dict:
    """The latest sign-in of the user at an assembly of each proposal's cycle and district."""
    from proposals.models import Proposal

    from .models import Attendee

    props = list(Proposal.objects.filter(pk__in=proposal_ids).values("pk", "cycle_id", "district_id"))
    if not props:
        return {}
    rows = (Attendee.objects.filter(user_id=user_id, signed_in_at__isnull=False)
            .values_list("assembly__cycle_id", "assembly__district_id", "signed_in_at"))
    latest: dict = {}
    for cycle_id, district_id, when in rows:
        key = (cycle_id, district_id)
        if key not in latest or when > latest[key]:
            latest[key] = when
    return {p["pk"]: latest[(p["cycle_id"], p["district_id"])] for p in props
            if (p["cycle_id"], p["district_id"]) in latest}
