"""Every write to a project goes through here: permission, change, save, who and why, side effects."""
import csv
import datetime
import io
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pbcity.models import Agency, Cycle
from pbcity.permissions import acts_as
from pbcity.roles import Role
from pbcity.systext import systext
from pbcity.tasks import enqueue
from pbcity.uploads import IMAGE_EXTENSIONS, upload_sanitise
from pbcity.validators import validate_multi_line
from places import rules as place_rules
from places.services import place_change_record
from proposals import services as proposal_services
from proposals.states import State

from . import permissions as perm
from . import rules
from .models import (
    BudgetFigure,
    ChangeAnswer,
    ChangeRequest,
    CommitteeNote,
    CouncilDecision,
    CouncillorQuestion,
    CycleTracking,
    Difficulty,
    DifficultyRecord,
    Evidence,
    FinalReport,
    FinalReportPhoto,
    Milestone,
    Project,
    QuestionAnswer,
)

# Transitions that start a project, and the budget path each implies (docs/decisions.md, "Tracking").
PROJECT_STARTS = {
    "agree_direct_execution": Project.BudgetPath.CURRENT_YEAR,  # direct execution needs this year's budget
    "execute_after_assessment": Project.BudgetPath.CURRENT_YEAR,
    "notify_agencies": Project.BudgetPath.NEXT_YEAR,  # admitted by the vote: the usual path is next year's budget
}
# Transitions a project page offers; each keeps the proposals app's own predicate. Withdrawal and early
# closure during execution go through a closure request, the proposers' consent and the committee
# (closure_decide); the proposals app refuses them by hand.
PROJECT_TRANSITIONS = ("start_execution",)


