"""Every write to a proposal goes through here: permission, transition, save, audit, notify."""
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from pbcity.services import follow_add_concerned
from pbcity.systext import systext, systext_render
from pbcity.uploads import upload_sanitise
from pbcity.validators import validate_multi_line
from places import rules as place_rules
from places.services import place_change_record

from . import conditions as cond
from . import permissions as perm
from . import rules
from .lifecycle import ALL_TRANSITIONS, SIMPLE_TRANSITIONS
from .models import Attachment, Consent, Proposal, ProposalProposer, ProposalRevision, TransitionLog
from .states import State

_TEXT_FIELDS = ("title", "problem", "solution", "location", "estimated_cost")


def _locked(proposal) -> Proposal:
    """Re-read the proposal under a row lock, with what the predicates and conditions read."""
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("cycle", "district", "lead_agency", "merged_into")
        .get(pk=proposal.pk)
    )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please give a reason; it is kept in the public record."))
    validate_multi_line(reason)
    return reason


def _run_transition(p: Proposal, *, name: str, actor, reason: str, preauthorised: bool = False,
                    by_hand: bool = False) -> TransitionLog:
    """Check state, permission and conditions of `name` on the locked proposal, then apply it.

    `preauthorised`: the calling service has already checked its own predicate for this actor.
    `by_hand`: a person starts it on a stored proposal; conditions.BY_HAND are checked too.
    """
    method = getattr(p, name)
    meta = method._django_fsm
    t = meta.get_transition(p.state)
    if t is None:
        raise ValidationError(
            _("“%(action)s” is not possible while the proposal is “%(state)s”.")
            % {"action": ALL_TRANSITIONS[name], "state": p.get_state_display()}
        )
    if not (preauthorised or t.has_perm(p, actor)):
        raise PermissionDenied(_("You may not do “%(action)s” on this proposal.") % {"action": ALL_TRANSITIONS[name]})
    checks = [*t.conditions, *(cond.BY_HAND.get(name, ()) if by_hand else ())]
    unmet = [str(c.message) for c in checks if not c(p)]
    if unmet:
        raise ValidationError(unmet)
    from_state = p.state
    try:
        method()
    except TransitionNotAllowed as exc:  # pragma: no cover - guarded above
        raise ValidationError(str(exc)) from exc
    p._history_user = actor
    # simple_history's column is plain text: it keeps the sentence (the log below keeps the code).
    p._change_reason = systext_render(reason)
    p.save()
    log = TransitionLog.objects.create(
        proposal=p, transition=name, from_state=from_state, to_state=p.state, actor=actor, reason=reason
    )
    from pbcity.tasks import enqueue

    from .signals import transitioned

    transitioned.send(sender=Proposal, proposal=p, log=log, actor=actor)
    # After the commit, isolated: a failure to queue or send the notices is recorded for staff, never a 500.
    enqueue("proposals.tasks.transition_notify", log.pk)
    return log


def proposal_transition(*, proposal: Proposal, actor, transition_name: str, reason: str,
                        preauthorised: bool = False) -> Proposal:
    """Run one simple transition.

    `preauthorised=True` is for other apps' services that checked their own predicate first (the
    review panel's outcome, the vote's tally); views never pass it.
    """
    if transition_name not in SIMPLE_TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    reason = _require_reason(reason)
    with transaction.atomic():
        p = _locked(proposal)
        _run_transition(p, name=transition_name, actor=actor, reason=reason, preauthorised=preauthorised,
                        by_hand=True)
    return p


def proposal_designate_agencies(*, proposal: Proposal, actor, lead, co_agencies=(), reason: str) -> Proposal:
    """Pre-meeting: the district office names one lead agency and any co-agencies."""
    reason = _require_reason(reason)
    co = [a for a in co_agencies if a.pk != lead.pk]
    with transaction.atomic():
        p = _locked(proposal)
        if not perm.can_designate_agencies(p, actor):
            raise PermissionDenied(_("Only the district office may designate agencies."))
        if p.state != State.ASSEMBLY_PASSED:
            raise ValidationError(_("Agencies are designated after the assembly passes a proposal."))
        # Changing the co-agencies writes a history entry of its own (m2m signal): give it the
        # same user and reason as the transition's.
        p.lead_agency = lead
        p._history_user = actor
        p._change_reason = reason
        p.co_agencies.set(co)
        _run_transition(p, name="designate_agencies", actor=actor, reason=reason)
    return p


