"""Writes for the side tracks: direct execution with the lead agency's statement, the assessment
report, exclusion categories and exclusion with a category. Each moves the proposal only through
`proposals.services.proposal_transition`, in the same transaction as its record."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pbcity.systext import both_languages, systext
from proposals import services as proposal_services
from proposals.models import Proposal

from .. import permissions as perm
from ..models import AssessmentReport, DirectExecutionStatement, ExclusionCategory, ExclusionRecord
from ..rules.sidetracks import direct_execution_statement_ok

__all__ = ["assessment_report_submit", "direct_execution_agree", "exclusion_category_save", "proposal_exclude"]


def _locked(proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=proposal.pk)


def direct_execution_agree(*, proposal: Proposal, actor, budget_covers: bool, finishable_this_year: bool,
                           budget_line: str, reason: str) -> Proposal:
    """The lead agency records its statement and agrees to direct execution (seed ch. 22)."""
    budget_line = (budget_line or "").strip()
    if not budget_line:
        raise ValidationError(_("Name the budget line that covers it."))
    if not direct_execution_statement_ok(budget_covers=budget_covers, finishable_this_year=finishable_this_year):
        raise ValidationError(_("Direct execution needs this year's budget to cover it and the work to be "
                                "finished this year; otherwise the proposal goes to the workshop."))
    with transaction.atomic():
        p = _locked(proposal)
        if not perm.can_agree_direct_execution(p, actor):
            raise PermissionDenied(_("Only the lead agency agrees to direct execution."))
        DirectExecutionStatement.objects.create(
            proposal=p, agency_id=p.lead_agency_id, budget_covers=budget_covers,
            finishable_this_year=finishable_this_year, budget_line=budget_line, recorded_by=actor,
        )
        return proposal_services.proposal_transition(
            proposal=p, actor=actor, transition_name="agree_direct_execution", reason=reason, preauthorised=True,
        )


def assessment_report_submit(*, proposal: Proposal, actor, findings: str, outcome: str) -> AssessmentReport:
    """The lead agency reports its city-wide assessment; the outcome moves the proposal on."""
    findings = (findings or "").strip()
    if not findings:
        raise ValidationError(_("Please enter the assessment's findings."))
    if outcome not in AssessmentReport.Outcome.values:
        raise ValidationError(_("Choose the assessment's outcome."))
    with transaction.atomic():
        p = _locked(proposal)
        if not perm.can_report_assessment(p, actor):
            raise PermissionDenied(_("Only the lead agency reports its assessment."))
        report = AssessmentReport.objects.create(proposal=p, agency_id=p.lead_agency_id, findings=findings,
                                                 outcome=outcome, submitted_by=actor)
        name = "execute_after_assessment" if outcome == AssessmentReport.Outcome.EXECUTE else "close_assessment"
        proposal_services.proposal_transition(
            proposal=p, actor=actor, transition_name=name, preauthorised=True,
            reason=systext("deliberation.assessment_report", findings=findings[:1500]),
        )
    return report


def exclusion_category_save(*, cycle, actor, name: str, name_en: str, explanation: str, active: bool = True,
                            category: ExclusionCategory | None = None) -> ExclusionCategory:
    """Civil affairs adds or edits one of the cycle's exclusion categories (history kept)."""
    if not perm.can_keep_principles(cycle, actor):
        raise PermissionDenied(_("Only civil affairs configures the exclusion categories."))
    cat = category or ExclusionCategory(cycle=cycle)
    if cat.cycle_id != cycle.pk:
        raise ValidationError(_("This category belongs to another cycle."))
    cat.name, cat.name_en, cat.explanation, cat.active = name.strip(), name_en.strip(), explanation.strip(), active
    cat._history_user = actor
    cat.full_clean()
    cat.save()
    return cat


def proposal_exclude(*, proposal: Proposal, actor, category: ExclusionCategory, reason: str) -> Proposal:
    """Exclude a proposal under one of its cycle's categories; the proposer sees category and reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please give a reason; it is kept in the public record."))
    with transaction.atomic():
        p = _locked(proposal)
        if not perm.can_exclude(p, actor):
            raise PermissionDenied(_("You may not exclude this proposal."))
        if category.cycle_id != p.cycle_id or not category.active:
            raise ValidationError(_("Choose one of this cycle's exclusion categories."))
        ExclusionRecord.objects.create(proposal=p, category=category, reason=reason, recorded_by=actor)
        return proposal_services.proposal_transition(
            proposal=p, actor=actor, transition_name="exclude", preauthorised=True,
            reason=systext("deliberation.excluded", category=both_languages(category.name, category.name_en),
                           reason=reason),
        )
