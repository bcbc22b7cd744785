"""Pages of the committee's meetings (staff desk and public minutes) and of the hearings."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pbcity.errors import flash_errors, form_errors
from pbcity.models import Cycle
from proposals.models import Proposal
from tracking.models import Project

from . import forms, selectors, services
from . import permissions as perm
from .models import Decision, Hearing, Meeting, MeetingItem


def _run(form, call) -> bool:
    """Run `call(data)` for a valid form; the service's refusal goes onto the form. True when it saved."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        form_errors(form, exc)
        return False
    return True


# -- public ------------------------------------------------------------------------------------------------

def index(request):
    """Public: the published minutes and the hearings; committee members see their desk link."""
    return render(request, "accountability/index.html", {
        "meetings": selectors.published_meetings()[:50],
        "hearings": selectors.hearing_list()[:50],
        "desk": perm.can_view_meeting_desk(None, request.user),
    })


def minutes(request, pk):
    meeting = get_object_or_404(selectors.meeting_list(), pk=pk)
    return render(request, "accountability/minutes.html", _meeting_context(meeting, public=True))


def hearings(request):
    return render(request, "accountability/hearings.html", {"hearings": selectors.hearing_list()})


def hearing(request, pk, bound=None, status=200):
    h = get_object_or_404(selectors.hearing_list(), pk=pk)
    can_record = perm.can_record_hearing(h, request.user) and not hasattr(h, "record")
    oppositions = h.oppositions.all()
    return render(request, "accountability/hearing.html", {
        "hearing": h, "can_record": can_record, "oppositions": oppositions,
        "form": bound or (forms.HearingRecordForm() if can_record else None),
        "started": h.starts_at <= timezone.now(),
    }, status=status)


def opposition(request, pk, bound=None, status=200):
    o = get_object_or_404(selectors.opposition_queryset(), pk=pk)
    outcome = selectors.opposition_outcome(o)
    can_record = perm.can_record_opposition(o.project, request.user)
    return render(request, "accountability/opposition.html", {
        "opposition": o, "outcome": outcome, "can_record": can_record and outcome is None,
        "form": bound or (forms.OppositionStepForm() if can_record and outcome is None else None),
        "committee_decision": selectors.opposition_committee_decision(o),
        "change_url": selectors.change_request_url(o.project),
        "needs_change_request": outcome is not None and outcome.outcome in ("modify", "withdraw", "close_early"),
        "needs_committee": outcome is not None and outcome.outcome in ("withdraw", "close_early"),
    }, status=status)


def decision(request, pk, bound=None, status=200):
    d = get_object_or_404(Decision.objects.select_related("item__meeting", "item__project__proposal"), pk=pk)
    agencies = list(_agency_qs(perm.followup_agency_ids(d)))
    # The agencies this person may report for: those the decision names that they act for.
    reportable = [a.pk for a in agencies if _acts_for(request.user, a)]
    form = bound
    if form is None and reportable and d.due:
        form = forms.FollowUpForm(agencies=_agency_qs(reportable))
    return render(request, "accountability/decision.html", {
        "decision": d, "agencies": agencies, "reports": d.reports.select_related("agency"), "form": form,
    }, status=status)


def _acts_for(user, agency) -> bool:
    from pbcity.permissions import acts_as
    from pbcity.roles import Role

    return acts_as(user, Role.AGENCY, agency_id=agency.pk)


def _agency_qs(ids):
    from pbcity.models import Agency

    return Agency.objects.filter(pk__in=ids).order_by("code")


@login_required
@require_POST
def decision_report(request, pk):
    d = get_object_or_404(Decision.objects.select_related("item__meeting", "item__project"), pk=pk)
    if not perm.can_report_followup(d, request.user):
        raise PermissionDenied(_("Only the agencies this decision names report on its follow-up."))
    form = forms.FollowUpForm(request.POST, agencies=_agency_qs(perm.followup_agency_ids(d)))
    if _run(form, lambda x: services.followup_report(decision=d, actor=request.user, agency=x["agency"],
                                                     text=x["text"], done=x["done"])):
        messages.success(request, _("Saved."))
        return redirect("accountability:decision", pk=d.pk)
    return decision(request, pk, bound=form, status=400)


# -- the committee's desk ----------------------------------------------------------------------------------