def _require(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    validate_multi_line(text)
    return text


def _reason(reason: str) -> str:
    return _require(reason, _("Please say why; it is kept with the change."))


def _touch(project: Project) -> None:
    Project.objects.filter(pk=project.pk).update(last_activity_at=timezone.now())


def cycle_tracking(*, cycle: Cycle) -> CycleTracking:
    """The cycle's tracking knobs, created with their defaults on first use."""
    try:
        with transaction.atomic():
            return CycleTracking.objects.get_or_create(cycle=cycle)[0]
    except IntegrityError:  # created by a concurrent first use
        return CycleTracking.objects.get(cycle=cycle)


# -- projects are created by the lifecycle ----------------------------------------------

def project_open_for(*, proposal, log, actor) -> Project | None:
    """Called inside the transition's transaction (tracking/receivers.py). Idempotent per proposal."""
    if log.transition not in PROJECT_STARTS:
        return None
    project = Project.objects.filter(proposal=proposal).first()
    if project is None:
        project = Project(proposal=proposal, lead_agency=proposal.lead_agency, created_by_transition=log,
                          budget_path=PROJECT_STARTS[log.transition])
        project._history_user = actor
        project._change_reason = str(log.reason)  # simple_history keeps the sentence, not the code
        project.save()
        project.co_agencies.set(proposal.co_agencies.all())
    if log.transition == "notify_agencies" or project.agencies_notified_at is None:
        # Civil affairs' notification (or, on the side tracks, the lead agency's own agreement) is the
        # moment the agencies are on record as told.
        project.agencies_notified_at = log.created_at
        project.agencies_notified_by = actor
        project._history_user = actor
        project._change_reason = str(log.reason)  # simple_history keeps the sentence, not the code
        project.save(update_fields=["agencies_notified_at", "agencies_notified_by"])
        enqueue("tracking.tasks.agencies_notify", project.pk)
    return project


def project_transition(*, project: Project, actor, transition_name: str, reason: str) -> Project:
    """Start execution (withdrawal and early closure during execution: closure_decide only)."""
    if transition_name in ("withdraw", "close_early"):
        raise PermissionDenied(_("Withdrawal and early closure need every proposer's consent and the committee's "
                                 "approval: propose them as a change."))
    if transition_name not in PROJECT_TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    proposal_services.proposal_transition(
        proposal=project.proposal, actor=actor, transition_name=transition_name, reason=reason
    )
    _touch(project)
    return Project.objects.select_related("proposal").get(pk=project.pk)


# -- milestones ---------------------------------------------------------------------------

_MILESTONE_FIELDS = Milestone.EDITABLE_FIELDS


def _clean_milestone(m: Milestone) -> None:
    if m.status == Milestone.Status.DONE:
        m.percent = 100
        m.actual_end = m.actual_end or timezone.localdate()
    if m.percent is not None and m.percent > 100:
        raise ValidationError({"percent": _("Percent done is between 0 and 100.")})
    if m.planned_start and m.planned_end and m.planned_start > m.planned_end:
        raise ValidationError({"planned_end": _("The planned completion cannot be before the planned start.")})
    if m.actual_start and m.actual_end and m.actual_start > m.actual_end:
        raise ValidationError({"actual_end": _("The actual completion cannot be before the actual start.")})
    m.full_clean(exclude=["project", "agency", "updated_by", "last_update_on"], validate_constraints=False)


def _agency_for(project: Project, actor, agency: Agency | None) -> Agency:
    """The agency the actor acts for on this project (their own, and on the project)."""
    ids = project.agency_ids()
    if agency is not None:
        if agency.pk in ids and acts_as(actor, Role.AGENCY, agency_id=agency.pk):
            return agency
        raise PermissionDenied(_("You may only plan milestones for your own agency on this project."))
    mine = [a for a in ids if acts_as(actor, Role.AGENCY, agency_id=a)]
    if not mine:
        raise PermissionDenied(_("Only the agencies working on this project may plan its milestones."))
    return Agency.objects.get(pk=project.lead_agency_id if project.lead_agency_id in mine else mine[0])


def milestone_create(*, project: Project, actor, reason: str, agency: Agency | None = None, **fields) -> Milestone:
    reason = _reason(reason)
    unknown = set(fields) - set(_MILESTONE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("proposal").get(pk=project.pk)
        if not perm.can_add_milestone(project, actor):
            raise PermissionDenied(_("Only the agencies working on this open project may plan its milestones."))
        agency = _agency_for(project, actor, agency)
        m = Milestone(project=project, agency=agency, updated_by=actor, last_update_on=timezone.localdate(), **fields)
        _clean_milestone(m)
        if Milestone.objects.filter(project=project, agency=agency, title=m.title).exists():
            raise ValidationError({"title": _("Your agency already has a milestone with this title.")})
        m._history_user = actor
        m._change_reason = reason
        m.save()
        _touch(project)
    return m


def milestone_update(*, milestone: Milestone, actor, reason: str, **changes) -> Milestone:
    """Any change (even only re-confirming the plan) counts as the agency's update and clears an overdue flag."""
    reason = _reason(reason)
    unknown = set(changes) - set(_MILESTONE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        m = Milestone.objects.select_for_update().select_related("project__proposal").get(pk=milestone.pk)
        if not perm.can_edit_milestone(m, actor):
            raise PermissionDenied(_("Only staff of the milestone's own agency may update it."))
        _refuse_signoff_fields(m, changes)
        for f, v in changes.items():
            setattr(m, f, v)
        _clean_milestone(m)
        if Milestone.objects.filter(project=m.project, agency=m.agency, title=m.title).exclude(pk=m.pk).exists():
            raise ValidationError({"title": _("Your agency already has a milestone with this title.")})
        m.last_update_on = timezone.localdate()
        m.updated_by = actor
        m._history_user = actor
        m._change_reason = reason
        m.save()
        _touch(m.project)
        # Its followers and proposers hear of it (pbcity notifications, each person's way).
        enqueue("tracking.tasks.milestone_progress_notify", m.pk, m.history.latest().history_id)
    return m


# A milestone's scope (its title) and date change only through the proposers' sign-off (change_propose).
SIGNOFF_FIELDS = ("title", "planned_end")


def _refuse_signoff_fields(m: Milestone, changes: dict) -> None:
    changed = [f for f in SIGNOFF_FIELDS if f in changes and changes[f] != getattr(m, f)]
    if changed:
        raise ValidationError(_("A milestone's title (scope) and planned completion change only with the "
                                "proposers' sign-off: propose the change on the project page."))


def evidence_add(*, milestone: Milestone, actor, upload, alt_text: str = "") -> Evidence:
    """A photo (with a description for people who cannot see it) or a PDF, sanitised like attachments."""
    if not perm.can_edit_milestone(milestone, actor):
        raise PermissionDenied(_("Only staff of the milestone's own agency may add evidence."))
    clean = upload_sanitise(upload)
    content_type = clean.content_type
    alt_text = (alt_text or "").strip()
    if content_type.startswith("image/") and not alt_text:
        raise ValidationError({"alt_text": _("Describe the photo for people who cannot see it.")})
    with transaction.atomic():
        ev = Evidence.objects.create(
            milestone=milestone, file=clean, original_name=Path(upload.name).name[:200], content_type=content_type,
            size=clean.size, alt_text=alt_text[:300], uploaded_by=actor,
        )
        _touch(milestone.project)
    return ev


# -- CSV import and export ----------------------------------------------------------------

CSV_COLUMNS = list(Milestone.EDITABLE_FIELDS)


def _date(value: str, column: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("%(col)s: “%(v)s” is not a date (YYYY-MM-DD).") % {"col": column, "v": value[:40]})


def _int(value: str, column: str, default: int) -> int:
    value = (value or "").strip()
    if not value:
        return default
    try:
        n = int(value)
    except ValueError:
        raise ValidationError(_("%(col)s: “%(v)s” is not a whole number.") % {"col": column, "v": value[:40]})
    if n < 0 or n > 32767:
        raise ValidationError(_("%(col)s: %(v)s is out of range.") % {"col": column, "v": n})
    return n


def _row_fields(row: dict) -> dict:
    status = (row.get("status") or "").strip() or Milestone.Status.NOT_STARTED
    if status not in Milestone.Status.values:
        raise ValidationError(
            _("status: “%(v)s” is not one of %(choices)s.")
            % {"v": status[:40], "choices": ", ".join(Milestone.Status.values)}
        )
    planned_end = _date(row.get("planned_end"), "planned_end")
    if planned_end is None:
        raise ValidationError(_("planned_end: a planned completion date is required."))
    title = (row.get("title") or "").strip()
    if not title:
        raise ValidationError(_("title: a title is required."))
    return {
        "title": title, "weight": _int(row.get("weight"), "weight", 1),
        "planned_start": _date(row.get("planned_start"), "planned_start"), "planned_end": planned_end,
        "actual_start": _date(row.get("actual_start"), "actual_start"),
        "actual_end": _date(row.get("actual_end"), "actual_end"), "status": status,
        "percent": _int(row.get("percent"), "percent", 0),
        "public_note": _note(row.get("public_note"), "public_note"),
        "staff_note": _note(row.get("staff_note"), "staff_note"),
    }


def _note(value, column: str) -> str:
    value = (value or "").strip()
    try:
        validate_multi_line(value)
    except ValidationError as exc:
        raise ValidationError(f"{column}: {exc.messages[0]}") from None
    return value


class ImportErrors(ValidationError):
    """Row-level errors of a CSV import: `rows` is [(line number, message)]."""

    def __init__(self, rows):
        self.rows = rows
        super().__init__([_("Line %(n)d: %(msg)s") % {"n": n, "msg": msg} for n, msg in rows])


MAX_IMPORT_ROWS = 500
# A milestone line is a title, dates and two notes; a longer line is not one (and a field over the csv
# module's limit once gave a 500).
MAX_IMPORT_LINE_CHARS = 20_000


def _import_text(data: bytes) -> str:
    """The uploaded CSV as text, or a ValidationError naming the line (never a 500)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ValidationError(_("The file is UTF-16 text. Save it from your spreadsheet as “CSV UTF-8”."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("Line %(n)d is not UTF-8 text. Save the file from your spreadsheet as “CSV UTF-8”.")
                              % {"n": data[: exc.start].count(b"\n") + 1}) from None
    for n, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_IMPORT_LINE_CHARS:
            raise ValidationError(_("Line %(n)d is longer than %(max)d characters.")
                                  % {"n": n, "max": MAX_IMPORT_LINE_CHARS})
        if "\x00" in line:
            raise ValidationError(_("Line %(n)d contains a NUL character; it is not a CSV file.") % {"n": n})
    return text


def _csv_dict_rows(reader: csv.DictReader):
    """(line, row) pairs; a malformed CSV line is a ValidationError naming it."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValidationError(_("Line %(n)d is not valid CSV (%(error)s).")
                                  % {"n": reader.line_num, "error": exc}) from None
        yield reader.line_num, row


def milestones_import(*, project: Project, actor, data: bytes, reason: str, project_ref: str = "") -> dict:
    """Create or update the actor's agency's milestones from a CSV (by title). All rows or none.

    `project_ref` is the project number written in the file (export adds it); a file made for another
    project is refused as a whole.
    """
    reason = _reason(reason)
    if not perm.can_import_milestones(project, actor):
        raise PermissionDenied(_("Only the agencies working on this open project may import its milestones."))
    agency = _agency_for(project, actor, None)
    reader = csv.DictReader(io.StringIO(_import_text(data)))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ValidationError(_("Line %(n)d is not valid CSV (%(error)s).") % {"n": 1, "error": exc}) from None
    reader.fieldnames = header
    missing = [c for c in ("title", "planned_end") if c not in header]
    if missing:
        raise ValidationError(_("The file has no column: %(cols)s.") % {"cols": ", ".join(missing)})
    errors, parsed, seen = [], [], set()
    for number, (line, row) in enumerate(_csv_dict_rows(reader), start=1):
        if number > MAX_IMPORT_ROWS:
            raise ValidationError(_("At most %(n)d rows can be imported at once.") % {"n": MAX_IMPORT_ROWS})
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        ref = (row.get("project") or "").strip()
        if ref and ref != str(project.pk):
            raise PermissionDenied(
                _("Line %(n)d belongs to project %(ref)s, not this one: the file was refused.")
                % {"n": line, "ref": ref[:20]}
            )
        row_agency = (row.get("agency") or "").strip()
        if row_agency and row_agency != agency.code:
            errors.append((line, _("agency: rows can only be for your own agency (%(code)s).") % {"code": agency.code}))
            continue
        try:
            fields = _row_fields(row)
            m = Milestone(project=project, agency=agency, updated_by=actor, last_update_on=timezone.localdate(),
                          **fields)
            _clean_milestone(m)
        except ValidationError as exc:
            errors.extend((line, msg) for msg in exc.messages)
            continue
        if fields["title"] in seen:
            errors.append((line, _("title: “%(t)s” appears twice in the file.") % {"t": fields["title"][:60]}))
            continue
        seen.add(fields["title"])
        parsed.append((line, fields))
    if errors:
        raise ImportErrors(errors)
    if not parsed:
        raise ValidationError(_("The file has no milestones."))
    created, updated = _milestones_save(project=project, agency=agency, actor=actor, parsed=parsed, reason=reason)
    return {"created": created, "updated": updated}


def _milestones_save(*, project, agency, actor, parsed, reason) -> tuple[int, int]:
    """Write the checked rows (matched by title) in one transaction: (created, updated)."""
    created = updated = 0
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("proposal").get(pk=project.pk)
        if not perm.can_import_milestones(project, actor):
            raise PermissionDenied(_("Only the agencies working on this open project may import its milestones."))
        existing = {m.title: m for m in Milestone.objects.select_for_update().filter(project=project, agency=agency)}
        for _line, fields in parsed:
            m = existing.get(fields["title"])
            if m is None:
                m = Milestone(project=project, agency=agency, updated_by=actor, last_update_on=timezone.localdate())
                created += 1
            else:
                _refuse_signoff_fields(m, fields)
                updated += 1
            for f, v in fields.items():
                setattr(m, f, v)
            _clean_milestone(m)
            m.updated_by = actor
            m.last_update_on = timezone.localdate()
            m._history_user = actor
            m._change_reason = reason
            m.save()
        _touch(project)
    return created, updated


# -- budget ---------------------------------------------------------------------------------

def budget_figure_record(*, project: Project, actor, kind: str, amount: int, as_of, note: str = "") -> BudgetFigure:
    """Planned, committed or executed: the lead agency. Approved amounts come from the council decision
    (next year's budget) or, on this year's budget, from the lead agency too."""
    if kind not in BudgetFigure.Kind.values:
        raise ValidationError(_("Unknown budget figure."))
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("Enter an amount of 0 or more.")})
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("proposal").get(pk=project.pk)
        if not perm.can_record_budget(project, actor):
            raise PermissionDenied(_("Only the lead agency records the project's budget figures."))
        if kind == BudgetFigure.Kind.APPROVED and project.budget_path == Project.BudgetPath.NEXT_YEAR:
            raise ValidationError(_("On next year's budget the approved amount comes from the council's decision."))
        if kind == BudgetFigure.Kind.APPROVED and rules.budget_change_needs_signoff(
                current=_current_approved(project), new=amount,
                limit_percent=cycle_tracking(cycle=project.proposal.cycle).variance_percent):
            raise ValidationError(_("This changes the approved amount beyond the cycle's variance limit: propose "
                                    "it to the proposers as a change on the project page."))
        fig = BudgetFigure.objects.create(project=project, kind=kind, amount=amount, as_of=as_of,
                                          note=(note or "").strip()[:300], recorded_by=actor)
        _touch(project)
    return fig


