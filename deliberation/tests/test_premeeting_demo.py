"""The deliberation demo (pre-meeting and stage 1) runs through the services and is idempotent."""
import pytest

from deliberation import demo, selectors
from deliberation.demo import premeeting as premeeting_demo
from deliberation.models import (
    AgencyOpinion,
    DesignationContest,
    DesignationPrinciples,
    ExclusionCategory,
    ExclusionRecord,
    ExpertSuggestion,
    PreMeeting,
    WorkshopSession,
)
from pbcity import demo as city_demo
from proposals import services as proposal_services
from proposals.states import ConsentKind, State

pytestmark = pytest.mark.django_db


def _proposal(ref, code, title, path):
    office = ref["users"]["district"][code]
    proposer = ref["users"]["residents"][0]
    p = proposal_services.proposal_create(
        actor=office, cycle=ref["cycles"][2026], district=ref["districts"][code], title=title, problem="問題",
        solution="方案", category="parks", proposers=[proposer],
    )
    for step in path:
        if step == "pass_assembly":
            p = proposal_services.proposal_transition(proposal=p, actor=office, transition_name=step, reason="r")
        elif step == "designate":
            p = proposal_services.proposal_designate_agencies(proposal=p, actor=office,
                                                              lead=ref["agencies"]["parks"], reason="r")
        else:
            p = proposal_services.proposal_transition(proposal=p, actor=office, transition_name=step, reason="r")
    return p


def test_demo_premeeting_and_stage_one(django_capture_on_commit_callbacks):
    from training.models import Expert

    ref = city_demo.reference_data()
    ref["cycles"] = city_demo.cycles()
    ref["users"] = city_demo.users(ref)
    Expert.objects.create(name="陳教授", affiliation="臺灣大學")
    for code in premeeting_demo.DEMO_DISTRICTS:
        _proposal(ref, code, f"{code} 待指定", ["pass_assembly"])
        _proposal(ref, code, f"{code} 工作坊", ["pass_assembly", "designate", "send_to_workshop"])
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(ref)
    counts = [m.objects.count() for m in (PreMeeting, WorkshopSession, AgencyOpinion, ExpertSuggestion,
                                          ExclusionCategory, DesignationPrinciples)]
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(ref)  # a second run adds nothing
    assert [m.objects.count() for m in (PreMeeting, WorkshopSession, AgencyOpinion, ExpertSuggestion,
                                        ExclusionCategory, DesignationPrinciples)] == counts
    assert counts[:4] == [2, 2, 4, 4]  # two proposals discussed per district, one opinion and suggestion each
    assert set(PreMeeting.objects.values_list("district__code", flat=True)) == {"daan", "wanhua"}
    daan = PreMeeting.objects.get(district__code="daan")
    agenda = selectors.premeeting_agenda(premeeting=daan)
    assert {p.state for p in agenda} >= {State.ASSEMBLY_PASSED, State.IN_WORKSHOP}  # one left for the form
    assert DesignationContest.objects.filter(decision__isnull=False).count() == 2
    revised = [p for p in agenda if p.title in {row[0] for row in premeeting_demo.AGENDA[:2]}]
    assert len(revised) == 2
    assert all(p.revisions.count() == 2 for p in revised)


def test_side_tracks_for_the_proposals_demo():
    ref = city_demo.reference_data()
    ref["cycles"] = city_demo.cycles()
    ref["users"] = city_demo.users(ref)
    excluded = _proposal(ref, "daan", "排除", ["pass_assembly", "designate"])
    demo.side_track(proposal=excluded, name="exclude", actor=ref["users"]["district"]["daan"], reason="人事費用")
    assert ExclusionRecord.objects.get(proposal=excluded).category.name == "人事費用"
    direct = _proposal(ref, "daan", "逕予執行", ["pass_assembly", "designate"])
    for pp in direct.proposers.all():
        proposal_services.consent_record(proposer=pp, kind=ConsentKind.DIRECT_EXECUTION, given=True,
                                         actor=ref["users"]["district"]["daan"])
    p = demo.side_track(proposal=direct, name="agree_direct_execution", actor=ref["users"]["agency"]["parks"],
                        reason="單純")
    assert p.state == State.DIRECT_EXECUTION
