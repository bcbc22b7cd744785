"""Reads for pre-meetings, contests, contacts and the side tracks."""
from django.db.models import Prefetch
from django.utils import timezone

from pbcity.permissions import acts_as, role_assignments
from pbcity.roles import Role
from proposals.models import Proposal
from proposals.states import State

from ..models import (
    AgencyContact,
    AssessmentReport,
    DesignationContest,
    DesignationPrinciples,
    DirectExecutionStatement,
    ExclusionCategory,
    ExclusionRecord,
    PreMeeting,
)
from ..rules.sidetracks import assessment_due_date, assessment_overdue

__all__ = [
    "assessments_overdue", "contests_for", "premeeting_agenda", "premeeting_detail", "premeeting_list",
    "principles_for", "exclusion_categories", "proposal_deliberation_record",
    "opinions_awaited", "contests_awaiting_decision",
]


def premeeting_list(*, cycle=None):
    qs = PreMeeting.objects.select_related("cycle", "district")
    return qs.filter(cycle=cycle) if cycle is not None else qs


def premeeting_detail(*, pk: int) -> PreMeeting:
    return PreMeeting.objects.select_related("cycle", "district").prefetch_related("attending_agencies").get(pk=pk)


def premeeting_agenda(*, premeeting: PreMeeting) -> list[Proposal]:
    """Every proposal the district's assembly passed in this cycle (in whatever stage it is now)."""
    contests = Prefetch(
        "designation_contests",
        queryset=DesignationContest.objects.select_related("agency", "raised_by", "decision__new_lead"),
    )
    return list(
        Proposal.objects.filter(cycle_id=premeeting.cycle_id, district_id=premeeting.district_id,
                                transitions__transition="pass_assembly")
        .select_related("lead_agency", "merged_into")
        .prefetch_related("co_agencies", "proposers", contests)
        .distinct()
        .order_by("id")
    )


def principles_for(*, cycle):
    return DesignationPrinciples.objects.filter(cycle=cycle).select_related("updated_by").first()


def exclusion_categories(*, cycle, active_only: bool = True):
    qs = ExclusionCategory.objects.filter(cycle=cycle)
    return qs.filter(active=True) if active_only else qs


def contests_for(*, proposal):
    return list(
        DesignationContest.objects.filter(proposal=proposal)
        .select_related("agency", "raised_by", "decision__decided_by", "decision__new_lead", "decision__old_lead")
    )


def proposal_deliberation_record(*, proposal) -> dict:
    """Everything the deliberation stage recorded about one proposal."""
    from ..models import AgencyOpinion, ExpertSuggestion

    return {
        "contests": contests_for(proposal=proposal),
        "contacts": list(AgencyContact.objects.filter(proposal=proposal).select_related("agency", "recorded_by")),
        "statements": list(DirectExecutionStatement.objects.filter(proposal=proposal).select_related("agency",
                                                                                                       "recorded_by")),
        "assessment": AssessmentReport.objects.filter(proposal=proposal).select_related("agency", "submitted_by")
        .first(),
        "assessment_due": assessment_due_date(proposal.cycle.year),
        "exclusion": ExclusionRecord.objects.filter(proposal=proposal).select_related("category", "recorded_by")
        .first(),
        "opinions": list(AgencyOpinion.objects.filter(proposal=proposal).select_related("agency", "session",
                                                                                         "recorded_by")),
        "suggestions": list(ExpertSuggestion.objects.filter(proposal=proposal).select_related("expert", "session",
                                                                                               "recorded_by")),
    }


def assessments_overdue(*, user, today=None) -> list[Proposal]:
    """Proposals in assessment whose report is past 31 August: every one for committee members,
    the agency's own for agency staff."""
    today = today or timezone.localdate()
    agency_ids = [ra.agency_id for ra in role_assignments(user)
                  if ra.role == Role.AGENCY and acts_as(user, Role.AGENCY, agency_id=ra.agency_id)]
    qs = (Proposal.objects.filter(state=State.IN_ASSESSMENT, cycle__year__lt=today.year + 1)
          .exclude(assessment_reports__isnull=False)
          .select_related("cycle", "district", "lead_agency"))
    if not acts_as(user, Role.COMMITTEE):
        if not agency_ids:
            return []
        qs = qs.filter(lead_agency_id__in=agency_ids)
    rows = [p for p in qs.order_by("cycle__year", "district_id", "id")
            if assessment_overdue(cycle_year=p.cycle.year, today=today, reported=False)]
    for p in rows:
        p.assessment_due = assessment_due_date(p.cycle.year)
    return rows


def _acting_agency_ids(user) -> list:
    return [ra.agency_id for ra in role_assignments(user)
            if ra.role == Role.AGENCY and acts_as(user, Role.AGENCY, agency_id=ra.agency_id)]


def opinions_awaited(*, user) -> list[Proposal]:
    """Proposals in the workshop for which one of the user's agencies (lead or co) has given no opinion."""
    from django.db.models import Q

    from ..models import AgencyOpinion

    ids = _acting_agency_ids(user)
    if not ids:
        return []
    rows = (Proposal.objects.filter(Q(lead_agency_id__in=ids) | Q(co_agencies__in=ids), state=State.IN_WORKSHOP)
            .select_related("cycle", "district", "lead_agency").distinct().order_by("cycle__year", "district_id", "id"))
    given = set(AgencyOpinion.objects.filter(proposal__in=rows, agency_id__in=ids)
                .values_list("proposal_id", "agency_id"))
    out = []
    for p in rows:
        designated = {p.lead_agency_id, *p.co_agencies.values_list("id", flat=True)} & set(ids)
        if any((p.pk, a) not in given for a in designated):
            out.append(p)
    return out


def contests_awaiting_decision(*, user) -> list[DesignationContest]:
    """Contests in the user's districts (district office) that wait for a decision."""
    ids = [ra.district_id for ra in role_assignments(user)
           if ra.role == Role.DISTRICT_OFFICE and acts_as(user, Role.DISTRICT_OFFICE, district_id=ra.district_id)]
    if not ids:
        return []
    return list(DesignationContest.objects.filter(proposal__district_id__in=ids, decision__isnull=True)
                .select_related("proposal", "agency").order_by("raised_at", "id"))