def budget_path_set(*, project: Project, actor, path: str, reason: str) -> Project:
    reason = _reason(reason)
    if path not in Project.BudgetPath.values:
        raise ValidationError(_("Unknown budget path."))
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("proposal").get(pk=project.pk)
        if not perm.can_record_budget(project, actor):
            raise PermissionDenied(_("Only the lead agency decides the project's budget path."))
        if project.council_decisions.exists() and path != project.budget_path:
            raise ValidationError(_("The council has decided on this budget; the path can no longer change."))
        project.budget_path = path
        project._history_user = actor
        project._change_reason = reason
        project.save(update_fields=["budget_path"])
        _touch(project)
    return project


def council_decision_record(*, project: Project, actor, outcome: str, decided_on, cut_amount=None,
                            note: str = "") -> CouncilDecision:
    """Civil affairs records the council's decision; the approved figure follows from it."""
    if outcome not in CouncilDecision.Outcome.values:
        raise ValidationError(_("Unknown decision."))
    if outcome == CouncilDecision.Outcome.CUT and not cut_amount:
        raise ValidationError({"cut_amount": _("Enter the amount the council cut.")})
    if outcome != CouncilDecision.Outcome.CUT:
        cut_amount = None
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("proposal").get(pk=project.pk)
        if not perm.can_record_council_decision(project, actor):
            raise PermissionDenied(_("Only civil affairs records the council's decision."))
        if project.budget_path != Project.BudgetPath.NEXT_YEAR:
            raise ValidationError(_("Only projects on next year's budget go to the council."))
        planned = (project.budget_figures.filter(kind=BudgetFigure.Kind.PLANNED).order_by("-recorded_at", "-id")
                   .values_list("amount", flat=True).first())
        if planned is None:
            raise ValidationError(_("The lead agency has not yet recorded a planned amount."))
        decision = CouncilDecision.objects.create(project=project, outcome=outcome, cut_amount=cut_amount,
                                                  decided_on=decided_on, note=(note or "").strip()[:300],
                                                  recorded_by=actor)
        BudgetFigure.objects.create(
            project=project, kind=BudgetFigure.Kind.APPROVED, as_of=decided_on, recorded_by=actor,
            amount=rules.approved_after_decision(outcome=outcome, planned=planned, cut_amount=cut_amount),
            note=decision.get_outcome_display(),
        )
        _touch(project)
    return decision


# -- difficulties and disputes -----------------------------------------------------------------

def difficulty_raise(*, project: Project, actor, kind: str, summary: str, details: str) -> Difficulty:
    summary = _require(summary, _("Please give a short summary."))
    details = _require(details, _("Please describe the difficulty."))
    if kind not in Difficulty.Kind.values:
        raise ValidationError(_("Unknown kind."))
    if not perm.can_raise_difficulty(project, actor):
        raise PermissionDenied(_("Only the agencies working on this open project may raise a difficulty."))
    agency = _agency_for(project, actor, None)
    with transaction.atomic():
        d = Difficulty(project=project, kind=kind, summary=summary[:200], details=details, agency=agency,
                       raised_by=actor)
        d._history_user = actor
        d.save()
        _touch(project)
    enqueue("tracking.tasks.difficulty_notify", d.pk)
    return d


def difficulty_record(*, difficulty: Difficulty, actor, kind: str, text: str, held_on=None) -> DifficultyRecord:
    """Advice, a coordination meeting (with its date) or the outcome, which resolves the difficulty."""
    text = _require(text, _("Please write down the advice, the meeting or the outcome."))
    if kind not in DifficultyRecord.Kind.values:
        raise ValidationError(_("Unknown record."))
    if kind == DifficultyRecord.Kind.MEETING and held_on is None:
        raise ValidationError({"held_on": _("Give the date of the meeting.")})
    with transaction.atomic():
        d = Difficulty.objects.select_for_update().select_related("project").get(pk=difficulty.pk)
        if not perm.can_respond_difficulty(d, actor):
            raise PermissionDenied(_("Only the committee or the lead agency may record advice and coordination."))
        if d.resolved_at is not None:
            raise ValidationError(_("This difficulty is already resolved."))
        rec = DifficultyRecord.objects.create(difficulty=d, kind=kind, text=text, held_on=held_on, recorded_by=actor)
        if kind == DifficultyRecord.Kind.OUTCOME:
            d.resolved_at = timezone.now()
            d._history_user, d._change_reason = actor, _("Resolved by its outcome")
            d.save(update_fields=["resolved_at"])
        _touch(d.project)
    return rec


# -- completion ------------------------------------------------------------------------------

def project_complete(*, project: Project, actor, text: str, final_cost: int, photos=(),
                     reason: str = "") -> FinalReport:
    """Publish the final report (text, photos with descriptions, final cost) and complete the project.

    The proposals app's `complete` predicate refuses every manual path; this is the only way.
    """
    text = _require(text, _("The final report needs its text."))
    if final_cost is None or final_cost < 0:
        raise ValidationError({"final_cost": _("Enter the final cost.")})
    photos = list(photos)
    if not photos:
        raise ValidationError(_("The final report needs at least one photo."))
    checked = []
    for upload, alt in photos:
        clean = upload_sanitise(upload, allowed=IMAGE_EXTENSIONS)
        alt = (alt or "").strip()
        if not alt:
            raise ValidationError(_("Describe each photo for people who cannot see it."))
        checked.append((clean, clean.content_type, alt[:300]))
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("proposal").get(pk=project.pk)
        if not perm.can_complete(project, actor):
            raise PermissionDenied(_("Only the lead agency completes a project in execution."))
        open_ms = project.milestones.exclude(status__in=rules.CLOSED).count()
        if open_ms:
            raise ValidationError(
                _("%(n)d milestones are still open: mark them done or cancelled first.") % {"n": open_ms}
            )
        report = FinalReport.objects.create(project=project, text=text, final_cost=final_cost, submitted_by=actor)
        for upload, content_type, alt in checked:
            FinalReportPhoto.objects.create(report=report, file=upload, content_type=content_type, alt_text=alt)
        BudgetFigure.objects.create(project=project, kind=BudgetFigure.Kind.EXECUTED, amount=final_cost,
                                    as_of=timezone.localdate(), recorded_by=actor, note=_("Final cost"))
        proposal_services.proposal_transition(
            proposal=project.proposal, actor=actor, transition_name="complete",
            reason=(reason or "").strip() or systext("tracking.final_report"), preauthorised=True,
        )
        _touch(project)
    return report


def projects_backfill() -> int:
    """Open the projects of proposals that entered execution before tracking existed (demo data, upgrades).

    Uses each proposal's own transition log, so the project looks as if the receiver had made it.
    """
    from proposals.models import Proposal, TransitionLog

    made = 0
    states = (State.DIRECT_EXECUTION, State.BUDGETING, State.IN_EXECUTION)
    for proposal in Proposal.objects.filter(state__in=states, project__isnull=True, lead_agency__isnull=False):
        log = (TransitionLog.objects.filter(proposal=proposal, transition__in=PROJECT_STARTS)
               .order_by("created_at", "id").first())
        if log is None:
            continue
        with transaction.atomic():
            project_open_for(proposal=proposal, log=log, actor=log.actor)
        made += 1
    return made


# -- the proposers' sign-off (docs/decisions.md, "Accountability: sign-off, contacts, questions") -----------

def _proposers(project: Project) -> list:
    from proposals.selectors import proposal_proposers

    return proposal_proposers(project.proposal)


def _current_approved(project: Project) -> int | None:
    return (project.budget_figures.filter(kind=BudgetFigure.Kind.APPROVED).order_by("-recorded_at", "-id")
            .values_list("amount", flat=True).first())


def change_propose(*, project: Project, actor, kind: str, reason: str, milestone: Milestone | None = None,
                   new_title: str = "", new_planned_end=None, new_amount: int | None = None) -> ChangeRequest:
    """The lead agency proposes a change; it waits for every proposer's answer until the cycle's deadline."""
    reason = _reason(reason)
    if kind not in ChangeRequest.Kind.values:
        raise ValidationError(_("Unknown change."))
    new_title = (new_title or "").strip()
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("proposal__cycle").get(pk=project.pk)
        if not perm.can_propose_change(project, actor):
            raise PermissionDenied(_("Only the lead agency of this open project may propose a change."))
        knobs = cycle_tracking(cycle=project.proposal.cycle)
        old = ""
        if kind == ChangeRequest.Kind.MILESTONE:
            if milestone is None or milestone.project_id != project.pk:
                raise ValidationError({"milestone": _("Choose a milestone of this project.")})
            milestone = Milestone.objects.get(pk=milestone.pk)
            if new_title == milestone.title:
                new_title = ""
            if new_planned_end == milestone.planned_end:
                new_planned_end = None
            if not new_title and new_planned_end is None:
                raise ValidationError(_("Give a new date or a new title: nothing would change."))
            if milestone.planned_start and new_planned_end and new_planned_end < milestone.planned_start:
                raise ValidationError(
                    {"new_planned_end": _("The planned completion cannot be before the planned start.")})
            old = f"{milestone.title} · {milestone.planned_end.isoformat()}"
        elif kind == ChangeRequest.Kind.BUDGET:
            milestone = None
            if new_amount is None or new_amount < 0:
                raise ValidationError({"new_amount": _("Enter an amount of 0 or more.")})
            current = _current_approved(project)
            if not rules.budget_change_needs_signoff(current=current, new=new_amount,
                                                     limit_percent=knobs.variance_percent):
                raise ValidationError(_("This change is within the cycle's variance limit (%(n)d%%): record the "
                                        "figure directly.") % {"n": knobs.variance_percent})
            old = str(current)
        else:
            milestone, new_amount = None, None
        if not _proposers(project):
            raise ValidationError(_("This proposal has no proposers to sign off."))
        req = ChangeRequest(project=project, kind=kind, milestone=milestone, new_title=new_title[:120],
                            new_planned_end=new_planned_end, new_amount=new_amount, old_value=old[:200],
                            reason=reason, proposed_by=actor,
                            answer_due=timezone.localdate() + datetime.timedelta(days=knobs.signoff_days))
        req._history_user = actor
        try:
            with transaction.atomic():
                req.save()
        except IntegrityError:
            raise ValidationError(_("A change of this kind is already waiting for an answer or a decision."))
        _touch(project)
        enqueue("tracking.tasks.change_notify", req.pk)
    return req


def change_answer(*, request: ChangeRequest, actor, agrees: bool, reason: str = "",
                  proposer=None) -> ChangeAnswer:
    """A proposer agrees or disagrees (with a reason). The district office may answer for a proposer who
    cannot be reached, with a reason, only after the deadline; its answer is marked as the office's."""
    reason = (reason or "").strip()
    if reason:
        validate_multi_line(reason)
    with transaction.atomic():
        req = ChangeRequest.objects.select_for_update().select_related("project__proposal").get(pk=request.pk)
        proposers = _proposers(req.project)
        if proposer is None:
            proposer = next((pp for pp in proposers if pp.user_id and pp.user_id == getattr(actor, "pk", None)), None)
            if proposer is None:
                raise PermissionDenied(_("Only the proposers, or the district office for one of them, may answer."))
        elif proposer.pk not in {pp.pk for pp in proposers}:
            raise ValidationError(_("This person is not a proposer of the project."))
        by_office = not perm.can_answer_change(req, actor, proposer)
        if by_office:
            if not perm.can_answer_for_proposer(req, actor):
                if req.status != ChangeRequest.Status.PENDING:
                    raise ValidationError(_("This change is no longer waiting for answers."))
                raise PermissionDenied(_("Only the proposer, or the district office for them, may answer."))
            if not rules.office_may_answer(today=timezone.localdate(), answer_due=req.answer_due):
                raise ValidationError(_("The district office may answer for a proposer only after the deadline "
                                        "(%(d)s).") % {"d": req.answer_due.isoformat()})
            if not reason:
                raise ValidationError({"reason": _("Say how you tried to reach the proposer; it is kept on record.")})
        if not agrees and not reason:
            raise ValidationError({"reason": _("Please say why you disagree; the committee reads it.")})
        if req.answers.filter(proposer=proposer).exists():
            raise ValidationError(_("This proposer has already answered."))
        ans = ChangeAnswer.objects.create(request=req, proposer=proposer, agrees=agrees, reason=reason,
                                          by_office=by_office, answered_by=actor)
        _settle(req, actor, n=len(proposers))
        _touch(req.project)
    return ans


def _settle(req: ChangeRequest, actor, *, n: int) -> None:
    outcome = rules.signoff_outcome(answers=req.answers.values_list("agrees", flat=True), proposers=n)
    if outcome == rules.PENDING:
        return
    if outcome == rules.DISPUTED:
        _set_status(req, actor, ChangeRequest.Status.DISPUTED, _("A proposer disagrees: to the committee"))
        enqueue("tracking.tasks.change_disputed_notify", req.pk)
    elif req.is_closure:
        _set_status(req, actor, ChangeRequest.Status.CONSENTED, _("The proposers agree: to the committee"))
    else:
        _apply(req, actor, _("Agreed by every proposer"))


def _set_status(req: ChangeRequest, actor, status: str, why: str, **fields) -> None:
    req.status = status
    for f, v in fields.items():
        setattr(req, f, v)
    req._history_user, req._change_reason = actor, str(why)
    req.save()


def _apply(req: ChangeRequest, actor, why: str) -> None:
    """Carry out an agreed (or committee-approved) milestone or budget change."""
    if req.kind == ChangeRequest.Kind.MILESTONE:
        m = Milestone.objects.select_for_update().get(pk=req.milestone_id)
        if req.new_title:
            m.title = req.new_title
        if req.new_planned_end:
            m.planned_end = req.new_planned_end
        _clean_milestone(m)
        m.last_update_on = timezone.localdate()
        m.updated_by = actor
        m._history_user, m._change_reason = actor, f"{why} (#{req.pk})"
        try:
            with transaction.atomic():
                m.save()
        except IntegrityError:
            raise ValidationError(_("The agency already has a milestone with this title."))
    elif req.kind == ChangeRequest.Kind.BUDGET:
        BudgetFigure.objects.create(project=req.project, kind=BudgetFigure.Kind.APPROVED, amount=req.new_amount,
                                    as_of=timezone.localdate(), recorded_by=actor,
                                    note=(_("Change #%(n)d: %(why)s") % {"n": req.pk, "why": why})[:300])
    _set_status(req, actor, ChangeRequest.Status.APPLIED, why, applied_at=timezone.now())


DECISIONS = {"approve", "reject", "return"}


def _decision_checks(*, decision: str, reason: str, by, meeting_item_id) -> str:
    if decision not in DECISIONS:
        raise ValidationError(_("Unknown decision."))
    if not perm.can_decide_at_meeting(by):
        raise PermissionDenied(_("Only the committee records its decisions."))
    if not isinstance(meeting_item_id, int) or isinstance(meeting_item_id, bool):
        raise ValidationError(_("A committee decision is recorded at a meeting, with its agenda item."))
    return _require(reason, _("Please give the committee's reason; it is published."))


def _decided(req, by, decision, reason, meeting_item_id) -> dict:
    return {"decision": decision, "decision_reason": reason, "decided_by": by, "decided_at": timezone.now(),
            "meeting_item_id": meeting_item_id}


def _locked_request(ref) -> ChangeRequest:
    try:
        return ChangeRequest.objects.select_for_update().select_related("project__proposal").get(pk=int(ref))
    except (ValueError, TypeError, ChangeRequest.DoesNotExist):
        raise ValidationError(_("Unknown agenda item.")) from None


def change_decide(*, ref, decision: str, reason: str, by, meeting_item_id, due=None, agencies=()) -> ChangeRequest:
    """Agenda source "tracking.change": the committee approves (applies), rejects or returns a disputed change."""
    reason = _decision_checks(decision=decision, reason=reason, by=by, meeting_item_id=meeting_item_id)
    with transaction.atomic():
        req = _locked_request(ref)
        if req.is_closure:
            raise ValidationError(_("A withdrawal or closure is decided as a closure request."))
        if req.status != ChangeRequest.Status.DISPUTED:
            raise ValidationError(_("Only a disputed change waits for the committee."))
        fields = _decided(req, by, decision, reason, meeting_item_id)
        if decision == "approve":
            for f, v in fields.items():
                setattr(req, f, v)
            _apply(req, by, _("Approved by the committee"))
        else:
            status = ChangeRequest.Status.REJECTED if decision == "reject" else ChangeRequest.Status.RETURNED
            _set_status(req, by, status, reason, **fields)
        _touch(req.project)
    enqueue("tracking.tasks.change_decided_notify", req.pk)
    return req


def closure_consented(req: ChangeRequest) -> bool:
    """Every proposer (of the proposal and those merged into it) agreed, themselves or — after the deadline —
    through the district office on record."""
    proposers = _proposers(req.project)
    answers = {a.proposer_id: a.agrees for a in req.answers.all()}
    return rules.signoff_outcome(answers=[answers.get(pp.pk) for pp in proposers if pp.pk in answers],
                                 proposers=len(proposers)) == rules.AGREED


def closure_decide(*, ref, decision: str, reason: str, by, meeting_item_id, due=None, agencies=()) -> ChangeRequest:
    """Agenda source "tracking.closure": the only way a project in execution is withdrawn or closed early.
    Approval needs every proposer's consent; it runs the proposal's own transition, preauthorised."""
    reason = _decision_checks(decision=decision, reason=reason, by=by, meeting_item_id=meeting_item_id)
    with transaction.atomic():
        req = _locked_request(ref)
        if not req.is_closure:
            raise ValidationError(_("Only a withdrawal or closure request is decided here."))
        if not req.is_open:
            raise ValidationError(_("This request was already decided."))
        fields = _decided(req, by, decision, reason, meeting_item_id)
        if decision == "approve":
            if req.status != ChangeRequest.Status.CONSENTED or not closure_consented(req):
                raise ValidationError(_("The committee may approve a closure only with every proposer's consent."))
            proposal_services.proposal_transition(
                proposal=req.project.proposal, actor=by, preauthorised=True, reason=reason,
                transition_name="withdraw" if req.kind == ChangeRequest.Kind.WITHDRAW else "close_early",
            )
            _set_status(req, by, ChangeRequest.Status.APPLIED, reason, applied_at=timezone.now(), **fields)
        else:
            status = ChangeRequest.Status.REJECTED if decision == "reject" else ChangeRequest.Status.RETURNED
            _set_status(req, by, status, reason, **fields)
        _touch(req.project)
    enqueue("tracking.tasks.change_decided_notify", req.pk)
    return req


NOTE_DECISIONS = {"noted", "follow_up", "coordinate"}


def _note_checks(*, decision, reason, by, meeting_item_id, due, allowed=NOTE_DECISIONS) -> str:
    if decision not in allowed:
        raise ValidationError(_("Unknown decision."))
    if not perm.can_decide_at_meeting(by):
        raise PermissionDenied(_("Only the committee records its decisions."))
    if not isinstance(meeting_item_id, int) or isinstance(meeting_item_id, bool):
        raise ValidationError(_("A committee decision is recorded at a meeting, with its agenda item."))
    if decision in ("follow_up", "coordinate") and due is None:
        raise ValidationError({"due": _("Give the date by which it is followed up.")})
    return _require(reason, _("Please give the committee's reason; it is published."))


def _committee_note(*, project_id, source, ref, decision, reason, by, meeting_item_id, due) -> CommitteeNote:
    note = CommitteeNote.objects.create(project_id=project_id, source=source, ref=str(ref), decision=decision,
                                        reason=reason, meeting_item_id=meeting_item_id, due=due, decided_by=by)
    _touch(Project(pk=project_id))
    return note


def _ref_parts(ref: str, n: int) -> list[str]:
    parts = str(ref).split(":")
    if len(parts) != n or not parts[0].isdigit():
        raise ValidationError(_("Unknown agenda item."))
    return parts


def _get(model, pk):
    """The agenda item's record, or a clear refusal (an id the meeting holds may be stale)."""
    try:
        return model.objects.get(pk=int(pk))
    except (ValueError, TypeError, model.DoesNotExist):
        raise ValidationError(_("Unknown agenda item.")) from None


def flag_decide(*, ref, decision, reason, by, meeting_item_id, due=None, agencies=()) -> CommitteeNote:
    """Agenda source "tracking.flag" (ref "project:flag"): the committee's decision on a red flag."""
    reason = _note_checks(decision=decision, reason=reason, by=by, meeting_item_id=meeting_item_id, due=due)
    project_id, _flag = _ref_parts(ref, 2)
    project = _get(Project, project_id)
    return _committee_note(project_id=project.pk, source="tracking.flag", ref=ref, decision=decision,
                           reason=reason, by=by, meeting_item_id=meeting_item_id, due=due)


