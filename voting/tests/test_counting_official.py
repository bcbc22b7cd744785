"""A round whose official rule is a budget rule: set before it opens, frozen after, and the tally admits
exactly what that rule funds (the same answer as the comparison page and the `.pb` recount)."""
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from proposals.models import Proposal, TransitionLog
from proposals.states import State
from voting.counting import RULES
from voting.models import Round
from voting.selectors import counting as sel
from voting.services import rounds as round_services
from voting.services import tally as tally_services

from .round_helpers import cast, cast_people, civil, close, make_round, projects, verified_voter  # noqa: F401

pytestmark = pytest.mark.django_db


def _set_costs(projects, costs):
    for p, c in zip(projects, costs):
        Proposal.objects.filter(pk=p.pk).update(estimated_cost=c)


def test_budget_rule_needs_a_budget(civil, cycle, district, projects):
    with translation.override("en"), pytest.raises(ValidationError, match="budget rule needs the budget"):
        make_round(civil, cycle, district, counting_rule="mes")


@pytest.mark.parametrize("rule", ["greedy", "mes", "mes/add1"])
def test_tally_admits_what_the_official_budget_rule_funds(rule, civil, cycle, district, projects,
                                                          django_capture_on_commit_callbacks):
    _set_costs(projects, [60_000, 50_000, 40_000, 30_000])
    r = make_round(civil, cycle, district, max_choices=3, budget=100_000, counting_rule=rule)
    Round.objects.filter(pk=r.pk).update(threshold=0)  # every project with a vote is counted
    r = round_services.round_open(round_=Round.objects.get(pk=r.pk), actor=civil)
    a, b, c, d = projects
    plan = [[a, b]] * 6 + [[c]] * 4 + [[d, c]] * 2
    for picks in plan:
        cast(r, verified_voter(cycle, district), picks)
    r = close(r, civil)
    with django_capture_on_commit_callbacks(execute=True):
        tally_services.round_tally_start(round_=r, actor=civil)
    r = Round.objects.get(pk=r.pk)
    assert r.status == Round.Status.TALLIED
    expected = set(RULES[rule](sel.round_election(round_=r)).selected)
    admitted = {str(p.pk) for p in projects if Proposal.objects.get(pk=p.pk).state == State.ADMITTED}
    assert admitted == expected and admitted
    log = TransitionLog.objects.filter(proposal__in=projects, transition="admit").first()
    assert rule in str(log.reason) and "100000" in str(log.reason)
    if rule == "greedy":
        # a, b and c tie at 6 votes: the cheaper first, c (40k) then b (50k); a (60k) and d no longer fit.
        assert admitted == {str(b.pk), str(c.pk)}
    if rule == "mes":
        # 12 voters, a share of 8,333⅓ each: a's six supporters hold 50k < 60k; b and c both cost their
        # supporters 1/6 of the cost per unit (a tie: the cheaper c first), then b; d's two hold too little.
        assert admitted == {str(b.pk), str(c.pk)}


def test_the_official_rule_is_frozen_once_the_round_opens(civil, cycle, district, projects):
    from django.db import connection, transaction

    r = make_round(civil, cycle, district, budget=100_000, counting_rule="mes")
    r = round_services.round_open(round_=Round.objects.get(pk=r.pk), actor=civil)
    if connection.vendor != "postgresql":
        pytest.skip("the freeze trigger is PostgreSQL's")
    with pytest.raises(Exception, match="frozen|refused|permission denied"), transaction.atomic():
        Round.objects.filter(pk=r.pk).update(counting_rule="taipei")
