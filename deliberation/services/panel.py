"""Writes for the review panel: planning, appointments, the verifiable draw, absences and alternates.

See docs/decisions.md, "Review panel", and deliberation/draw.py for the algorithm.
"""
import json
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pbcity.permissions import holds_role
from pbcity.roles import Role
from pbcity.tasks import enqueue
from pbcity.validators import validate_multi_line
from proposals.models import ProposalProposer
from training.models.cards import CardLevel
from training.permissions import may_vice_host
from training.selectors import card_pool

from .. import draw, rules
from .. import permissions as perm
from ..models import DrawCommitment, DrawEntry, DrawRecord, PanelSeat, ReviewPanel
from ..models.panel import SeatType

__all__ = [
    "panel_appoint", "panel_commit", "panel_draw", "panel_mark_absent", "panel_plan", "previous_year_proposers",
]


def _locked(panel) -> ReviewPanel:
    return ReviewPanel.objects.select_for_update().select_related("cycle", "district").get(pk=panel.pk)


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Please give a reason; it is kept in the public record."))
    validate_multi_line(text)
    return text


def _notify_on_commit(seat_ids):
    for seat_id in seat_ids:
        enqueue("deliberation.tasks.panel.panel_seat_notify", seat_id)


def panel_plan(*, actor, cycle, district, starts_at, venue: str = "", online_url: str = "") -> ReviewPanel:
    """The district office plans its review panel: when, and in a place and/or online."""
    if not perm.can_plan_panel(district, actor):
        raise PermissionDenied(_("Only the district office plans its review panel."))
    venue, online_url = (venue or "").strip(), (online_url or "").strip()
    if not venue and not online_url:
        raise ValidationError(_("Please give a place, an online meeting link, or both."))
    if ReviewPanel.objects.filter(cycle=cycle, district=district).exists():
        raise ValidationError(_("This district already has a review panel in this cycle."))
    panel = ReviewPanel(cycle=cycle, district=district, starts_at=starts_at, venue=venue, online_url=online_url,
                        created_by=actor)
    panel.full_clean(exclude=["agenda"])
    panel._history_user = actor
    panel._change_reason = _("Review panel planned")
    try:
        with transaction.atomic():
            panel.save()
    except IntegrityError as exc:  # a second office tab raced us
        raise ValidationError(_("This district already has a review panel in this cycle.")) from exc
    return panel


def panel_appoint(*, panel, actor, host, co_host, deliberator, reason: str) -> ReviewPanel:
    """Civil affairs or the committee appoints the host and co-host (committee members) and the
    vice-host (a deliberation-card holder). Possible until the commitment is published."""
    reason = _reason(reason)
    with transaction.atomic():
        panel = _locked(panel)
        if not perm.can_appoint_panel(panel, actor):
            raise PermissionDenied(_("Only civil affairs or the committee appoints the hosts, before the draw."))
        people = [host, co_host, deliberator]
        if any(p is None for p in people) or len({p.pk for p in people}) != 3:
            raise ValidationError(_("Host, co-host and vice-host must be three different people."))
        for p in (host, co_host):
            if not holds_role(p, Role.COMMITTEE):
                raise ValidationError(_("%(name)s is not a committee member.") % {"name": p})
        if not may_vice_host(deliberator):
            raise ValidationError(_("%(name)s holds no valid deliberation card.") % {"name": deliberator})
        for seat_type, user in ((rules.HOST, host), (rules.CO_HOST, co_host), (rules.DELIBERATOR, deliberator)):
            seat = panel.seats.filter(seat_type=seat_type).first()
            if seat is not None and seat.user_id == user.pk:
                continue
            if seat is not None:
                seat._history_user, seat._change_reason = actor, reason
                seat.delete()  # only before the commitment; the history keeps the earlier appointment
            seat = PanelSeat(panel=panel, seat_type=seat_type, user=user, source=PanelSeat.Source.APPOINTED,
                             reason=reason, created_by=actor)
            seat._history_user, seat._change_reason = actor, reason
            seat.save()
            _notify_on_commit([seat.pk])
    return panel