def report_overdue_decide(*, ref, decision, reason, by, meeting_item_id, due=None, agencies=()) -> CommitteeNote:
    """Agenda source "tracking.report_overdue" (ref "project:quarter")."""
    reason = _note_checks(decision=decision, reason=reason, by=by, meeting_item_id=meeting_item_id, due=due)
    project_id, quarter = _ref_parts(ref, 2)
    try:
        rules.parse_quarter(quarter)
    except ValueError:
        raise ValidationError(_("Unknown agenda item.")) from None
    project = _get(Project, project_id)
    return _committee_note(project_id=project.pk, source="tracking.report_overdue", ref=ref, decision=decision,
                           reason=reason, by=by, meeting_item_id=meeting_item_id, due=due)


def question_decide(*, ref, decision, reason, by, meeting_item_id, due=None, agencies=()) -> CommitteeNote:
    """Agenda source "tracking.question": the committee follows up an unanswered councillor's question."""
    reason = _note_checks(decision=decision, reason=reason, by=by, meeting_item_id=meeting_item_id, due=due)
    q = _get(CouncillorQuestion, ref)
    return _committee_note(project_id=q.project_id, source="tracking.question", ref=ref, decision=decision,
                           reason=reason, by=by, meeting_item_id=meeting_item_id, due=due)


DIFFICULTY_DECISIONS = {"advise": DifficultyRecord.Kind.ADVICE, "coordinate": DifficultyRecord.Kind.MEETING,
                        "resolve": DifficultyRecord.Kind.OUTCOME}


def difficulty_decide(*, ref, decision, reason, by, meeting_item_id, due=None, agencies=()) -> DifficultyRecord:
    """Agenda source "tracking.difficulty": the decision becomes the difficulty's record (advice, a
    coordination meeting held at the committee's meeting, or the outcome that resolves it)."""
    if decision not in DIFFICULTY_DECISIONS:
        raise ValidationError(_("Unknown decision."))
    if not perm.can_decide_at_meeting(by):
        raise PermissionDenied(_("Only the committee records its decisions."))
    if not isinstance(meeting_item_id, int) or isinstance(meeting_item_id, bool):
        raise ValidationError(_("A committee decision is recorded at a meeting, with its agenda item."))
    d = _get(Difficulty, ref)
    text = _require(reason, _("Please give the committee's reason; it is published."))
    names = ", ".join(a.display_name for a in Agency.objects.filter(pk__in=[getattr(a, "pk", a) for a in agencies]))
    lines = [text]
    if names:
        lines.append(_("Agencies to coordinate: %(names)s") % {"names": names})
    if due is not None:
        lines.append(_("By: %(d)s") % {"d": due.isoformat()})
    lines.append(_("Committee meeting item #%(n)d") % {"n": meeting_item_id})
    text = "\n".join(lines)
    return difficulty_record(difficulty=d, actor=by, kind=DIFFICULTY_DECISIONS[decision], text=text,
                             held_on=timezone.localdate() if decision == "coordinate" else None)


# -- councillors' questions --------------------------------------------------------------------------------

def question_ask(*, project: Project, actor, text: str) -> CouncillorQuestion:
    text = _require(text, _("Please write your question."))
    project = Project.objects.select_related("proposal__cycle").get(pk=project.pk)
    if not perm.can_ask_question(project, actor):
        raise PermissionDenied(_("Only a councillor of the project's district may ask here."))
    knobs = cycle_tracking(cycle=project.proposal.cycle)
    with transaction.atomic():
        q = CouncillorQuestion.objects.create(
            project=project, text=text, asked_by=actor,
            answer_due=timezone.localdate() + datetime.timedelta(days=knobs.question_days))
        _touch(project)
        enqueue("tracking.tasks.question_notify", q.pk)
    return q


def question_answer(*, question: CouncillorQuestion, actor, text: str) -> QuestionAnswer:
    text = _require(text, _("Please write the answer."))
    with transaction.atomic():
        # The question is an append-only audit record (no row lock for the runtime role): the one-to-one
        # answer's unique index settles two answers racing.
        q = CouncillorQuestion.objects.select_related("project__proposal").get(pk=question.pk)
        if not perm.can_answer_question(q, actor):
            if perm.question_answered(q):
                raise ValidationError(_("This question has already been answered."))
            raise PermissionDenied(_("Only the project's lead agency answers a councillor's question."))
        try:
            with transaction.atomic():
                ans = QuestionAnswer.objects.create(question=q, text=text, answered_by=actor,
                                                    agency_id=q.project.lead_agency_id)
        except IntegrityError:
            raise ValidationError(_("This question has already been answered."))
        _touch(q.project)
    return ans

def project_point_refine(*, project, actor, point_lon, point_lat, reason: str):
    """The lead agency refines where the project is; the point stays in the proposal's village (audited)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please give a reason; it is kept in the public record."))
    validate_multi_line(reason)
    with transaction.atomic():
        project = (Project.objects.select_for_update(of=("self",)).select_related("proposal__village")
                   .get(pk=project.pk))
        if not perm.can_refine_point(project, actor):
            raise PermissionDenied(_("Only the lead agency may refine the project's place."))
        village = project.proposal.village
        if village is None:
            raise ValidationError(_("The proposal has no village yet: the district office gives it first."))
        place_rules.place_check(district_id=project.proposal.district_id, village=village, lon=point_lon,
                                lat=point_lat, village_required=True)
        # The place is not in the project's sealed history; places.PlaceChange is its trail.
        Project.objects.filter(pk=project.pk).update(point_lon=point_lon, point_lat=point_lat)
        place_change_record(subject="project", subject_id=project.pk, village=village, lon=point_lon,
                            lat=point_lat, actor=actor, reason=reason)
        project.point_lon, project.point_lat = point_lon, point_lat
    return project
