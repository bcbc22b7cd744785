"""Forms of the pre-meeting, the side tracks and stage 1 (the panel's forms are in forms/panel.py)."""
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pbcity.fields import MultiLineField, SingleLineField
from pbcity.limits import MAX_AMOUNT
from pbcity.models import Agency

from ..models import AgencyContact, AgencyOpinion, AssessmentReport, ContestDecision

_REASON = dict(label=_("Reason (public)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


def _bureaus():
    return Agency.objects.filter(kind=Agency.Kind.BUREAU)


class PrinciplesForm(forms.Form):
    agreed_on = forms.DateField(label=_("Agreed at the consensus meeting on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    text = MultiLineField(label=_("Designation principles"), widget=forms.Textarea(attrs={"rows": 10}),
                          max_length=20000)
    reason = SingleLineField(label=_("What changed"), required=False, max_length=300)


class PreMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    venue = SingleLineField(label=_("Place"), max_length=200)


class PreMeetingRecordForm(forms.Form):
    attending_agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies present"), queryset=Agency.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = MultiLineField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}), required=False,
                             max_length=50000)


class DesignationForm(forms.Form):
    """One screen for the whole agenda: a lead and co-agencies per proposal still waiting."""

    reason = MultiLineField(**_REASON)

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = proposals
        for p in proposals:
            self.fields[f"lead_{p.pk}"] = forms.ModelChoiceField(
                label=_("Lead agency"), queryset=_bureaus(), required=False, empty_label=_("— not yet —"))
            self.fields[f"co_{p.pk}"] = forms.ModelMultipleChoiceField(
                label=_("Co-agencies"), queryset=_bureaus(), required=False,
                widget=forms.SelectMultiple(attrs={"size": 4}))

    def rows(self):
        return [{"proposal": p, "lead": self[f"lead_{p.pk}"], "co": self[f"co_{p.pk}"]} for p in self.proposals]

    def designations(self):
        out = []
        for p in self.proposals:
            lead = self.cleaned_data.get(f"lead_{p.pk}")
            co = list(self.cleaned_data.get(f"co_{p.pk}") or [])
            if lead is None and co:
                self.add_error(f"lead_{p.pk}", _("Choose a lead agency when naming co-agencies."))
            elif lead is not None:
                out.append((p, lead, co))
        return out


class ContestForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Your agency"), queryset=Agency.objects.none())
    reason = MultiLineField(label=_("Why your agency contests the designation"),
                            widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, agency_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=agency_ids)


class ContestDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=ContestDecision.Outcome.choices,
                                widget=forms.RadioSelect)
    new_lead = forms.ModelChoiceField(label=_("New lead agency"), queryset=_bureaus(), required=False)
    new_co_agencies = forms.ModelMultipleChoiceField(label=_("New co-agencies"), queryset=_bureaus(),
                                                     required=False, widget=forms.SelectMultiple(attrs={"size": 4}))
    reason = MultiLineField(**_REASON)


class ContactForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Your agency"), queryset=Agency.objects.none())
    contacted_on = forms.DateField(label=_("Date of contact"), widget=forms.DateInput(attrs={"type": "date"}))
    way = forms.ChoiceField(label=_("Way"), choices=AgencyContact.Way.choices)
    summary = MultiLineField(label=pgettext_lazy("report", "Summary"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=5000)

    def __init__(self, *args, agency_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=agency_ids)


class DirectExecutionForm(forms.Form):
    budget_covers = forms.BooleanField(label=_("This year's budget covers it"), required=False)
    finishable_this_year = forms.BooleanField(label=_("It can be finished this year"), required=False)
    budget_line = SingleLineField(label=_("Budget line"), max_length=200)
    reason = MultiLineField(**_REASON)


class AssessmentForm(forms.Form):
    findings = MultiLineField(label=_("Findings of the city-wide assessment"),
                              widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AssessmentReport.Outcome.choices, widget=forms.RadioSelect)


class ExclusionForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Exclusion category"), queryset=None)
    reason = MultiLineField(**_REASON)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class ExclusionCategoryForm(forms.Form):
    name = SingleLineField(label=_("Name (Chinese)"), max_length=80)
    name_en = SingleLineField(label=_("Name (English)"), max_length=120)
    explanation = MultiLineField(label=_("Explanation shown to proposers"), widget=forms.Textarea(attrs={"rows": 2}),
                                 max_length=2000)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    venue = SingleLineField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online meeting link"), required=False, assume_scheme="https")
    experts = forms.ModelMultipleChoiceField(label=_("Invited experts"), queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from training.models import Expert

        self.fields["experts"].queryset = Expert.objects.filter(available_for_workshops=True).order_by("name")

    def clean(self):
        data = super().clean()
        if not data.get("venue") and not data.get("online_url") and not self.errors:
            raise forms.ValidationError(_("Give a place, an online meeting link, or both."))
        return data


class OpinionForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Your agency"), queryset=Agency.objects.none())
    verdict = forms.ChoiceField(label=_("Opinion"), choices=AgencyOpinion.Verdict.choices, widget=forms.RadioSelect)
    reasons = MultiLineField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    alternatives = MultiLineField(label=_("Changes or alternatives"), widget=forms.Textarea(attrs={"rows": 2}),
                                  required=False, max_length=5000)
    cost_estimate = forms.IntegerField(label=_("Cost estimate (NTD)"), required=False, min_value=0,
                                       max_value=MAX_AMOUNT)

    def __init__(self, *args, agency_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=agency_ids)


class SuggestionForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=None)
    suggestion = MultiLineField(label=_("Suggestion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts
