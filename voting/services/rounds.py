"""Preparing, opening and closing i-Voting rounds (docs/decisions.md, "Voting: rounds and ballots")."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pbcity import lot
from pbcity.models import DistrictQuota
from pbcity.systext import both_languages, systext
from proposals.services import proposal_transition
from proposals.states import State
from voting import permissions as perm
from voting import rules
from voting.models import Round, RoundEvent, RoundProject

SPEC_MESSAGES = {
    "unknown_type": gettext_lazy("Unknown ballot type."),
    "choices_range": gettext_lazy("The fewest choices must be at least 1 and no more than the most choices."),
    "min_exceeds_projects": gettext_lazy("The fewest choices exceed the number of projects on the ballot."),
    "points_missing": gettext_lazy("Give the points to distribute and the most points per project."),
    "budget_missing": gettext_lazy("Give the budget the voter's choices must fit in."),
    "score_vector": gettext_lazy("Give a score per place, highest first, e.g. 3, 2, 1."),
    "score_vector_short": gettext_lazy("The score vector needs a score for every place a voter may rank."),
}


def _spec_errors(r: Round, *, n_projects: int = 0) -> None:
    problems = rules.spec_problems(r.spec, n_projects=n_projects)
    if problems:
        raise ValidationError([str(SPEC_MESSAGES[p]) for p in problems])


def threshold_and_cap(*, cycle, district) -> tuple[int, str, int]:
    """Threshold to exceed, how it was set (kept with the round), and admission cap, from cycle and quota."""
    quota = DistrictQuota.objects.filter(cycle=cycle, district=district).first()
    override = quota.vote_threshold if quota else None
    threshold = rules.threshold_for(rule=cycle.vote_threshold_rule, value=cycle.vote_threshold_value,
                                    eligible_population=district.eligible_population, override=override)
    # Stored as a code (pbcity/systext.py): shown in the reader's language.
    if override is not None:
        basis = systext("voting.threshold_quota", n=override)
    elif cycle.vote_threshold_rule == "permille":
        basis = systext("voting.threshold_permille", value=cycle.vote_threshold_value,
                        population=district.eligible_population)
    else:
        basis = systext("voting.threshold_fixed", value=cycle.vote_threshold_value)
    cap = quota.admission_cap if quota else cycle.default_admission_cap
    return threshold, basis, cap


def _event(r: Round, *, actor, action: str, old: str, reason: str) -> RoundEvent:
    return RoundEvent.objects.create(round=r, actor=actor, action=action, old_status=old, new_status=r.status,
                                     reason=reason)


def round_create(*, actor, cycle, district, opens_at, closes_at, ballot_type=Round.BallotType.APPROVAL,
                 min_choices=1, max_choices=None, points=0, max_per_project=0, budget=0, score_vector=(),
                 counting_rule=Round.CountingRule.TAIPEI, public_key="") -> Round:
    """A draft round; threshold and cap are taken from the cycle and the district quota. The ballot-box
    public key (`manage.py round_keys`) may come now or later (`round_key_set`), before opening."""
    if not perm.can_manage_rounds(cycle, actor):
        raise PermissionDenied(_("Only civil-affairs staff prepare voting rounds."))
    if not (opens_at and closes_at) or closes_at <= opens_at:
        raise ValidationError(_("Voting must close after it opens."))
    threshold, basis, cap = threshold_and_cap(cycle=cycle, district=district)
    r = Round(cycle=cycle, district=district, opens_at=opens_at, closes_at=closes_at, ballot_type=ballot_type,
              min_choices=min_choices, max_choices=max_choices or cycle.ballot_size, points=points,
              max_per_project=max_per_project, budget=budget, score_vector=list(score_vector),
              threshold=threshold, threshold_basis=basis, admission_cap=cap, counting_rule=counting_rule,
              created_by=actor)
    if public_key:
        from .ballot_box import public_key_check

        r.public_key = public_key_check(public_key)
    _spec_errors(r)
    if counting_rule not in rules.COUNTING_RULES:
        raise ValidationError(_("Unknown counting rule."))
    if counting_rule in rules.BUDGET_RULES and not budget:
        raise ValidationError(_("A budget rule needs the budget it may spend."))
    with transaction.atomic():
        if Round.objects.filter(cycle=cycle, district=district).exists():
            raise ValidationError(_("This district already has a round in this cycle."))
        r.save()
        _event(r, actor=actor, action="create", old="", reason=systext("voting.prepared"))
    return r


def round_key_set(*, round_, actor, public_key: str) -> Round:
    """Load the ballot-box public key from the key ceremony into a draft round (frozen once it opens)."""
    from .ballot_box import fingerprint, public_key_check

    key = public_key_check(public_key)
    with transaction.atomic():
        r = Round.objects.select_for_update().select_related("cycle").get(pk=round_.pk)
        if not perm.can_manage_rounds(r.cycle, actor):
            raise PermissionDenied(_("Only civil-affairs staff prepare voting rounds."))
        if r.status != Round.Status.DRAFT:
            raise ValidationError(_("The ballot-box key cannot change once the round has opened."))
        r.public_key = key
        r.save(update_fields=["public_key"])
        _event(r, actor=actor, action="key", old=r.status,
               reason=_("Ballot-box public key loaded (fingerprint %(fp)s)") % {"fp": fingerprint(key)})
    return r


def round_open(*, round_, actor, reason="") -> Round:
    """Freeze the rules, put the district's exhibited proposals on the ballot and move them into the vote."""
    with transaction.atomic():
        r = Round.objects.select_for_update().select_related("cycle", "district").get(pk=round_.pk)
        if not perm.can_manage_rounds(r.cycle, actor):
            raise PermissionDenied(_("Only civil-affairs staff open voting rounds."))
        if r.status != Round.Status.DRAFT:
            raise ValidationError(_("This round has already been opened."))
        if not r.public_key:
            raise ValidationError(_("Load the ballot-box public key from the key ceremony (manage.py round_keys) "
                                    "before opening the round."))
        from proposals.models import Proposal

        proposals = list(Proposal.objects.filter(cycle=r.cycle, district=r.district, state=State.ON_EXHIBITION)
                         .order_by("id"))
        if not proposals:
            raise ValidationError(_("No proposal of this district is on exhibition: there is nothing to vote on."))
        _spec_errors(r, n_projects=len(proposals))
        RoundProject.objects.filter(round=r).delete()
        RoundProject.objects.bulk_create([
            RoundProject(round=r, proposal=p, cost=p.estimated_cost or 0, position=i)
            for i, p in enumerate(proposals, start=1)
        ])
        line = systext("voting.opens", district=both_languages(r.district.name, r.district.name_en),
                       start=timezone.localtime(r.opens_at).strftime("%Y-%m-%d %H:%M"),
                       end=timezone.localtime(r.closes_at).strftime("%Y-%m-%d %H:%M"))
        for p in proposals:
            proposal_transition(proposal=p, actor=actor, transition_name="open_vote", reason=line, preauthorised=True)
        old = r.status
        r.status, r.opened_at = Round.Status.OPEN, timezone.now()
        # The admission lot is committed before anyone votes: its seed's hash is shown from now on.
        r.lot_nonce, r.lot_commitment = lot.lot_commit(subject=lot_subject(r))
        r.save(update_fields=["status", "opened_at", "lot_nonce", "lot_commitment"])
        _event(r, actor=actor, action="open", old=old, reason=reason or line)
    return r