def _desk_or_403(request, meeting=None):
    if not perm.can_view_meeting_desk(meeting, request.user):
        raise PermissionDenied(_("The meetings' desk is for committee members and civil affairs."))


@login_required
def meetings(request):
    _desk_or_403(request)
    form = None
    can_plan = perm.can_plan_meeting(None, request.user)
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied(_("Only committee members plan the PB group's meetings."))
        form = forms.MeetingForm(request.POST)
        made = {}
        if _run(form, lambda d: made.setdefault("m", services.meeting_plan(
                actor=request.user, cycle=d["cycle"], title=d["title"], held_on=d["held_on"],
                starts_at=d["starts_at"], place=d["place"]))):
            messages.success(request, _("Meeting planned; its agenda holds everything now waiting."))
            return redirect(made["m"])
    elif can_plan:
        current = Cycle.objects.order_by("-year").first()
        form = forms.MeetingForm(initial={"cycle": current, "held_on": timezone.localdate()})
    return render(request, "accountability/meetings.html", {
        "meetings": selectors.meeting_list(), "form": form,
        "followups": selectors.followups_due(),
    }, status=400 if form is not None and form.is_bound else 200)


def _meeting_context(meeting, *, public: bool) -> dict:
    attendance = list(selectors.meeting_attendance(meeting=meeting))
    return {
        "meeting": meeting, "rows": selectors.meeting_agenda(meeting=meeting),
        "attendance": attendance, "closed": perm.is_closed(meeting),
        "minutes": getattr(meeting, "minutes", None) if perm.is_closed(meeting) else None,
        "invited": selectors.invited_agencies(meeting=meeting),
        "proposers_count": sum(1 for a in attendance if a.kind == "proposer"),
        "public": public,
    }


@login_required
def meeting(request, pk, bound=None, status=200):
    m = get_object_or_404(selectors.meeting_list(), pk=pk)
    _desk_or_403(request, m)
    context = _meeting_context(m, public=False)
    can_run = perm.can_run_meeting(m, request.user)
    bound = bound or {}
    if can_run:
        for row in context["rows"]:
            if row["decision"] is None:
                key = f"decide-{row['item'].pk}"
                row["form"] = bound.get(key) or forms.DecisionForm(prefix=key, choices=row["choices"])
        context.update({
            "item_form": bound.get("item") or forms.ItemForm(),
            "attendance_form": bound.get("att") or forms.AttendanceForm(),
            "minutes_form": bound.get("minutes") or forms.MinutesForm(),
            "waiting": selectors.candidates_not_on_agenda(meeting=m),
        })
    context["can_run"] = can_run
    return render(request, "accountability/meeting.html", context, status=status)


def _meeting_for_run(request, pk) -> Meeting:
    m = get_object_or_404(selectors.meeting_list(), pk=pk)
    if not perm.can_run_meeting(m, request.user):
        raise PermissionDenied(_("Only committee members run a meeting not yet closed."))
    return m


@login_required
@require_POST
def meeting_refresh(request, pk):
    m = _meeting_for_run(request, pk)
    try:
        added = services.meeting_agenda_refresh(meeting=m, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("%(n)d new item(s) put on the agenda.") % {"n": len(added)})
    return redirect(m)


@login_required
@require_POST
def meeting_item_add(request, pk):
    m = _meeting_for_run(request, pk)
    form = forms.ItemForm(request.POST)
    if _run(form, lambda d: services.meeting_item_add(meeting=m, actor=request.user, title=d["title"],
                                                      reason=d["reason"], project=d["project"],
                                                      agencies=list(d["agencies"]))):
        messages.success(request, _("Item added to the agenda."))
        return redirect(m)
    return meeting(request, pk, bound={"item": form}, status=400)


@login_required
@require_POST
def meeting_attendance(request, pk):
    m = _meeting_for_run(request, pk)
    form = forms.AttendanceForm(request.POST)
    if _run(form, lambda d: services.attendance_record(meeting=m, actor=request.user, kind=d["kind"],
                                                       name=d["name"], agency=d["agency"])):
        messages.success(request, _("Attendance recorded."))
        return redirect(m)
    return meeting(request, pk, bound={"att": form}, status=400)


