"""Every write at a resident assembly: permission check, row locks, then the change."""
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pbcity import lot
from pbcity.systext import systext
from proposals.services import proposal_create, proposal_transition

from . import permissions as perm
from . import rules
from .models import Assembly, AssemblyProposal, Attendee, HandCount, Table, TieBreak, Vote

S = Assembly.Status
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed at the door
CODE_LENGTH = 8


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).upper().replace("-", "")


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _locked(assembly) -> Assembly:
    return Assembly.objects.select_for_update().get(pk=assembly.pk)


def _require_run(a: Assembly, actor) -> None:
    if not perm.can_run(a, actor):
        raise PermissionDenied(_("Only the district office running this assembly may do this."))


def _require_status(a: Assembly, *allowed, message: str) -> None:
    if a.status not in allowed:
        raise ValidationError(message)


def _check_plan(*, top_k, votes_per_attendee, venue, online_url) -> None:
    if top_k not in (2, 3):
        raise ValidationError(_("K must be 2 or 3."))
    if votes_per_attendee < 1:
        raise ValidationError(_("Each attendee needs at least one vote."))
    if not (venue or "").strip() and not (online_url or "").strip():
        raise ValidationError(_("Give a venue, an online meeting link, or both."))


# -- planning ---------------------------------------------------------------------------

PLAN_FIELDS = ("title", "starts_at", "venue", "online_url", "top_k", "votes_per_attendee", "vote_method",
               "district_features")


def assembly_plan(*, actor, cycle, district, title, starts_at, top_k, votes_per_attendee, venue="", online_url="",
                  vote_method=Assembly.VoteMethod.PHONE, district_features="") -> Assembly:
    if not perm.can_plan(district.pk, actor):
        raise PermissionDenied(_("Only the district office may plan assemblies in this district."))
    _check_plan(top_k=top_k, votes_per_attendee=votes_per_attendee, venue=venue, online_url=online_url)
    with transaction.atomic():
        a = Assembly(cycle=cycle, district=district, title=title, starts_at=starts_at, venue=venue,
                     online_url=online_url, top_k=top_k, votes_per_attendee=votes_per_attendee,
                     vote_method=vote_method, district_features=district_features, planned_by=actor)
        a.full_clean()
        a._history_user, a._change_reason = actor, _("Planned")
        a.save()
    return a


# Changing these changes who passes: the history keeps who, when, why and the old value.
RULE_FIELDS = ("top_k", "votes_per_attendee")


def assembly_update(*, assembly, actor, reason: str = "", **changes) -> Assembly:
    """Change the plan until voting opens (the rule's K and the votes are fixed from then on).

    A change to K or the votes per attendee needs a reason, kept in the assembly's history with the
    old value (docs/decisions.md, "Input that never breaks a committed action").
    """
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))})
    reason = (reason or "").strip()
    with transaction.atomic():
        a = _locked(assembly)
        _require_run(a, actor)
        _require_status(a, S.PLANNED, S.OPEN, message=_("The plan cannot change once voting has opened."))
        rule_changed = any(f in changes and changes[f] != getattr(a, f) for f in RULE_FIELDS)
        if rule_changed and not reason:
            raise ValidationError({"reason": _("Please say why K or the votes per attendee change; the old "
                                               "value is kept with your reason.")})
        for f, v in changes.items():
            setattr(a, f, v)
        _check_plan(top_k=a.top_k, votes_per_attendee=a.votes_per_attendee, venue=a.venue, online_url=a.online_url)
        a.full_clean()
        a._history_user, a._change_reason = actor, reason or _("Plan updated")
        a.save()
    return a


def assembly_open(*, assembly, actor) -> Assembly:
    """The assembly starts: door sign-in, tables and proposals."""
    with transaction.atomic():
        a = _locked(assembly)
        _require_run(a, actor)
        _require_status(a, S.PLANNED, message=_("Only a planned assembly can be opened."))
        a.status = S.OPEN
        a.save(update_fields=["status"])
    return a


# -- sign-in ----------------------------------------------------------------------------