def previous_year_proposers(*, cycle, district) -> list[int]:
    """User ids of last cycle's proposers who may sit on `district`'s panel (rules.previous_year_proposer_eligible)."""
    rows = (
        ProposalProposer.objects.filter(proposal__cycle__year=cycle.year - 1, user__isnull=False,
                                        user__is_active=True)
        .filter(proposal__published_at__isnull=False)  # raised at some point: Proposal.is_public
        .values_list("user_id", "proposal__district_id", "user__home_district_id")
    )
    districts, homes = {}, {}
    for user_id, proposal_district, home in rows:
        districts.setdefault(user_id, set()).add(proposal_district)
        homes[user_id] = home
    return sorted(
        uid for uid, ids in districts.items()
        if rules.previous_year_proposer_eligible(proposal_district_ids=ids, home_district_id=homes[uid],
                                                 panel_district_id=district.pk)
    )


def _new_pseudonym(taken: set) -> str:
    while True:
        p = "P-" + secrets.token_hex(5).upper()
        if p not in taken:
            taken.add(p)
            return p


def panel_commit(*, panel, actor, randomness_source: str, randomness_date) -> DrawCommitment:
    """Publish the commitment: the pools (pseudonymous ids), the quotas, the algorithm and the
    announced source of randomness, hashed. Pools are frozen from here on."""
    randomness_source = (randomness_source or "").strip()
    if not randomness_source or randomness_date is None:
        raise ValidationError(_("Please name the public source of randomness and the date of its value."))
    with transaction.atomic():
        panel = _locked(panel)
        if not perm.can_run_draw(panel, actor):
            raise PermissionDenied(_("Only the district office runs its panel's draw."))
        if panel.state != ReviewPanel.State.PLANNED:
            raise ValidationError(_("The commitment is already published."))
        appointed = list(panel.seats.filter(seat_type__in=rules.APPOINTED_SEATS))
        if len(appointed) != len(rules.APPOINTED_SEATS):
            raise ValidationError(_("Appoint the host, co-host and vice-host before publishing the commitment."))
        pools = rules.split_pools(
            basic=list(card_pool(level=CardLevel.BASIC).values_list("pk", flat=True)),
            advanced=list(card_pool(level=CardLevel.ADVANCED).values_list("pk", flat=True)),
            proposers=previous_year_proposers(cycle=panel.cycle, district=panel.district),
            excluded=[s.user_id for s in appointed],
        )
        quotas = {t: rules.SEAT_QUOTAS[t] for t in rules.DRAWN_SEATS}
        short = rules.unfillable_seats(pools, quotas)
        if short:
            labels = dict(SeatType.choices)
            raise ValidationError(_("The draw cannot fill every seat: %(seats)s. Invite more eligible people "
                                    "(card holders, previous-year proposers of other districts) before publishing "
                                    "the commitment.") % {"seats": "; ".join(
                _("%(type)s: %(pool)s eligible for %(quota)s seats") % {"type": labels[t], "pool": n, "quota": q}
                for t, (q, n) in short.items())})
        taken: set = set()
        entries, pseudonym_pools = [], {}
        for seat_type in rules.DRAWN_SEATS:
            pseudonym_pools[seat_type] = []
            for user_id in pools[seat_type]:
                pid = _new_pseudonym(taken)
                pseudonym_pools[seat_type].append(pid)
                entries.append((seat_type, pid, user_id))
        doc = draw.input_document(
            panel={"cycle": panel.cycle.year, "district": panel.district.code,
                   "starts_at": panel.starts_at.isoformat(), "panel_id": panel.pk},
            pools=pseudonym_pools,
            quotas=quotas,
            randomness={"source": randomness_source, "date": randomness_date.isoformat()},
        )
        document = draw.canonical_json(doc).decode("utf-8")
        commitment = DrawCommitment.objects.create(
            panel=panel, document=document, sha256=draw.commitment_of(doc), randomness_source=randomness_source,
            published_by=actor,
        )
        DrawEntry.objects.bulk_create(
            [DrawEntry(commitment=commitment, seat_type=t, pseudonym=p, user_id=u) for t, p, u in entries]
        )
        panel.state = ReviewPanel.State.COMMITTED
        panel._history_user = actor
        panel._change_reason = _("Commitment published: %(sha)s") % {"sha": commitment.sha256}
        panel.save()
    return commitment


