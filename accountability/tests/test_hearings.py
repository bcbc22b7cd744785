"""Residents heard during execution: hearings announced and recorded; local opposition's coordination procedure."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accountability import selectors, services
from accountability.models import Hearing, OppositionStep
from accountability.sources import OPPOSITION
from pbcity import agenda
from pbcity.models import Notification
from pbcity.services import follow_add
from pbcity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _hearing(cast, project, who="district", when=None, **kw):
    return services.hearing_plan(
        actor=cast[who], proposal=project.proposal, project=project, kind=Hearing.Kind.EXPLANATORY,
        title="遮陽棚施工說明會", starts_at=when or timezone.now() + datetime.timedelta(days=7),
        place="大安區民活動中心", description="說明施工期程", **kw)


def test_a_hearing_is_announced_to_proposers_and_followers(cast, project, django_capture_on_commit_callbacks):
    follower = UserFactory()
    follow_add(user=follower, kind="project", target_id=project.pk)
    with django_capture_on_commit_callbacks(execute=True):
        h = _hearing(cast, project)
    notes = Notification.objects.filter(key=f"hearing:{h.pk}")
    assert {n.recipient for n in notes} == {follower, cast.proposer}
    assert {(n.kind, n.topic) for n in notes} == {("project", f"project:{project.pk}")}
    assert project.proposal.title in notes[0].subject
    assert h.organiser_district == cast.district and h.organiser_agency is None


def test_the_lead_agency_organises_too_and_others_may_not(cast, project):
    assert _hearing(cast, project, who="lead").organiser_agency_id == project.lead_agency_id
    for who in ("other_agency", "district_other", "committee", "councillor", "proposer", "district_no_mfa"):
        with pytest.raises(PermissionDenied, match="district office or the lead agency"):
            _hearing(cast, project, who=who)


def test_a_hearing_is_recorded_once_after_it_took_place(cast, project):
    h = _hearing(cast, project)
    with pytest.raises(ValidationError, match="once it has taken place"):
        services.hearing_record(hearing=h, actor=cast["district"], attendance=30, minutes="m")
    later = h.starts_at + datetime.timedelta(hours=2)
    with pytest.raises(PermissionDenied, match="organiser"):
        services.hearing_record(hearing=h, actor=cast["lead"], attendance=30, minutes="m", now=later)
    rec = services.hearing_record(hearing=h, actor=cast["district"], attendance=42, minutes="居民提問施工噪音",
                                  objections="兩位居民反對移除樹木", now=later)
    assert (rec.attendance, rec.objections) == (42, "兩位居民反對移除樹木")
    with pytest.raises(ValidationError, match="already recorded"):
        services.hearing_record(hearing=h, actor=cast["district"], attendance=1, minutes="m", now=later)


def _opposition(cast, project):
    return services.opposition_record(project=project, actor=cast["district"], summary="鄰里反對移除樹木",
                                      details="里民連署反對")


def test_opposition_follows_record_meeting_outcome(cast, project):
    o = _opposition(cast, project)
    with pytest.raises(ValidationError, match="coordination meeting before"):
        services.opposition_step_record(opposition=o, actor=cast["lead"], kind="outcome", outcome="continue", text="x")
    with pytest.raises(ValidationError, match="date of the coordination meeting"):
        services.opposition_step_record(opposition=o, actor=cast["lead"], kind="meeting", text="x")
    services.opposition_step_record(opposition=o, actor=cast["lead"], kind="meeting", text="協調會",
                                    held_on=timezone.localdate())
    services.opposition_step_record(opposition=o, actor=cast["lead"], kind="outcome", outcome="modify",
                                    text="改為保留樹木")
    with pytest.raises(ValidationError, match="already has its outcome"):
        services.opposition_step_record(opposition=o, actor=cast["lead"], kind="outcome", outcome="continue",
                                        text="x")
    assert [c for c in agenda.waiting() if c.source == OPPOSITION] == []  # modify: the proposer, not the committee


@pytest.mark.parametrize("outcome", ["withdraw", "close_early"])
def test_withdrawal_or_early_closure_waits_for_the_committee(cast, cycle, project, outcome):
    o = _opposition(cast, project)
    services.opposition_step_record(opposition=o, actor=cast["district"], kind="meeting", text="協調會",
                                    held_on=timezone.localdate())
    services.opposition_step_record(opposition=o, actor=cast["district"], kind="outcome", outcome=outcome,
                                    text="地方強烈反對")
    (candidate,) = [c for c in agenda.waiting() if c.source == OPPOSITION]
    assert (candidate.ref, candidate.project_id) == (str(o.pk), project.pk)
    assert set(candidate.agency_ids) == project.agency_ids()
    meeting = services.meeting_plan(actor=cast["committee"], cycle=cycle, title="會議", held_on=timezone.localdate(),
                                    place="市府")
    item = meeting.items.get(source=OPPOSITION)
    services.item_decide(item=item, actor=cast["committee"], code="approve", reason="同意提早結案")
    assert [c for c in agenda.waiting() if c.source == OPPOSITION] == []
    assert selectors.opposition_committee_decision(o).code == "approve"


def test_the_outcome_links_to_the_change_request_with_a_fallback(project, monkeypatch):
    # tracking's change-request page (tracking:change_new) comes with the sign-off work; until then the project.
    from django.urls import NoReverseMatch

    def missing(name, args):
        raise NoReverseMatch(name)

    monkeypatch.setattr(selectors, "reverse", missing)
    assert selectors.change_request_url(project) == project.get_absolute_url()
    monkeypatch.setattr(selectors, "reverse", lambda name, args: f"/{name}/{args[0]}/")
    assert selectors.change_request_url(project) == f"/tracking:change_new/{project.pk}/"


def test_only_one_outcome_even_when_the_check_is_passed_twice(cast, project):
    o = _opposition(cast, project)
    services.opposition_step_record(opposition=o, actor=cast["district"], kind="meeting", text="協調會",
                                    held_on=timezone.localdate())
    OppositionStep.objects.create(opposition=o, kind="outcome", outcome="continue", text="x",
                                  recorded_by=cast["district"])
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError, match="opposition_one_outcome"), transaction.atomic():
        OppositionStep.objects.create(opposition=o, kind="outcome", outcome="withdraw", text="y",
                                      recorded_by=cast["district"])