@login_required
@require_POST
def item_decide(request, pk):
    item = get_object_or_404(MeetingItem.objects.select_related("meeting"), pk=pk)
    _meeting_for_run(request, item.meeting_id)
    key = f"decide-{item.pk}"
    from .sources import decisions_for

    form = forms.DecisionForm(request.POST, prefix=key, choices=decisions_for(item.source))
    if _run(form, lambda d: services.item_decide(item=item, actor=request.user, code=d["code"], reason=d["reason"],
                                                 due=d["due"], agencies=list(d["agencies"]))):
        messages.success(request, _("Decision recorded."))
        return redirect(f"{item.meeting.get_absolute_url()}#item-{item.pk}")
    return meeting(request, item.meeting_id, bound={key: form}, status=400)


@login_required
@require_POST
def meeting_minutes(request, pk):
    m = _meeting_for_run(request, pk)
    form = forms.MinutesForm(request.POST)
    if _run(form, lambda d: services.minutes_record(meeting=m, actor=request.user, text=d["text"])):
        messages.success(request, _("Minutes recorded; the meeting is closed and its minutes are public."))
        return redirect("accountability:minutes", pk=m.pk)
    return meeting(request, pk, bound={"minutes": form}, status=400)


def minutes_pdf(request, pk):
    from pbcity.pdf import pdf_response

    m = get_object_or_404(selectors.meeting_list(), pk=pk)
    if not perm.is_closed(m):
        raise PermissionDenied(_("The minutes of this meeting are not recorded yet."))
    return pdf_response(request, "accountability/pdf/minutes.html", _meeting_context(m, public=True),
                        filename=f"pb-meeting-{m.pk}.pdf")


# -- hearings and opposition (district office, lead agency) -----------------------------------------------

@login_required
def hearing_new(request, pk):
    proposal = get_object_or_404(Proposal.objects.select_related("district"), pk=pk)
    project = Project.objects.filter(proposal=proposal).first()
    if not perm.can_plan_hearing(proposal, request.user, project):
        raise PermissionDenied(_("Only the district office or the lead agency plans hearings for this proposal."))
    form = forms.HearingForm(request.POST or None)
    made = {}
    if request.method == "POST" and _run(form, lambda d: made.setdefault("h", services.hearing_plan(
            actor=request.user, proposal=proposal, project=project, kind=d["kind"], title=d["title"],
            starts_at=d["starts_at"], place=d["place"], description=d["description"]))):
        messages.success(request, _("Hearing planned and announced to the followers."))
        return redirect(made["h"])
    return render(request, "accountability/hearing_new.html", {"proposal": proposal, "form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def hearing_record(request, pk):
    h = get_object_or_404(Hearing, pk=pk)
    if not perm.can_record_hearing(h, request.user):
        raise PermissionDenied(_("Only the hearing's organiser records what happened at it."))
    form = forms.HearingRecordForm(request.POST)
    if _run(form, lambda d: services.hearing_record(hearing=h, actor=request.user, attendance=d["attendance"],
                                                    minutes=d["minutes"], objections=d["objections"])):
        messages.success(request, _("Saved."))
        return redirect(h)
    return hearing(request, pk, bound=form, status=400)


@login_required
def opposition_new(request, pk):
    project = get_object_or_404(Project.objects.select_related("proposal"), pk=pk)
    if not perm.can_record_opposition(project, request.user):
        raise PermissionDenied(_("Only the district office or the lead agency records opposition to an open project."))
    form = forms.OppositionForm(request.POST or None, project=project)
    made = {}
    if request.method == "POST" and _run(form, lambda d: made.setdefault("o", services.opposition_record(
            project=project, actor=request.user, summary=d["summary"], details=d["details"], hearing=d["hearing"]))):
        messages.success(request, _("Opposition recorded. Next: a coordination meeting."))
        return redirect(made["o"])
    return render(request, "accountability/opposition_new.html", {"project": project, "form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def opposition_step(request, pk):
    o = get_object_or_404(selectors.opposition_queryset(), pk=pk)
    if not perm.can_record_opposition(o.project, request.user):
        raise PermissionDenied(_("Only the district office or the lead agency records the coordination."))
    form = forms.OppositionStepForm(request.POST)
    if _run(form, lambda d: services.opposition_step_record(opposition=o, actor=request.user, kind=d["kind"],
                                                            text=d["text"], held_on=d["held_on"],
                                                            outcome=d["outcome"])):
        messages.success(request, _("Saved."))
        return redirect(o)
    return opposition(request, pk, bound=form, status=400)
