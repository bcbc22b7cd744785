from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pbcity.fields import MultiLineField, SingleLineField
from pbcity.limits import MAX_AMOUNT

from .models import BudgetFigure, ChangeRequest, CouncilDecision, Difficulty, DifficultyRecord, Milestone, Project

REASON_HELP = _("Kept with the change, with your name and the time.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MilestoneForm(forms.ModelForm):
    reason = SingleLineField(label=_("Why this change"), max_length=300, help_text=REASON_HELP)
    evidence = forms.FileField(label=_("Photo or document (PDF, JPEG, PNG)"), required=False)
    alt_text = SingleLineField(label=_("Description of the photo"), max_length=300, required=False,
                               help_text=_("Required for photos: what the photo shows, for people who cannot see it."))

    class Meta:
        model = Milestone
        fields = list(Milestone.EDITABLE_FIELDS)
        field_classes = {"public_note": MultiLineField, "staff_note": MultiLineField}
        widgets = {
            "planned_start": DateInput(), "planned_end": DateInput(), "actual_start": DateInput(),
            "actual_end": DateInput(), "public_note": forms.Textarea(attrs={"rows": 3}),
            "staff_note": forms.Textarea(attrs={"rows": 3}),
            "percent": forms.NumberInput(attrs={"min": 0, "max": 100}),
            "weight": forms.NumberInput(attrs={"min": 1}),
        }

    def clean(self):
        data = super().clean()
        if data.get("status") == Milestone.Status.DONE:
            # Done means 100 % with a completion date (as the service sets it), before the model's check runs.
            data["percent"] = 100
            data["actual_end"] = data.get("actual_end") or timezone.localdate()
        return data

    def milestone_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file (UTF-8)"))
    reason = SingleLineField(label=_("Why this change"), max_length=300, help_text=REASON_HELP)


class BudgetFigureForm(forms.Form):
    prefix = "fig"
    kind = forms.ChoiceField(label=_("Figure"), choices=BudgetFigure.Kind.choices)
    amount = forms.IntegerField(label=_("Amount (NTD)"), min_value=0, max_value=MAX_AMOUNT)
    as_of = forms.DateField(label=_("As of"), widget=DateInput())
    note = SingleLineField(label=_("Note"), max_length=300, required=False)


class BudgetPathForm(forms.Form):
    prefix = "path"
    path = forms.ChoiceField(label=_("Budget path"), choices=Project.BudgetPath.choices)
    reason = SingleLineField(label=_("Why this change"), max_length=300, help_text=REASON_HELP)


class CouncilDecisionForm(forms.Form):
    prefix = "council"
    outcome = forms.ChoiceField(label=_("Council's decision"), choices=CouncilDecision.Outcome.choices)
    cut_amount = forms.IntegerField(label=_("Amount cut (NTD)"), min_value=1, max_value=MAX_AMOUNT, required=False)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    note = SingleLineField(label=_("Note"), max_length=300, required=False)


class DifficultyForm(forms.Form):
    prefix = "diff"
    kind = forms.ChoiceField(label=_("Kind"), choices=Difficulty.Kind.choices)
    summary = SingleLineField(label=pgettext_lazy("report", "Summary"), max_length=200)
    details = MultiLineField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class DifficultyRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Record"), choices=DifficultyRecord.Kind.choices)
    held_on = forms.DateField(label=_("Meeting date"), widget=DateInput(), required=False)
    text = MultiLineField(label=_("Advice, meeting or outcome"), widget=forms.Textarea(attrs={"rows": 3}),
                          max_length=5000)


class FinalReportForm(forms.Form):
    text = MultiLineField(label=_("Final report"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    final_cost = forms.IntegerField(label=_("Final cost (NTD)"), min_value=0, max_value=MAX_AMOUNT)
    photo1 = forms.FileField(label=_("Photo 1 (JPEG or PNG)"))
    alt1 = SingleLineField(label=_("Description of photo 1"), max_length=300)
    photo2 = forms.FileField(label=_("Photo 2 (optional)"), required=False)
    alt2 = SingleLineField(label=_("Description of photo 2"), max_length=300, required=False)

    def photos(self):
        out = [(self.cleaned_data["photo1"], self.cleaned_data["alt1"])]
        if self.cleaned_data.get("photo2"):
            out.append((self.cleaned_data["photo2"], self.cleaned_data.get("alt2", "")))
        return out


class TransitionForm(forms.Form):
    reason = MultiLineField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


# -- sign-off and councillors' questions --------------------------------------------------------------------

class ChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("What changes"), choices=ChangeRequest.Kind.choices)
    milestone = forms.ModelChoiceField(label=_("Milestone"), queryset=Milestone.objects.none(), required=False)
    new_planned_end = forms.DateField(label=_("New planned completion"), widget=DateInput(), required=False)
    new_title = SingleLineField(label=_("New title (scope)"), max_length=120, required=False)
    new_amount = forms.IntegerField(label=_("New approved amount (NTD)"), min_value=0, max_value=MAX_AMOUNT,
                                    required=False)
    reason = MultiLineField(label=_("Why this change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                            help_text=_("The proposers and the public read it with their answers."))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = project.milestones.order_by("planned_end", "id")

    def change_fields(self) -> dict:
        d = self.cleaned_data
        return {"kind": d["kind"], "milestone": d.get("milestone"), "new_planned_end": d.get("new_planned_end"),
                "new_title": d.get("new_title") or "", "new_amount": d.get("new_amount"), "reason": d["reason"]}


class AnswerForm(forms.Form):
    prefix = "answer"
    agrees = forms.TypedChoiceField(label=_("Your answer"), widget=forms.RadioSelect,
                                    coerce=lambda v: v == "yes",
                                    choices=(("yes", _("I agree")), ("no", _("I disagree"))))
    reason = MultiLineField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                            required=False, help_text=_("Required when you disagree: the committee reads it."))


class OfficeAnswerForm(forms.Form):
    prefix = "office"
    proposer = forms.ModelChoiceField(label=_("For the proposer"), queryset=None)
    agrees = forms.TypedChoiceField(label=_("Answer"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
                                    choices=(("yes", _("Agrees")), ("no", _("Disagrees"))))
    reason = MultiLineField(label=_("How the office tried to reach the proposer, and what it knows of their view"),
                            widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, proposers, **kwargs):
        super().__init__(*args, **kwargs)
        from proposals.models import ProposalProposer

        self.fields["proposer"].queryset = ProposalProposer.objects.filter(pk__in=[p.pk for p in proposers])


class QuestionForm(forms.Form):
    prefix = "question"
    text = MultiLineField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class QuestionAnswerForm(forms.Form):
    text = MultiLineField(label=_("Public answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)

class PointForm(forms.Form):
    """The lead agency refines where the project is (tracking.services.project_point_refine)."""

    point_lon = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False)
    point_lat = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)
    reason = SingleLineField(label=_("Why this change"), max_length=300, help_text=REASON_HELP)
