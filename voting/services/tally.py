"""Counting a closed round and admitting proposals (docs/decisions.md, "Voting: tally and admission").

Staff start the tally; a Celery task runs it in steps whose progress staff see: verify the board,
count, apply the round's counting rule, then write the result lines and move every proposal
through the lifecycle (`admit` / `reject_at_vote`) with its tally line as the reason.
"""
import random
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pbcity import lot
from pbcity.audit.entries import entries_record
from pbcity.systext import systext
from pbcity.tasks import enqueue
from proposals.services import proposal_transition
from voting import permissions as perm
from voting import rules
from voting.models import Round, RoundEvent, RoundResult, TallyLot
from voting.selectors.counting import round_ballots

from .board import round_check
from .rounds import lot_subject


def lot_order(seed: str, keys) -> list:
    """Legacy lot (rounds opened before the commitment): redrawn from its seed by scripts/recount_vote.py."""
    return random.Random(seed).sample(sorted(keys), len(keys))


def _lot_seed(r: Round) -> tuple[str, str, object]:
    """(seed, commitment, draw): the seed committed when the round opened, revealed now; legacy rounds
    (opened before the commitment existed) draw a seed here as they always did."""
    if not r.lot_commitment:
        seed = secrets.token_hex(16)
        return seed, "", lambda keys: lot_order(seed, keys)
    try:
        seed = lot.lot_reveal(subject=lot_subject(r), nonce=r.lot_nonce, commitment=r.lot_commitment)
    except ValueError:
        raise ValidationError(_("The tie-lot key has changed since the round opened, so the published commitment "
                                "cannot be honoured. Restore TIE_LOT_KEY before counting.")) from None
    return seed, r.lot_commitment, lambda keys: lot.committed_order(seed, keys)


def round_scores(*, round_) -> dict:
    """Each project's total under the round's ballot scoring: one GROUP BY over the choices."""
    spec = round_.spec
    scores = dict.fromkeys(round_.projects.values_list("proposal_id", flat=True), 0)
    with connection.cursor() as cur:
        cur.execute("SELECT proposal_id, value, COUNT(*) FROM voting_ballotchoice WHERE round_id = %s "
                    "GROUP BY proposal_id, value", [round_.pk])
        for pid, value, n in cur.fetchall():
            scores[pid] += n * rules.score_of_value(spec, value)
    return scores


def _progress(round_id: int, step: str, percent: int, error: str = "") -> None:
    # Outside the tally's own transaction, so staff see each step while it runs.
    Round.objects.filter(pk=round_id).update(tally_step=step, tally_percent=percent, tally_error=error[:300])


def round_tally_start(*, round_, actor) -> Round:
    with transaction.atomic():
        r = Round.objects.select_for_update().select_related("cycle").get(pk=round_.pk)
        if not perm.can_manage_rounds(r.cycle, actor):
            raise PermissionDenied(_("Only civil-affairs staff start the count."))
        if r.status != Round.Status.CLOSED:
            raise ValidationError(_("Only a closed round can be counted."))
        if not r.box_opened:
            raise ValidationError(_("The ballot box has not been opened yet: the key holders open it first."))
        if r.tally_step in Round.TALLY_RUNNING:
            raise ValidationError(_("The count is already running."))
        r.tally_by, r.tally_step, r.tally_percent, r.tally_error = actor, Round.TallyStep.QUEUED, 0, ""
        r.save(update_fields=["tally_by", "tally_step", "tally_percent", "tally_error"])
        enqueue("voting.tasks.round_tally", round_id=r.pk)
    return r


def tally_line(line: rules.Line, *, threshold: int, cap: int, rule: str = "taipei", budget: int = 0) -> str:
    """One proposal's count line, stored as a code and its facts (voting/texts.py renders it)."""
    return systext("voting.tally_line", votes=line.votes, over=line.over_threshold, threshold=threshold,
                   rank=line.rank, cap=cap, in_lot=line.in_lot, admitted=line.admitted, rule=rule, budget=budget,
                   budget_rule=rule in rules.BUDGET_RULES)


def round_tally_run(*, round_id: int) -> Round:
    """The task's body; safe to run twice (a tallied round is left as it is)."""
    r = Round.objects.select_related("cycle", "district").get(pk=round_id)
    if r.status == Round.Status.TALLIED:
        return r
    _progress(r.pk, Round.TallyStep.VERIFY, 10)
    if not r.box_opened:
        _progress(r.pk, Round.TallyStep.FAILED, 10, "the ballot box has not been opened")
        raise ValidationError(_("The ballot box has not been opened yet: the key holders open it first."))
    check = round_check(round_=r)
    if not check.ok:
        problems = "; ".join(check.problems())
        _progress(r.pk, Round.TallyStep.FAILED, 10, problems)
        raise ValidationError(_("The board does not verify: %(b)s") % {"b": problems})
    _progress(r.pk, Round.TallyStep.COUNT, 40)
    scores = round_scores(round_=r)
    _progress(r.pk, Round.TallyStep.ADMIT, 70)
    try:
        seed, commitment, draw = _lot_seed(r)
    except ValidationError as exc:
        _progress(r.pk, Round.TallyStep.FAILED, 70, " ".join(exc.messages))
        raise
    data = rules.TallyInput(spec=r.spec, scores=scores, threshold=r.threshold, cap=r.admission_cap,
                            budget=r.budget, costs=dict(r.projects.values_list("proposal_id", "cost")),
                            ballots=lambda: round_ballots(round_=r))
    outcome = rules.COUNTING_RULES[r.counting_rule](data, draw=draw)
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=r.pk)
        if locked.status != Round.Status.CLOSED:
            return locked
        made = RoundResult.objects.bulk_create([
            RoundResult(round=r, proposal_id=ln.key, votes=ln.votes, rank=ln.rank, over_threshold=ln.over_threshold,
                        in_lot=ln.in_lot, admitted=ln.admitted) for ln in outcome.lines
        ])
        # bulk_create sends no post_save: enter the rows into the audit chain explicitly.
        entries_record(model=RoundResult, pks=[x.pk for x in made])
        if outcome.lot:
            TallyLot.objects.create(round=r, votes=outcome.lot.votes, slots=outcome.lot.slots, seed=seed,
                                    drawn_order=list(outcome.lot.drawn_order))
        from proposals.models import Proposal

        actor = locked.tally_by
        for ln in outcome.lines:
            p = Proposal.objects.get(pk=ln.key)
            proposal_transition(proposal=p, actor=actor, transition_name="admit" if ln.admitted else "reject_at_vote",
                                reason=tally_line(ln, threshold=r.threshold, cap=r.admission_cap,
                                                  rule=r.counting_rule, budget=r.budget),
                                preauthorised=True)
        locked.status, locked.tallied_at = Round.Status.TALLIED, timezone.now()
        locked.tally_step, locked.tally_percent = Round.TallyStep.DONE, 100
        locked.lot_seed = seed if commitment else ""  # revealed with the results, tie or not
        locked.save(update_fields=["status", "tallied_at", "tally_step", "tally_percent", "lot_seed"])
        admitted = sum(1 for ln in outcome.lines if ln.admitted)
        RoundEvent.objects.create(round=locked, actor=actor, action="tally", old_status=Round.Status.CLOSED,
                                  new_status=locked.status,
                                  reason=systext("voting.counted", rule=r.counting_rule, n=admitted))
        enqueue("voting.tasks.round_results_notify", round_id=r.pk)  # the round's followers (pbcity notifications)
    return locked
