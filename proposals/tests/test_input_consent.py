"""Merge, direct execution and assessment need the consent of EVERY proposer, not of any one (issue 7, item 8)."""
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pbcity.tests.factories import UserFactory
from proposals import conditions, services
from proposals.models import Proposal, ProposalProposer
from proposals.states import ConsentKind, State

from .factories import ProposalFactory
from .lifecycle_helpers import Cast, side_track_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


def _second_proposer(p) -> ProposalProposer:
    return ProposalProposer.objects.create(proposal=p, user=UserFactory(name="第二提案人"), name="第二提案人")


def _consent(pp, kind, given=True):
    services.consent_record(proposer=pp, kind=kind, given=given, actor=pp.user)


def _unmet(p, actor, name) -> list[str]:
    with pytest.raises(ValidationError, match="Every proposer must consent") as err:
        services.proposal_transition(proposal=p, actor=actor, transition_name=name, reason="理由")
    return err.value.messages


@pytest.mark.parametrize("kind, condition", [
    (ConsentKind.MERGE, conditions.proposers_consent_merge),
    (ConsentKind.DIRECT_EXECUTION, conditions.proposers_consent_direct_execution),
    (ConsentKind.ASSESSMENT, conditions.proposers_consent_assessment),
])
def test_condition_holds_only_when_every_proposer_says_yes(cast, cycle, kind, condition):
    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    first, second = p.proposers.get(), _second_proposer(p)
    assert not condition(Proposal.objects.get(pk=p.pk))
    _consent(first, kind)
    assert not condition(Proposal.objects.get(pk=p.pk))  # "any" would pass here
    _consent(second, kind, given=False)
    assert not condition(Proposal.objects.get(pk=p.pk))
    _consent(second, kind)
    assert condition(Proposal.objects.get(pk=p.pk))
    other = next(k for k in ConsentKind if k != kind)
    _consent(first, kind, given=False)  # the latest word counts; another kind's yes does not help
    _consent(first, other)
    assert not condition(Proposal.objects.get(pk=p.pk))


def test_a_proposal_without_proposers_has_no_consent(cycle, district):
    p = ProposalFactory(cycle=cycle, district=district)
    for condition in (conditions.proposers_consent_merge, conditions.proposers_consent_direct_execution,
                      conditions.proposers_consent_assessment):
        assert not condition(p)


def test_merge_waits_for_the_second_proposer(cast, cycle):
    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    survivor = cast.walk(cycle, State.ASSEMBLY_PASSED)
    first, second = p.proposers.get(), _second_proposer(p)
    _consent(first, ConsentKind.MERGE)
    with pytest.raises(ValidationError, match="Every proposer must consent to the merge"):
        services.proposal_merge(proposal=p, into=survivor, actor=cast["district"], reason="相似提案")
    assert Proposal.objects.get(pk=p.pk).state == State.ASSEMBLY_PASSED
    _consent(second, ConsentKind.MERGE)
    services.proposal_merge(proposal=p, into=survivor, actor=cast["district"], reason="相似提案")
    assert Proposal.objects.get(pk=p.pk).state == State.MERGED


def test_direct_execution_waits_for_the_second_proposer(cast, cycle):
    p = cast.walk(cycle, State.AGENCIES_ASSIGNED)
    p.co_agencies.clear()
    side_track_evidence(p, "agree_direct_execution", cast["lead"])
    first, second = p.proposers.get(), _second_proposer(p)
    _consent(first, ConsentKind.DIRECT_EXECUTION)
    assert _unmet(p, cast["lead"], "agree_direct_execution") == ["Every proposer must consent to direct execution."]
    _consent(second, ConsentKind.DIRECT_EXECUTION)
    services.proposal_transition(proposal=p, actor=cast["lead"], transition_name="agree_direct_execution",
                                 reason="單純案件")
    assert Proposal.objects.get(pk=p.pk).state == State.DIRECT_EXECUTION


def test_assessment_waits_for_the_second_proposer(cast, cycle):
    p = cast.walk(cycle, State.AGENCIES_ASSIGNED, category="traffic")
    first, second = p.proposers.get(), _second_proposer(p)
    _consent(first, ConsentKind.ASSESSMENT)
    assert _unmet(p, cast["lead"], "take_into_assessment") == ["Every proposer must consent to assessment handling."]
    _consent(second, ConsentKind.ASSESSMENT)
    services.proposal_transition(proposal=p, actor=cast["lead"], transition_name="take_into_assessment",
                                 reason="交通類")
    assert Proposal.objects.get(pk=p.pk).state == State.IN_ASSESSMENT