def _create_attendee(**fields) -> Attendee:
    for _attempt in range(5):  # a fresh code collides with one in use only by rare chance
        try:
            with transaction.atomic():
                return Attendee.objects.create(code=_new_code(), **fields)
        except IntegrityError as exc:
            if "attendee_code_unique" not in str(exc):
                raise
    raise ValidationError(_("Could not issue a code; please try again."))


def attendee_register(*, assembly, user) -> Attendee:
    """Online pre-registration; registering twice returns the same registration and code."""
    with transaction.atomic():
        a = Assembly.objects.select_for_update().get(pk=assembly.pk)
        if not perm.can_register(a, user):
            raise ValidationError(_("Registration for this assembly is closed."))
        existing = Attendee.objects.filter(assembly=a, user=user).first()
        if existing:
            return existing
        return _create_attendee(assembly=a, user=user, name=str(user), contact=user.email, remote=a.is_online)


def attendee_sign_in(*, assembly, actor, code, village_code="") -> Attendee:
    """Door sign-in of a pre-registered attendee by code (typed or scanned from the QR)."""
    code = normalise_code(code)
    with transaction.atomic():
        a = Assembly.objects.get(pk=assembly.pk)
        _require_run(a, actor)
        _require_status(a, S.OPEN, message=_("Sign-in is open while the assembly is in session, before voting."))
        att = Attendee.objects.select_for_update().filter(assembly=a, code=code).first()
        if att is None:
            raise ValidationError(_("No registration has the code %(code)s.") % {"code": code or "—"})
        if att.is_present:
            raise ValidationError(_("%(name)s is already signed in.") % {"name": att.name})
        att.signed_in_at, att.signed_in_by, att.left_at = timezone.now(), actor, None
        fields = ["signed_in_at", "signed_in_by", "left_at"]
        if village_code:  # the village is asked at the door (mobilisation flags); keep an earlier answer
            att.village_code = _village(village_code)
            fields.append("village_code")
        att.save(update_fields=fields)
    return att


def _village(code) -> str:
    return (code or "").strip().upper()[:20]


def attendee_walk_in(*, assembly, actor, name, contact="", village_code="") -> Attendee:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Please give the attendee's name."))
    with transaction.atomic():
        a = Assembly.objects.get(pk=assembly.pk)
        _require_run(a, actor)
        _require_status(a, S.OPEN, message=_("Sign-in is open while the assembly is in session, before voting."))
        return _create_attendee(assembly=a, name=name[:100], contact=(contact or "").strip()[:200],
                                signed_in_at=timezone.now(), signed_in_by=actor, village_code=_village(village_code))


def attendee_self_sign_in(*, assembly, user) -> Attendee:
    """A remote attendee of an online assembly signs in from home."""
    with transaction.atomic():
        a = Assembly.objects.get(pk=assembly.pk)
        att = (Attendee.objects.select_for_update().filter(assembly=a, user=user).first()
               if user.is_authenticated else None)
        if not perm.can_self_sign_in(a, att, user):
            raise ValidationError(
                _("Online sign-in is open to registered attendees while an online assembly is in session."))
        if not att.is_present:
            att.signed_in_at, att.signed_in_by, att.left_at, att.remote = timezone.now(), user, None, True
            att.save(update_fields=["signed_in_at", "signed_in_by", "left_at", "remote"])
    return att


def attendee_mark_left(*, attendee, actor) -> Attendee:
    """Someone left the room. After voting opens this no longer changes the pass rule's count."""
    with transaction.atomic():
        att = Attendee.objects.select_for_update().select_related("assembly").get(pk=attendee.pk)
        _require_run(att.assembly, actor)
        if not att.is_present:
            raise ValidationError(_("%(name)s is not signed in.") % {"name": att.name})
        att.left_at = timezone.now()
        att.save(update_fields=["left_at"])
    return att


# -- tables -----------------------------------------------------------------------------

