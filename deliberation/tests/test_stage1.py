"""Stage 1: sessions, agency opinions, expert suggestions, the proposer's revisions and their diffs."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deliberation import selectors, services
from deliberation.models import AgencyOpinion
from deliberation.textdiff import text_diff
from proposals import services as proposal_services
from proposals.states import State

from .premeeting_fixtures import *  # noqa: F401,F403

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.django_db
def test_a_session_needs_a_place_or_a_link(cast, cycle):
    when = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.session_plan(actor=cast["district"], cycle=cycle, district=cast.district, starts_at=when)
    online = services.session_plan(actor=cast["district"], cycle=cycle, district=cast.district, starts_at=when,
                                   online_url="https://meet.example.tw/x")
    assert online.venue == ""
    assert [(h.history_type, h.history_user) for h in online.history.all()] == [("+", cast["district"])]
    with pytest.raises(PermissionDenied):
        services.session_plan(actor=cast["district_other"], cycle=cycle, district=cast.district, starts_at=when,
                              venue="x")


@pytest.mark.django_db
def test_an_unavailable_expert_is_not_invited(cast, cycle, expert):
    expert.available_for_workshops = False
    expert.save()
    with pytest.raises(ValidationError):
        services.session_plan(actor=cast["district"], cycle=cycle, district=cast.district, venue="x",
                              starts_at=timezone.now(), experts=[expert])


@pytest.mark.django_db
def test_designated_agencies_give_opinions_latest_first_all_kept(cast, session, in_workshop):
    services.opinion_record(session=session, proposal=in_workshop, actor=cast["lead"], agency=cast.lead_agency,
                            verdict="not_feasible", reasons="位於管線上方", alternatives="改設東側")
    services.opinion_record(session=session, proposal=in_workshop, actor=cast["lead"], agency=cast.lead_agency,
                            verdict="with_changes", reasons="調整位置後可行", alternatives="改設東側",
                            cost_estimate=420000)
    services.opinion_record(session=session, proposal=in_workshop, actor=cast["co_agency"], agency=cast.co_agency,
                            verdict="feasible", reasons="協辦無意見")
    p = selectors.session_proposals(session=session)[0]
    assert [(o.agency_id, o.verdict) for o in p.latest_opinions] == [
        (cast.co_agency.pk, "feasible"), (cast.lead_agency.pk, "with_changes")]
    assert AgencyOpinion.objects.filter(proposal=in_workshop).count() == 3


@pytest.mark.django_db
def test_an_opinion_other_than_feasible_needs_alternatives(cast, session, in_workshop):
    with pytest.raises(ValidationError):
        services.opinion_record(session=session, proposal=in_workshop, actor=cast["lead"], agency=cast.lead_agency,
                                verdict="not_feasible", reasons="x")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_agency", "district", "proposer", "committee", "resident"])
def test_only_designated_agencies_give_opinions(cast, session, in_workshop, who):
    with pytest.raises(PermissionDenied):
        services.opinion_record(session=session, proposal=in_workshop, actor=cast[who], agency=cast.lead_agency,
                                verdict="feasible", reasons="x")


@pytest.mark.django_db
def test_opinions_only_while_in_the_workshop(cast, cycle, session):
    p = cast.walk(cycle, State.AGENCIES_ASSIGNED)
    with pytest.raises(ValidationError):
        services.opinion_record(session=session, proposal=p, actor=cast["lead"], agency=cast.lead_agency,
                                verdict="feasible", reasons="x")


@pytest.mark.django_db
def test_invited_experts_suggestions_are_entered_by_the_office(cast, session, in_workshop, expert):
    from training.models import Expert

    s = services.suggestion_record(session=session, proposal=in_workshop, actor=cast["district"], expert=expert,
                                   suggestion="加入無障礙設計")
    assert s.recorded_by == cast["district"]
    stranger = Expert.objects.create(name="未受邀", affiliation="x")
    with pytest.raises(ValidationError):
        services.suggestion_record(session=session, proposal=in_workshop, actor=cast["district"], expert=stranger,
                                   suggestion="x")
    for who in ("district_other", "lead", "district_no_mfa"):
        with pytest.raises(PermissionDenied):
            services.suggestion_record(session=session, proposal=in_workshop, actor=cast[who], expert=expert,
                                       suggestion="x")


@pytest.mark.django_db
def test_the_proposer_revises_during_stage_1_and_the_diff_shows_it(cast, cycle, in_workshop):
    p = proposal_services.proposal_revise(proposal=in_workshop, actor=cast.proposer, note="依機關意見調整",
                                          solution="增設遮陽棚兩座，先於東側入口試辦。", estimated_cost=420000)
    assert p.revisions.count() == 2
    diffs = selectors.revision_diffs(proposal=p)
    assert len(diffs) == 1
    fields = {str(f["label"]): f for f in diffs[0]["fields"]}
    assert ("ins", "兩座，先於東側入口試辦") in fields["proposed solution"]["segments"]
    assert fields["estimated cost (NTD)"]["new"] == 420000
    before = cast.walk(cycle, State.AGENCIES_ASSIGNED)  # outside stage 1 the proposer may not revise
    with pytest.raises(PermissionDenied):
        proposal_services.proposal_revise(proposal=before, actor=cast.proposer, note="x", solution="y")


@pytest.mark.parametrize("old, new, expected", [
    ("增設遮陽棚。", "增設遮陽棚兩座。", [("same", "增設遮陽棚"), ("ins", "兩座"), ("same", "。")]),
    ("拆除舊涼亭並新建", "新建", [("del", "拆除舊涼亭並"), ("same", "新建")]),
    ("甲", "乙", [("del", "甲"), ("ins", "乙")]),
    ("", "新內容", [("ins", "新內容")]),
])
def test_text_diff(old, new, expected):
    assert text_diff(old, new) == expected


def test_text_diff_shortens_long_unchanged_text():
    old = "前" * 100 + "舊" + "後" * 100
    new = "前" * 100 + "新" + "後" * 100
    got = text_diff(old, new, context=5)
    assert got == [("gap", ""), ("same", "前" * 5), ("del", "舊"), ("ins", "新"), ("same", "後" * 5), ("gap", "")]