def proposal_merge(*, proposal: Proposal, into: Proposal, actor, reason: str) -> Proposal:
    reason = _require_reason(reason)
    with transaction.atomic():
        p = _locked(proposal)
        if not perm.can_merge(p, actor):
            raise PermissionDenied(_("Only the district office may merge proposals."))
        p.merged_into = Proposal.objects.select_for_update().get(pk=into.pk)
        _run_transition(p, name="merge", actor=actor, reason=reason)
    return p


def proposal_create(*, actor, cycle, district, title, problem, solution, category, location="",
                    estimated_cost=None, track="district", proposers=(), as_draft=False,
                    authorised=False, reason="", village=None, point_lon=None, point_lat=None,
                    village_required=False) -> Proposal:
    """Create a proposal and raise it (or keep it as a draft).

    `proposers` holds users or (name, contact) pairs for walk-ins. `authorised=True` is for other
    services that have checked their own predicate (an assembly's recorder, the consultation desk).
    `village_required=True`: the village is required where the place rules ask for it
    (places.rules.village_needed), as every form people fill in does; False only for internal callers that
    place their proposals afterwards (other apps' demo data). A stored draft needs it when it is raised.
    """
    if not (authorised or perm.can_create_proposal(district.pk, actor)):
        raise PermissionDenied(_("Only the district office may enter proposals for this district."))
    if not proposers:
        raise ValidationError(_("A proposal needs at least one proposer."))
    needed = village_required and place_rules.village_needed(track=track, villages_loaded=district.villages.exists())
    place_rules.place_check(district_id=district.pk, village=village, lon=point_lon, lat=point_lat,
                            village_required=needed)
    with transaction.atomic():
        p = Proposal(
            cycle=cycle, district=district, title=title, problem=problem, solution=solution,
            category=category, location=location, estimated_cost=estimated_cost, track=track,
            village=village, point_lon=point_lon, point_lat=point_lat,
        )
        p._history_user = actor
        p._change_reason = _("Saved as a draft") if as_draft else _("Raised")
        p.full_clean(exclude=["state"])
        p.save()
        for entry in proposers:
            if hasattr(entry, "pk"):
                ProposalProposer.objects.create(proposal=p, user=entry, name=str(entry))
                follow_add_concerned(user=entry, kind="proposal", target_id=p.pk)  # the "Following" list shows it
            else:
                name, contact = entry
                ProposalProposer.objects.create(proposal=p, name=name, contact=contact)
        _snapshot(p, author=actor, note=_("As raised"))
        if village is not None:
            place_change_record(subject="proposal", subject_id=p.pk, village=village, lon=point_lon, lat=point_lat,
                                actor=actor, reason=_("As raised"))
        if not as_draft:
            p = _locked(p)
            _run_transition(p, name="raise_proposal", actor=actor, reason=reason or systext("proposals.raised"),
                            preauthorised=authorised)
    return p


def proposal_propose(*, actor, cycle, district, title, problem, solution, category, location="",
                     estimated_cost=None, village=None, point_lon=None, point_lat=None) -> Proposal:
    """A resident writes a proposal online. It is kept as a draft, seen only by them and the district
    office, until the office raises it (presented at the district's resident assembly)."""
    if not perm.can_propose_online(district, actor):
        raise PermissionDenied(_("Sign in with a resident's account to write a proposal."))
    if cycle is None:
        raise ValidationError(_("No participatory-budgeting cycle is open for proposals yet."))
    limit = getattr(settings, "PB_RESIDENT_DRAFT_LIMIT", 5)
    with transaction.atomic():
        # The resident's row, locked: two posts at once count each other's draft (the cap holds under a race).
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        waiting = Proposal.objects.filter(cycle=cycle, state=State.DRAFT, proposers__user=actor).count()
        if not rules.may_open_another_draft(open_drafts=waiting, limit=limit):
            raise ValidationError(
                _("You already have %(n)d drafts waiting in this cycle; withdraw one, or wait until the district "
                  "office raises them.") % {"n": waiting}, code="draft_limit")
        return proposal_create(
            actor=actor, cycle=cycle, district=district, title=title, problem=problem, solution=solution,
            category=category, location=location, estimated_cost=estimated_cost, proposers=[actor], as_draft=True,
            authorised=True, village=village, point_lon=point_lon, point_lat=point_lat, village_required=True,
        )


DRAFT_FIELDS = ("district", "category", "title", "problem", "solution", "location", "estimated_cost")


