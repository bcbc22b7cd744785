"""Writes for the panel's scoring: open, score, close (lights → verdict → lifecycle, allowances)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pbcity.systext import systext
from proposals import services as proposal_services
from proposals.models import Proposal
from proposals.states import State

from .. import permissions as perm
from .. import rules
from ..models import Allowance, PanelSeat, ReviewPanel, Score, Verdict
from ..models.panel import LIGHT_VALUES
from ..selectors.panel import open_agenda, proposer_user_ids, scoring_missing

__all__ = ["panel_close", "panel_open_scoring", "score_submit"]


def _locked(panel) -> ReviewPanel:
    return ReviewPanel.objects.select_for_update().select_related("cycle", "district").get(pk=panel.pk)


def panel_open_scoring(*, panel, actor) -> ReviewPanel:
    """Open scoring: the agenda is every proposal of the district and cycle now in the workshop."""
    with transaction.atomic():
        panel = _locked(panel)
        if not perm.can_run_sitting(panel, actor):
            raise PermissionDenied(_("Only the district office or the panel's hosts open scoring."))
        if panel.state != ReviewPanel.State.DRAWN:
            raise ValidationError(_("Scoring opens once, after the draw."))
        agenda = list(Proposal.objects.filter(cycle=panel.cycle, district=panel.district, state=State.IN_WORKSHOP))
        if not agenda:
            raise ValidationError(_("No proposal of this district is in the review workshop."))
        panel.agenda.set(agenda)
        panel.state = ReviewPanel.State.SCORING
        panel._history_user, panel._change_reason = actor, _("Scoring opened")
        panel.save()
    return panel


def score_submit(*, panel, actor, proposal, publicness: str, legality: str, budget: str, note: str = "") -> Score:
    """A scoring member's three lights for one proposal. Final once submitted; no conflict of interest."""
    lights = {"publicness": publicness, "legality": legality, "budget": budget}
    if any(v not in LIGHT_VALUES for v in lights.values()):
        raise ValidationError(_("Please choose a light for each of the three indicators."))
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError(_("The note is too long (2,000 characters at most)."))
    with transaction.atomic():
        # Share-lock the panel: a close that has started waits for us, and we see its state.
        panel = ReviewPanel.objects.select_for_update(no_key=True).get(pk=panel.pk)
        if not perm.can_score(panel, actor):
            raise PermissionDenied(_("Only seated panel members score, while scoring is open."))
        if not panel.agenda.filter(pk=proposal.pk).exists():
            raise ValidationError(_("This proposal is not on the panel's agenda."))
        if rules.has_conflict(member=actor.pk, proposers=proposer_user_ids(proposal=proposal)):
            raise PermissionDenied(_("You proposed this proposal, so you do not score it."))
        seat = panel.seats.get(user=actor)
        try:
            with transaction.atomic():
                return Score.objects.create(panel=panel, proposal=proposal, seat=seat, member=actor, note=note,
                                            **lights)
        except IntegrityError as exc:
            raise ValidationError(_("You have already scored this proposal; a submitted score is final.")) from exc


def _reason_text(lights: dict, n: int, passed: bool) -> str:
    """Stored as a code and the lights; texts.panel_summary_text renders it in the reader's language."""
    return systext("deliberation.panel_summary", n=n, passed=passed,
                   lights={i: lights[i] for i in rules.INDICATORS})


def panel_close(*, panel, actor) -> list[Verdict]:
    """Close scoring: every expected score must be in. Each proposal's panel lights (rules.panel_light)
    decide pass_review / fail_review; each seated member's allowance is recorded for payment."""
    with transaction.atomic():
        panel = _locked(panel)
        if not perm.can_run_sitting(panel, actor):
            raise PermissionDenied(_("Only the district office or the panel's hosts close scoring."))
        if panel.state != ReviewPanel.State.SCORING:
            raise ValidationError(_("Scoring is not open."))
        missing = scoring_missing(panel=panel)
        if missing:
            raise ValidationError(
                _("%(n)s scores are still missing; record absent members or wait for their lights.")
                % {"n": len(missing)}
            )
        verdicts = []
        for proposal in open_agenda(panel=panel):
            sheets = list(panel.scores.filter(proposal=proposal).values(*rules.INDICATORS))
            lights = rules.panel_lights(sheets)
            passed = rules.proposal_passes(lights)
            verdicts.append(Verdict.objects.create(panel=panel, proposal=proposal, n_scores=len(sheets),
                                                   passed=passed, decided_by=actor, **lights))
            proposal_services.proposal_transition(
                proposal=proposal, actor=actor, transition_name="pass_review" if passed else "fail_review",
                reason=_reason_text(lights, len(sheets), passed), preauthorised=True,
            )
        sitting_on = timezone.localdate(panel.starts_at)
        for seat in panel.seats.filter(status=PanelSeat.Status.SEATED):
            Allowance.objects.create(panel=panel, seat=seat, member_id=seat.user_id, sitting_on=sitting_on,
                                     amount_ntd=panel.cycle.panel_allowance_ntd, recorded_by=actor)
        panel.state = ReviewPanel.State.CLOSED
        panel.closed_at = timezone.now()
        panel._history_user, panel._change_reason = actor, _("Scoring closed")
        panel.save()
    return verdicts