def panel_draw(*, panel, actor, random_value: str) -> DrawRecord:
    """Enter the public random value; the panel and ordered alternates follow from commitment ‖ value.
    Runs once: the database refuses a second draw record for the panel."""
    value = draw.normalise_random_value(random_value)
    if not value:
        raise ValidationError(_("Please enter the public random value exactly as its source announced it."))
    if len(value) > 200:
        raise ValidationError(_("The random value is too long (200 characters at most)."))
    with transaction.atomic():
        panel = _locked(panel)
        if not perm.can_run_draw(panel, actor):
            raise PermissionDenied(_("Only the district office runs its panel's draw."))
        if panel.state == ReviewPanel.State.PLANNED:
            raise ValidationError(_("Publish the commitment before the draw."))
        if DrawRecord.objects.filter(panel=panel).exists():
            raise ValidationError(_("This panel has been drawn; a draw is never re-run."))
        commitment = panel.commitment
        doc = commitment.doc
        if draw.commitment_of(doc) != commitment.sha256:  # pragma: no cover - guarded by append-only rows
            raise ValidationError(_("The stored input no longer matches its commitment."))
        result = draw.run(doc, value)
        value = result["random_value"]  # the normal form for the commitment's algorithm version, as hashed
        record = DrawRecord.objects.create(
            panel=panel, commitment=commitment, random_value=value, seed=result["seed"],
            result=json.dumps(result, ensure_ascii=False, sort_keys=True), drawn_by=actor,
        )
        users = dict(commitment.entries.values_list("pseudonym", "user_id"))
        new_seats = []
        for seat_type in rules.DRAWN_SEATS:
            for pid in result["selected"][seat_type]:
                seat = PanelSeat(panel=panel, seat_type=seat_type, user_id=users[pid], pseudonym=pid,
                                 source=PanelSeat.Source.DRAWN, created_by=actor)
                seat._history_user, seat._change_reason = actor, _("Drawn by lot")
                seat.save()
                new_seats.append(seat.pk)
        # The draw must leave a complete panel (the commitment refused pools too small for their quotas);
        # anything else is a defect, and the whole draw rolls back rather than seat a wrong panel.
        problems = rules.composition_problems(list(panel.seats.values_list("seat_type", "user_id")))
        if problems:
            raise ValidationError(_("The draw would not seat a complete panel: %(p)s") % {"p": ", ".join(problems)})
        panel.state = ReviewPanel.State.DRAWN
        panel._history_user, panel._change_reason = actor, _("Drawn with the public value “%(v)s”") % {"v": value}
        panel.save()
        _notify_on_commit(new_seats)
    return record


def panel_mark_absent(*, panel, actor, seat, reason: str) -> PanelSeat | None:
    """Record an absent member. A drawn seat goes to the next alternate of the same seat type (never
    a host or the vice-host); an appointed seat is not refilled. Returns the new seat, if any."""
    reason = _reason(reason)
    with transaction.atomic():
        panel = _locked(panel)
        if not perm.can_run_sitting(panel, actor):
            raise PermissionDenied(_("Only the district office or the panel's hosts record absences."))
        if panel.state not in (ReviewPanel.State.DRAWN, ReviewPanel.State.SCORING):
            raise ValidationError(_("Absences are recorded between the draw and the close of scoring."))
        seat = PanelSeat.objects.select_for_update().get(pk=seat.pk, panel=panel)
        if seat.status != PanelSeat.Status.SEATED:
            raise ValidationError(_("This member is already recorded as absent."))
        if seat.scores.exists():
            raise ValidationError(_("This member has already scored; their scores stand."))
        seat.status = PanelSeat.Status.ABSENT
        seat._history_user, seat._change_reason = actor, reason
        seat.save()
        if not rules.replacement_allowed(seat.seat_type):
            return None
        result = panel.draw.doc
        order = result["selected"][seat.seat_type] + result["alternates"][seat.seat_type]
        called = set(panel.seats.exclude(pseudonym="").values_list("pseudonym", flat=True))
        pid = rules.next_alternate(order=order, quota=rules.SEAT_QUOTAS[seat.seat_type], unavailable=called)
        if pid is None:
            return None
        user_id = panel.commitment.entries.get(pseudonym=pid).user_id
        if panel.seats.filter(user_id=user_id).exists():  # pragma: no cover - pools are disjoint
            raise ValidationError(_("The next alternate already has a seat."))
        new = PanelSeat(panel=panel, seat_type=seat.seat_type, user_id=user_id, pseudonym=pid,
                        source=PanelSeat.Source.ALTERNATE, replaces=seat, reason=reason, created_by=actor)
        new._history_user, new._change_reason = actor, _("Alternate for an absent member: %(r)s") % {"r": reason}
        new.save()
        _notify_on_commit([new.pk])
    return new