def proposal_draft_update(*, proposal: Proposal, actor, village, point_lon=None, point_lat=None, note: str = "",
                          **changes) -> Proposal:
    """The proposer edits their draft (text, category, district, place) until it is raised.

    Every edit is kept: the proposal's history (who, when, why and, in the record before, the old values),
    a revision of the text, and a PlaceChange on the audit chain when the place changed.
    """
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be revised: %(f)s") % {"f": ", ".join(sorted(unknown))})
    note = (note or "").strip()
    if note:
        validate_multi_line(note)
    with transaction.atomic():
        p = _locked(proposal)
        if not perm.can_edit_draft(p, actor):
            raise PermissionDenied(_("Only its proposer may edit a draft, until it is raised."))
        district = changes.get("district", p.district)
        place_rules.place_check(
            district_id=district.pk, village=village, lon=point_lon, lat=point_lat,
            village_required=place_rules.village_needed(track=p.track, villages_loaded=district.villages.exists()))
        place_changed = (p.village_id, p.point_lon, p.point_lat) != (getattr(village, "pk", None), point_lon,
                                                                      point_lat)
        text_changed = any(getattr(p, f) != v for f, v in changes.items())
        if not (place_changed or text_changed):
            raise ValidationError(_("Nothing was changed."))
        note = note or _("Draft edited by its proposer")
        if text_changed:
            for f, v in changes.items():
                setattr(p, f, v)
            p.village, p.point_lon, p.point_lat = village, point_lon, point_lat
            p.full_clean(exclude=["state", "cycle", "lead_agency", "merged_into"])
            p._history_user = actor
            p._change_reason = note
            p.save()
            _snapshot(p, author=actor, note=note)
        else:
            # The place alone: not in the proposal's sealed history; PlaceChange is its trail (proposal_place_set).
            Proposal.objects.filter(pk=p.pk).update(village=village, point_lon=point_lon, point_lat=point_lat)
            p.village, p.point_lon, p.point_lat = village, point_lon, point_lat
        if place_changed:
            place_change_record(subject="proposal", subject_id=p.pk, village=village, lon=point_lon, lat=point_lat,
                                actor=actor, reason=note)
    return p


def proposal_place_set(*, proposal: Proposal, actor, village, point_lon=None, point_lat=None,
                       reason: str) -> Proposal:
    """Staff correct where a proposal is (village, optional point); the correction is kept in the audit chain."""
    reason = _require_reason(reason)
    with transaction.atomic():
        p = _locked(proposal)
        if not perm.can_correct_place(p, actor):
            raise PermissionDenied(_("Only the district office or civil affairs may correct a proposal's place."))
        place_rules.place_check(district_id=p.district_id, village=village, lon=point_lon, lat=point_lat,
                                village_required=p.village_id is not None or p.track == "district")
        if (p.village_id, p.point_lon, p.point_lat) == (getattr(village, "pk", None), point_lon, point_lat):
            raise ValidationError(_("Nothing was changed."))
        # A queryset update: the place is not in the proposal's sealed history; PlaceChange is its trail.
        Proposal.objects.filter(pk=p.pk).update(village=village, point_lon=point_lon, point_lat=point_lat)
        place_change_record(subject="proposal", subject_id=p.pk, village=village, lon=point_lon, lat=point_lat,
                            actor=actor, reason=reason)
        p.village, p.point_lon, p.point_lat = village, point_lon, point_lat
    return p


def _snapshot(p: Proposal, *, author, note: str) -> ProposalRevision:
    last = p.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return ProposalRevision.objects.create(
        proposal=p, number=last + 1, author=author, note=note, **{f: getattr(p, f) for f in _TEXT_FIELDS}
    )