def table_add(*, assembly, actor, number, lead, recorder) -> Table:
    """Set up a table. Lead and recorder must hold a deliberation card; nobody can override that."""
    with transaction.atomic():
        a = _locked(assembly)
        _require_run(a, actor)
        _require_status(a, S.PLANNED, S.OPEN, message=_("Tables are set up before voting opens."))
        if not perm.can_lead_table(lead):
            raise ValidationError(_("%(name)s cannot lead a table: a valid deliberation card is required.")
                                  % {"name": lead})
        if not perm.can_be_recorder(recorder):
            raise ValidationError(_("%(name)s cannot be a recorder: a valid deliberation card is required.")
                                  % {"name": recorder})
        if lead.pk == recorder.pk:
            raise ValidationError(_("The table lead and the recorder must be two different people."))
        busy = a.tables.filter(lead__in=[lead, recorder]) | a.tables.filter(recorder__in=[lead, recorder])
        if busy.exists():
            raise ValidationError(_("Each person leads or records at one table only."))
        if a.tables.filter(number=number).exists():
            raise ValidationError(_("Table %(n)s already exists.") % {"n": number})
        return Table.objects.create(assembly=a, number=number, lead=lead, recorder=recorder)


def attendee_seat(*, table, actor, attendees) -> int:
    """Seat signed-in attendees at a table (moving them from another table if needed)."""
    with transaction.atomic():
        t = Table.objects.select_related("assembly").get(pk=table.pk)
        _require_run(t.assembly, actor)
        _require_status(t.assembly, S.OPEN, message=_("Attendees are seated while the assembly is in session."))
        ids = [att.pk for att in attendees]
        rows = list(Attendee.objects.select_for_update().filter(pk__in=ids, assembly=t.assembly))
        if len(rows) != len(set(ids)):
            raise ValidationError(_("Some of these people are not attendees of this assembly."))
        absent = [r.name for r in rows if not r.is_present]
        if absent:
            raise ValidationError(_("Not signed in: %(names)s") % {"names": "、".join(absent)})
        Attendee.objects.filter(pk__in=ids).update(table=t)
    return len(rows)


# -- proposals raised at a table --------------------------------------------------------

def assembly_proposal_record(*, table, actor, title, problem, solution, proposers, location="",
                             category="other", estimated_cost=None, village=None, point_lon=None,
                             point_lat=None) -> AssemblyProposal:
    """The recorder enters one of the table's proposals; it is raised at once, so with its village where the
    place rules ask for one (places.rules.village_needed)."""
    with transaction.atomic():
        t = Table.objects.select_related("assembly", "assembly__cycle", "assembly__district").get(pk=table.pk)
        a = t.assembly
        if not perm.can_record_at(t, actor):
            raise PermissionDenied(
                _("Only this table's recorder, holding a valid deliberation card, may enter its proposals.")
            )
        _require_status(a, S.OPEN, message=_("Proposals are entered while the assembly is in session, before voting."))
        if not proposers:
            raise ValidationError(_("Choose at least one proposer from the table."))
        seated = {att.pk: att for att in t.attendees.all()}
        strangers = [p for p in proposers if p.pk not in seated]
        if strangers:
            raise ValidationError(_("Proposers must be attendees seated at this table."))
        people = [att.user if att.user_id else (att.name, att.contact) for att in (seated[p.pk] for p in proposers)]
        proposal = proposal_create(
            actor=actor, cycle=a.cycle, district=a.district, title=title, problem=problem, solution=solution,
            category=category, location=location, estimated_cost=estimated_cost, proposers=people,
            authorised=True, reason=systext("assemblies.raised_at", assembly=a.title, n=t.number),
            village=village, point_lon=point_lon, point_lat=point_lat, village_required=True,
        )
        return AssemblyProposal.objects.create(assembly=a, proposal=proposal, table=t, entered_by=actor)


# -- the vote ---------------------------------------------------------------------------

def vote_open(*, assembly, actor) -> Assembly:
    """Open the vote and fix who is present: they vote, and they are the pass rule's count."""
    with transaction.atomic():
        a = _locked(assembly)
        _require_run(a, actor)
        _require_status(a, S.OPEN, message=_("Voting opens once, while the assembly is in session."))
        if not a.items.exists():
            raise ValidationError(_("No proposals have been raised yet."))
        present = Attendee.objects.select_for_update().filter(
            assembly=a, signed_in_at__isnull=False, left_at__isnull=True
        )
        count = present.update(voter=True)
        if count == 0:
            raise ValidationError(_("Nobody is signed in."))
        a.present_at_vote, a.voting_opened_at, a.status = count, timezone.now(), S.VOTING
        # The tie lot is committed before anyone votes: its seed's hash is shown from now on.
        a.lot_nonce, a.lot_commitment = lot.lot_commit(subject=lot_subject(a))
        a.save(update_fields=["present_at_vote", "voting_opened_at", "status", "lot_nonce", "lot_commitment"])
    return a


