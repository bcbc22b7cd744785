"""Projects built the way the platform builds them: through the lifecycle and tracking's services."""
import datetime
import io

from PIL import Image

from pbcity.roles import Role
from pbcity.tests.factories import staff
from proposals.models import Proposal
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast
from tracking import services
from tracking.models import Project


class TrackingCast(Cast):
    """The proposals Cast plus the tracking roles: lead agency, co-agency, another agency, no-MFA staff."""

    def __init__(self, district, other_district):
        super().__init__(district, other_district)
        self.people["lead_no_mfa"] = staff(Role.AGENCY, agency=self.lead_agency, mfa=False)
        self.people["civil"] = self.people["civil"]

    def project(self, cycle, state=State.BUDGETING) -> Project:
        """A project with the lead agency and one co-agency (budgeting) or the lead alone (direct execution)."""
        proposal = self.walk(cycle, state)
        return Project.objects.select_related("proposal").get(proposal=proposal)

    def executing(self, cycle) -> Project:
        project = self.project(cycle)
        services.project_transition(project=project, actor=self["lead"], transition_name="start_execution",
                                    reason="預算已核定")
        return Project.objects.select_related("proposal").get(pk=project.pk)

    def milestone(self, project, who="lead", **fields):
        defaults = {"title": f"里程碑-{who}", "planned_end": datetime.date.today() + datetime.timedelta(days=60)}
        return services.milestone_create(project=project, actor=self[who], reason="規劃", **{**defaults, **fields})


def png_upload(name="photo.png", color=(200, 80, 40)):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buf = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def refresh(project) -> Project:
    return Project.objects.select_related("proposal").get(pk=project.pk)


def state_of(project) -> str:
    return Proposal.objects.get(pk=project.proposal_id).state


def close_through_committee(cast, project, *, kind="withdraw", reason="里民會議決議撤案", meeting_item_id=1):
    """The only way a project in execution ends early: the lead agency asks, every proposer consents, the
    committee approves at a meeting (docs/decisions.md, "Accountability: sign-off, contacts, questions")."""
    req = services.change_propose(project=project, actor=cast["lead"], kind=kind, reason=reason)
    services.change_answer(request=req, actor=cast.proposer, agrees=True)
    return services.closure_decide(ref=str(req.pk), decision="approve", reason=reason, by=cast["committee"],
                                   meeting_item_id=meeting_item_id)