def proposal_revise(*, proposal: Proposal, actor, note: str, **changes) -> Proposal:
    """Revise the text (stage-1 workshop); every revision is kept."""
    unknown = set(changes) - set(_TEXT_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be revised: %(f)s") % {"f": ", ".join(sorted(unknown))})
    note = _require_reason(note)
    with transaction.atomic():
        p = _locked(proposal)
        if not perm.can_revise(p, actor):
            raise PermissionDenied(_("You may not revise this proposal."))
        if not p.is_open:
            raise ValidationError(_("A closed proposal cannot be revised."))
        if all(getattr(p, f) == v for f, v in changes.items()):
            raise ValidationError(_("Nothing was changed."))
        for f, v in changes.items():
            setattr(p, f, v)
        p.full_clean(exclude=["state", "cycle", "district", "lead_agency", "merged_into"])
        p._history_user = actor
        p._change_reason = note
        p.save()
        _snapshot(p, author=actor, note=note)
    return p


def consent_record(*, proposer: ProposalProposer, kind: str, given: bool, actor, note: str = "") -> Consent:
    if not perm.can_record_consent(proposer.proposal, actor, proposer):
        raise PermissionDenied(_("Only the proposer, or the district office on their behalf, may record consent."))
    return Consent.objects.create(proposer=proposer, kind=kind, given=given, note=note, recorded_by=actor)


def attachment_add(*, proposal: Proposal, actor, upload) -> Attachment:
    """Store the file as pbcity.uploads rebuilt it (type by libmagic, re-encoded, nothing active)."""
    if not perm.can_attach(proposal, actor):
        raise PermissionDenied(_("You may not add files to this proposal."))
    clean = upload_sanitise(upload)
    return Attachment.objects.create(
        proposal=proposal, file=clean, original_name=Path(upload.name).name[:200],
        content_type=clean.content_type, size=clean.size, uploaded_by=actor,
    )


# -- contacts and orphaned proposals (docs/decisions.md, "Accountability: sign-off, contacts, questions") ----

def orphans_flag(*, now=None, proposal_ids=None) -> int:
    """Flag every proposer (with an account) of an open, public proposal who has not answered or attended for
    the configured time; the district office hears of each new flag. Idempotent (one open flag per proposer)."""
    from django.conf import settings
    from django.utils import timezone

    from pbcity.tasks import enqueue

    from . import activity, rules
    from .models import OrphanFlag
    from .states import OPEN_STATES

    now = now or timezone.now()
    days = getattr(settings, "PB_ORPHAN_AFTER_DAYS", 60)
    made = 0
    rows = (ProposalProposer.objects.filter(user__isnull=False, proposal__state__in=list(OPEN_STATES),
                                            proposal__published_at__isnull=False)
            .exclude(orphan_flags__resolved_at__isnull=True, orphan_flags__isnull=False)
            .select_related("proposal"))
    if proposal_ids is not None:
        rows = rows.filter(proposal_id__in=list(proposal_ids))
    by_user: dict = {}
    for pp in rows:
        by_user.setdefault(pp.user_id, []).append(pp)
    for user_id, pps in by_user.items():
        latest = activity.last_activity(user_id=user_id, proposal_ids=[pp.proposal_id for pp in pps])
        for pp in pps:
            last = max(filter(None, (latest.get(pp.proposal_id), pp.added_at)))
            if not rules.is_orphaned(last_activity=last, now=now, days=days):
                continue
            with transaction.atomic():
                locked = ProposalProposer.objects.select_for_update().get(pk=pp.pk)
                if OrphanFlag.objects.filter(proposer=locked, resolved_at__isnull=True).exists():
                    continue
                flag = OrphanFlag.objects.create(proposal_id=pp.proposal_id, proposer=locked, last_activity_at=last)
                enqueue("proposals.tasks.orphan_notify", flag.pk)
            made += 1
    return made


def contact_change(*, proposal: Proposal, actor, contact, reason: str) -> "ProposalContact":  # noqa: F821
    """Make `contact` the proposal's contact, on record. Another proposer (of it or of a proposal merged into
    it) may take it over; a resident who is not a proposer only with the district office's consent (the
    office records it). Resolves the proposal's open orphan flags."""
    from django.utils import timezone

    from .models import OrphanFlag, ProposalContact

    reason = _require_reason(reason)
    if contact is None or not getattr(contact, "is_active", False):
        raise ValidationError(_("Choose an active account as the new contact."))
    with transaction.atomic():
        p = _locked(proposal)
        if not perm.can_change_contact(p, actor, contact):
            raise PermissionDenied(_("Only the district office, or a proposer taking it over, may change the contact."))
        if not p.is_open:
            raise ValidationError(_("A closed proposal needs no contact."))
        current = p.contacts.order_by("-recorded_at", "-id").first()
        if current is not None and current.user_id == contact.pk:
            raise ValidationError(_("This person is already the contact."))
        is_proposer = perm.is_any_proposer(p, contact)
        office = perm.is_district_office(p, actor)
        row = ProposalContact.objects.create(
            proposal=p, user=contact, is_proposer=is_proposer, reason=reason,
            consented_by=actor if office else None, recorded_by=actor,
        )
        for flag in OrphanFlag.objects.select_for_update().filter(proposal=p, resolved_at__isnull=True):
            flag.resolved_at = timezone.now()
            flag.resolution = _("Contact changed to %(name)s") % {"name": str(contact)[:100]}
            flag.save(update_fields=["resolved_at", "resolution"])
        if is_proposer:
            follow_add_concerned(user=contact, kind="proposal", target_id=p.pk)
    return row
