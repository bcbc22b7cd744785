"""The sign-off and question pages: public both sides, forms for the right people, clear errors, no 500."""
import datetime

import pytest
from django.utils import timezone, translation

from proposals import activity
from proposals.models import ProposalProposer
from tracking import services
from tracking.models import ChangeRequest, CouncillorQuestion


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_change_pages_forms_and_errors(cast, cycle, client):
    project = cast.executing(cycle)
    m = cast.milestone(project, title="遮陽棚施工")
    client.force_login(cast["lead"])
    url = f"/tracking/projects/{project.pk}/changes/new/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"kind": "milestone", "milestone": m.pk, "reason": "延後"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400  # nothing would change: a clear error, not a 500
    r = client.post(url, {"kind": "milestone", "milestone": m.pk, "reason": "颱風停工",
                          "new_planned_end": (m.planned_end + datetime.timedelta(days=14)).isoformat()})
    req = ChangeRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/tracking/changes/{req.pk}/"
    client.force_login(cast["other_agency"])
    assert client.get(url).status_code == 403

    client.force_login(cast.proposer)
    page = client.get(f"/tracking/changes/{req.pk}/").content.decode()
    assert "answer-agrees" in page  # the proposer's form
    assert client.post(f"/tracking/changes/{req.pk}/answer/", {"answer-agrees": "no"}).status_code == 400
    r = client.post(f"/tracking/changes/{req.pk}/answer/", {"answer-agrees": "no", "answer-reason": "太久"})
    assert r.status_code == 302
    client.logout()
    public = client.get(f"/tracking/projects/{project.pk}/").content.decode()
    assert "颱風停工" in public and "太久" in public
    assert "answer-agrees" not in client.get(f"/tracking/changes/{req.pk}/").content.decode()
    client.force_login(cast["resident"])
    assert client.post(f"/tracking/changes/{req.pk}/answer/", {"answer-agrees": "yes"}).status_code == 400


@pytest.mark.django_db
def test_office_form_waits_for_the_deadline(cast, cycle, client):
    project = cast.executing(cycle)
    walk_in = ProposalProposer.objects.create(proposal=project.proposal, name="里民乙", contact="02")
    req = services.change_propose(project=project, actor=cast["lead"], kind="close", reason="提早結案")
    client.force_login(cast["district"])
    assert "office-reason" not in client.get(f"/tracking/changes/{req.pk}/").content.decode()
    ChangeRequest.objects.filter(pk=req.pk).update(answer_due=timezone.localdate() - datetime.timedelta(days=1))
    assert "office-reason" in client.get(f"/tracking/changes/{req.pk}/").content.decode()
    r = client.post(f"/tracking/changes/{req.pk}/answer/", {"office-proposer": walk_in.pk, "office-agrees": "yes",
                                                            "office-reason": "多次聯繫未果"})
    assert r.status_code == 302 and req.answers.get().by_office
    assert "由區公所代為答覆（無法聯繫提案人）" in client.get(f"/tracking/projects/{project.pk}/").content.decode()


@pytest.mark.django_db
def test_question_pages(cast, cycle, client):
    project = cast.executing(cycle)
    client.force_login(cast["councillor"])
    assert "question-text" in client.get(f"/tracking/projects/{project.pk}/").content.decode()
    assert client.post(f"/tracking/projects/{project.pk}/questions/", {"question-text": " "}).status_code == 400
    r = client.post(f"/tracking/projects/{project.pk}/questions/", {"question-text": "何時完工？"})
    q = CouncillorQuestion.objects.get()
    assert r.status_code == 302
    client.force_login(cast["resident"])
    assert client.post(f"/tracking/projects/{project.pk}/questions/", {"question-text": "x"}).status_code == 403
    client.force_login(cast["lead"])
    r = client.post(f"/tracking/questions/{q.pk}/answer/", {f"qa{q.pk}-text": "預計明年三月完工。"})
    assert r.status_code == 302
    client.logout()
    page = client.get(f"/tracking/projects/{project.pk}/").content.decode()
    assert "何時完工？" in page and "預計明年三月完工。" in page


@pytest.mark.django_db
def test_a_proposers_answer_counts_as_taking_part(cast, cycle):
    project = cast.executing(cycle)
    req = services.change_propose(project=project, actor=cast["lead"], kind="close", reason="r")
    ans = services.change_answer(request=req, actor=cast.proposer, agrees=True)
    latest = activity.last_activity(user_id=cast.proposer.pk, proposal_ids=[project.proposal_id])
    assert latest[project.proposal_id] >= ans.answered_at
    assert "tracking.answers" in activity.sources() and "assemblies.attended" in activity.sources()