def lot_subject(r: Round) -> str:
    """What the admission lot's seed is bound to (pbcity.lot.seed_of)."""
    return f"round:{r.pk}"


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _steer_reason(reason: str) -> str:
    """The staff's reason for closing early or extending: required, one line, short enough for the event."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Give a reason: it is shown to the district's voters and kept in the record."))
    if len(reason) > REASON_MAX:
        raise ValidationError(_("Keep the reason under %(n)s characters.") % {"n": REASON_MAX})
    return reason


# The event row's reason holds the code, the old and new times and this (RoundEvent.reason is 300 long).
REASON_MAX = 180


def _announce(event: RoundEvent, *, change: str) -> None:
    # The district's voters and the round's followers hear of it in their language (voting/tasks.py).
    from pbcity.tasks import enqueue

    enqueue("voting.tasks.round_schedule_announce", round_id=event.round_id, event_id=event.pk, change=change)


def round_close(*, round_, actor=None, now=None, reason="", early=False) -> Round:
    """Close at or after the closing time: wait for ballots in flight, seal every ciphertext into the
    ballot box, publish the box's head. The board is written when the key holders open the box.

    `actor` is None when the periodic task closes a round on time. `early=True` (civil affairs, with a
    reason) closes before the closing time; the voters are told. The scheduled time stays as planned in
    `closes_at` (the event keeps it); `closed_at` says when voting really ended.
    """
    from .board import box_head, seal_pending

    now = now or timezone.now()
    if early:
        if actor is None:
            raise PermissionDenied(_("Only civil-affairs staff close voting rounds."))
        reason = _steer_reason(reason)
    with transaction.atomic():
        # FOR UPDATE waits for every cast still holding its FOR SHARE lock (voting/dbguards.py); after
        # this, the participation trigger refuses new ballots.
        r = Round.objects.select_for_update().select_related("cycle").get(pk=round_.pk)
        if actor is not None and not perm.can_manage_rounds(r.cycle, actor):
            raise PermissionDenied(_("Only civil-affairs staff close voting rounds."))
        if r.status != Round.Status.OPEN:
            raise ValidationError(_("Only an open round can be closed."))
        if now < r.closes_at and not early:
            raise ValidationError(_("Voting is open until %(end)s; it cannot close earlier.") % {
                "end": _when(r.closes_at)})
        is_early = now < r.closes_at
        if is_early:
            reason = systext("voting.closed_early", old=_when(r.closes_at), reason=reason)
        while seal_pending(round_=r, limit=20000):
            pass
        size, head = box_head(round_=r)
        old = r.status
        r.status, r.closed_at, r.box_size, r.box_head = Round.Status.CLOSED, now, size, head
        r.save(update_fields=["status", "closed_at", "box_size", "box_head"])
        event = _event(r, actor=actor, action="close_early" if is_early else "close", old=old,
                       reason=reason or systext("voting.closed", n=size))
        if is_early:
            _announce(event, change="closed")
    return r


def round_close_early(*, round_, actor, reason: str, now=None) -> Round:
    """Civil affairs closes an open round before its closing time, with a reason the voters are told."""
    return round_close(round_=round_, actor=actor, now=now, reason=reason, early=True)


def round_extend(*, round_, actor, closes_at, reason: str, now=None) -> Round:
    """Civil affairs moves an open round's closing time later (than now and than the current one), with a
    reason the district's voters are told. The freeze trigger allows only this change (voting/dbguards.py)."""
    now = now or timezone.now()
    reason = _steer_reason(reason)
    with transaction.atomic():
        r = Round.objects.select_for_update().select_related("cycle").get(pk=round_.pk)
        if not perm.can_manage_rounds(r.cycle, actor):
            raise PermissionDenied(_("Only civil-affairs staff extend voting rounds."))
        if r.status != Round.Status.OPEN or r.closes_at <= now:
            # A round whose time is up is the periodic close's, even if it has not run yet.
            raise ValidationError(_("Only an open round whose voting has not ended can be extended."))
        if closes_at is None or closes_at <= now or closes_at <= r.closes_at:
            raise ValidationError(_("The new closing time must be later than now and than the current one "
                                    "(%(end)s).") % {"end": _when(r.closes_at)})
        old_end = r.closes_at
        r.closes_at = closes_at
        r.save(update_fields=["closes_at"])
        event = _event(r, actor=actor, action="extend", old=r.status,
                       reason=systext("voting.extended", old=_when(old_end), new=_when(closes_at), reason=reason))
        _announce(event, change="extended")
    return r


def rounds_close_due(*, now=None) -> int:
    """Close every open round whose closing time has passed (the periodic task)."""
    now = now or timezone.now()
    n = 0
    for r in Round.objects.filter(status=Round.Status.OPEN, closes_at__lte=now):
        try:
            round_close(round_=r, now=now)
            n += 1
        except ValidationError:
            continue
    return n