def vote_cast(*, assembly, code, item_id) -> Vote:
    """One vote from an attendee's phone.

    The attendee's row is locked first, so concurrent requests with one code queue up and the
    allowance check sees every earlier vote; the unique constraint backs up "once per proposal".
    `assembly_close` locks the same rows, so no vote slips in after the count.
    """
    code = normalise_code(code)
    with transaction.atomic():
        att = Attendee.objects.select_for_update().filter(assembly_id=assembly.pk, code=code).first()
        if att is None:
            raise ValidationError(_("This code is not valid for this assembly."))
        a = Assembly.objects.get(pk=assembly.pk)  # read after the lock: sees a close that just committed
        if a.status != S.VOTING:
            raise ValidationError(_("Voting is not open.") if a.status != S.CLOSED else _("Voting has closed."))
        if a.vote_method != Assembly.VoteMethod.PHONE:
            raise ValidationError(_("At this assembly votes are counted on paper or by hand."))
        if not att.voter:
            raise ValidationError(_("Only attendees present when voting opened may vote."))
        item = AssemblyProposal.objects.filter(assembly=a, pk=item_id).first()
        if item is None:
            raise ValidationError(_("This proposal is not on this assembly's ballot."))
        used = Vote.objects.filter(attendee=att).count()
        if Vote.objects.filter(attendee=att, item=item).exists():
            raise ValidationError(_("You have already voted for this proposal."))
        if used >= a.votes_per_attendee:
            raise ValidationError(_("You have used all %(n)d of your votes.") % {"n": a.votes_per_attendee})
        return Vote.objects.create(attendee=att, item=item)


def hand_count_enter(*, item, actor, votes, reason: str = "") -> HandCount:
    """Enter (or correct, until confirmed) a paper or show-of-hands count; a correction needs a reason."""
    with transaction.atomic():
        it = AssemblyProposal.objects.select_related("assembly").get(pk=item.pk)
        a = Assembly.objects.select_for_update().get(pk=it.assembly_id)
        _require_run(a, actor)
        _require_status(a, S.VOTING, message=_("Counts are entered while voting is open."))
        if a.vote_method != Assembly.VoteMethod.PAPER:
            raise ValidationError(_("At this assembly people vote on their phones."))
        if votes < 0 or votes > a.present_at_vote:
            raise ValidationError(_("A count must be between 0 and the %(n)d attendees present.")
                                  % {"n": a.present_at_vote})
        hc = HandCount.objects.select_for_update().filter(item=it).first()
        if hc and hc.confirmed_by_id:
            raise ValidationError(_("This count is already confirmed."))
        if hc is None:
            hc = HandCount(item=it, votes=votes, entered_by=actor)
            hc._history_user, hc._change_reason = actor, _("Count entered")
            hc.save()
            return hc
        reason = (reason or "").strip()
        if votes != hc.votes and not reason:
            raise ValidationError({"reason": _("Please say why the count is corrected; the old count is kept "
                                               "with your reason.")})
        hc.votes, hc.entered_by = votes, actor
        hc._history_user, hc._change_reason = actor, reason or _("Count entered again")
        hc.save(update_fields=["votes", "entered_by", "entered_at"])
        return hc


def hand_count_confirm(*, item, actor, votes) -> HandCount:
    """A second staff member confirms the count by re-entering the same number (four eyes)."""
    with transaction.atomic():
        hc = HandCount.objects.select_for_update().select_related("item__assembly").filter(item_id=item.pk).first()
        if hc is None:
            raise ValidationError(_("No count has been entered yet."))
        a = hc.item.assembly
        _require_run(a, actor)
        _require_status(a, S.VOTING, message=_("Counts are confirmed while voting is open."))
        if hc.confirmed_by_id:
            raise ValidationError(_("This count is already confirmed."))
        if hc.entered_by_id == actor.pk:
            raise ValidationError(_("A second staff member must confirm the count."))
        if votes != hc.votes:
            raise ValidationError(_("The counts differ (%(a)d and %(b)d); count again.") % {"a": hc.votes, "b": votes})
        hc.confirmed_by, hc.confirmed_at = actor, timezone.now()
        hc._history_user, hc._change_reason = actor, _("Count confirmed")
        hc.save(update_fields=["confirmed_by", "confirmed_at"])
    return hc


