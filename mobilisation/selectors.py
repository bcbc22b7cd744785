"""Reads for the flag pages and the evaluation report (docs/decisions.md, "Mobilisation flags")."""
from django.db.models import OuterRef, Subquery

from pbcity.permissions import acts_as
from pbcity.roles import Role
from pbcity.systext import systext_render

from . import permissions as perm
from .models import Flag, FlagReview


def _with_decision(qs):
    latest = FlagReview.objects.filter(flag=OuterRef("pk")).order_by("-created_at", "-id")
    return qs.annotate(decision=Subquery(latest.values("decision")[:1]),
                       decision_reason=Subquery(latest.values("reason")[:1]))


def flags_for(*, user, cycle=None, kind: str = "", state: str = ""):
    """The flags the user may see (the committee: all; a district office: its district's), newest first."""
    qs = Flag.objects.select_related("district", "cycle")
    if not acts_as(user, Role.COMMITTEE):
        qs = qs.filter(district_id__in=perm.office_districts(user))
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    if kind:
        qs = qs.filter(kind=kind)
    qs = _with_decision(qs)
    if state == "open":
        qs = qs.filter(decision__isnull=True)
    elif state == "reviewed":
        qs = qs.filter(decision__isnull=False)
    return qs


def flag_reviews(*, flag):
    return FlagReview.objects.filter(flag=flag).select_related("by").order_by("created_at", "id")


def flag_summary(*, cycle) -> list[dict]:
    """The cycle's flags for the evaluation report: kind, scope, measure and numbers, the standing decision.

    Labels are rendered in the active language; values are plain numbers (shares as fractions, counts as
    counts, see `details`); `decision` and `reason` are "" when the flag was not reviewed yet.
    """
    out = []
    for f in _with_decision(Flag.objects.filter(cycle=cycle).select_related("district")).order_by("kind", "id"):
        out.append({
            "id": f.pk, "kind": f.kind, "kind_label": str(f.get_kind_display()), "district": f.district.code,
            "scope": systext_render(f.scope_label), "group": systext_render(f.subject_label),
            "measure": str(MEASURES[f.kind]), "value": f.value, "threshold": f.threshold, "baseline": f.baseline,
            "tail": f.tail, "count": f.count, "total": f.total, "active": f.active,
            "decision": f.decision or "", "decision_label": str(dict(FlagReview.Decision.choices).get(f.decision, "")),
            "reason": f.decision_reason or "",
        })
    return out


def _measures():
    from django.utils.translation import gettext_lazy as _

    K = Flag.Kind
    return {
        K.VILLAGE_BLOC: _("Share of the votes from attendees of one village, against that village's share of "
                          "the room"),
        K.STAFF_BLOC: _("Share of the votes from attendees one staff member signed in within ten minutes, "
                        "against their share of the room"),
        K.SIGNIN_BURST: _("Sign-ins in the busiest five minutes, against the count expected at the door's "
                          "average rate"),
        K.NETWORK: _("Ballots from one network (a keyed hash of its address prefix) in its busiest hour, "
                     "against that hour's ballots per network"),
        K.DEVICE: _("Share of one kind of device among the ballots of its busiest hour, against its share "
                    "over the whole vote"),
        K.OFFICE: _("Share of the ballots from voters verified by one office or import batch, against its "
                    "share of the verified voters"),
        K.LAST_DAY: _("Share of a project's ballots cast on the last day(s), against the last day's share "
                      "of all ballots"),
        K.AGE: _("Share of a project's voters in one age band, against that band's share of all voters"),
        K.BUNDLE: _("Share of a project's voters who also chose another project, against that project's "
                    "share of all ballots"),
    }


MEASURES = _measures()
SHARE_KINDS = {Flag.Kind.VILLAGE_BLOC, Flag.Kind.STAFF_BLOC, Flag.Kind.DEVICE, Flag.Kind.OFFICE,
               Flag.Kind.LAST_DAY, Flag.Kind.AGE, Flag.Kind.BUNDLE}