def _counts(a: Assembly, items) -> dict:
    if a.vote_method == Assembly.VoteMethod.PAPER:
        counts = {}
        for it in items:
            hc = getattr(it, "hand_count", None)
            if hc is None or hc.confirmed_by_id is None:
                raise ValidationError(_("Every count must be entered and confirmed before closing."))
            counts[it.pk] = hc.votes
        return counts
    return {it.pk: it.ballots.count() for it in items}


def lot_subject(a: Assembly) -> str:
    """What the tie lot's seed is bound to (pbcity.lot.seed_of)."""
    return f"assembly:{a.pk}"


def _committed_draw(a: Assembly, items):
    """The lot's draw over item keys, ordered by the proposal ids' committed order (the ids are public)."""
    if not a.lot_commitment:  # voting opened before the commitment existed: the legacy lot
        return rules.random_order
    try:
        a.lot_seed = lot.lot_reveal(subject=lot_subject(a), nonce=a.lot_nonce, commitment=a.lot_commitment)
    except ValueError:
        raise ValidationError(_("The tie-lot key has changed since voting opened, so the published commitment "
                                "cannot be honoured. Restore TIE_LOT_KEY before closing.")) from None
    item_of = {it.proposal_id: it.pk for it in items}
    proposal_of = {it.pk: it.proposal_id for it in items}
    return lambda keys: [item_of[p] for p in lot.committed_order(a.lot_seed, [proposal_of[k] for k in keys])]


def assembly_close(*, assembly, actor, draw=None) -> Assembly:
    """Close the vote, apply the pass rule, settle a tie at rank K by the committed lot, and move every
    proposal to passed or rejected through the lifecycle (which logs and notifies the proposers).
    `draw` replaces the committed lot in rule tests only."""
    with transaction.atomic():
        a = _locked(assembly)
        _require_run(a, actor)
        _require_status(a, S.VOTING, message=_("Only an assembly that is voting can be closed."))
        list(Attendee.objects.select_for_update().filter(assembly=a).values_list("pk"))  # waits for votes in flight
        items = list(a.items.select_related("proposal", "hand_count").select_for_update(of=("self",)))
        counts = _counts(a, items)
        draw = draw or _committed_draw(a, items)
        outcomes, lot_ = rules.decide(counts, present=a.present_at_vote, top_k=a.top_k, draw=draw)
        by_pk = {it.pk: it for it in items}
        for o in outcomes:
            it = by_pk[o.key]
            it.votes, it.rank, it.has_majority = o.votes, o.rank, o.has_majority
            it.in_lot, it.passed = o.in_lot, o.passed
            it.save(update_fields=["votes", "rank", "has_majority", "in_lot", "passed"])
        if lot_:
            TieBreak.objects.create(assembly=a, votes=lot_.votes, slots=lot_.slots, drawn_by=actor,
                                    drawn_order=[by_pk[k].proposal_id for k in lot_.drawn_order])
        a.status, a.closed_at, a.closed_by = S.CLOSED, timezone.now(), actor
        a.save(update_fields=["status", "closed_at", "closed_by", "lot_seed"])
        for o in outcomes:
            it = by_pk[o.key]
            proposal_transition(proposal=it.proposal, actor=actor,
                                transition_name="pass_assembly" if o.passed else "reject_at_assembly",
                                reason=_reason(a, o))
    return a


def _reason(a: Assembly, o: rules.Outcome) -> str:
    """Stored as a code and the facts (texts.assembly_result_text renders it in the reader's language)."""
    if o.passed and o.in_lot:
        verdict = "lot_won"
    elif o.passed:
        verdict = "passed"
    elif not o.has_majority:
        verdict = "no_majority"
    elif o.in_lot:
        verdict = "lot_lost"
    else:
        verdict = "not_top_k"
    return systext("assemblies.result", assembly=a.title, votes=o.votes, present=a.present_at_vote, rank=o.rank,
                   k=a.top_k, verdict=verdict)
