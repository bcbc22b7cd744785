from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pbcity.fields import MultiLineField, SingleLineField
from pbcity.models import Agency, Cycle
from tracking.models import Project

from .models import Attendance, Hearing, OppositionStep


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _agencies():
    return Agency.objects.order_by("code")


class MeetingForm(forms.Form):
    prefix = "meeting"
    cycle = forms.ModelChoiceField(label=_("Cycle"), queryset=Cycle.objects.order_by("-year"), empty_label=None)
    title = SingleLineField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    starts_at = forms.TimeField(label=_("Starts at"), widget=TimeInput(), required=False)
    place = SingleLineField(label=_("Place"), max_length=200)


class ItemForm(forms.Form):
    prefix = "item"
    title = SingleLineField(label=_("Item"), max_length=300)
    reason = MultiLineField(label=_("Why it is on the agenda"), widget=forms.Textarea(attrs={"rows": 2}),
                            max_length=5000, required=False)
    project = forms.ModelChoiceField(label=_("About a project (optional)"), required=False,
                                     queryset=Project.objects.select_related("proposal").order_by("-pk"))
    agencies = forms.ModelMultipleChoiceField(label=_("Agencies invited to report (optional)"), required=False,
                                              queryset=_agencies())


class AttendanceForm(forms.Form):
    prefix = "att"
    kind = forms.ChoiceField(label=_("Attends as"), choices=Attendance.Kind.choices)
    name = SingleLineField(label=_("Name"), max_length=120)
    agency = forms.ModelChoiceField(label=_("Agency (for a representative)"), required=False, queryset=_agencies())


class DecisionForm(forms.Form):
    code = forms.ChoiceField(label=_("Decision"))
    reason = MultiLineField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    due = forms.DateField(label=_("Follow up by (optional)"), widget=DateInput(), required=False)
    agencies = forms.ModelMultipleChoiceField(label=_("Agencies that must act (optional)"), required=False,
                                              queryset=_agencies())

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(c, str(label)) for c, label in choices]


class MinutesForm(forms.Form):
    prefix = "minutes"
    text = MultiLineField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), max_length=50000)


class FollowUpForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Reporting for"), queryset=Agency.objects.none(), empty_label=None)
    text = MultiLineField(label=pgettext_lazy("follow-up", "Report"), widget=forms.Textarea(attrs={"rows": 3}),
                          max_length=5000)
    done = forms.BooleanField(label=_("Done: close this follow-up"), required=False)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()


class HearingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Hearing.Kind.choices)
    title = SingleLineField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput(),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = SingleLineField(label=_("Place"), max_length=200)
    description = MultiLineField(label=_("What it is about"), widget=forms.Textarea(attrs={"rows": 3}),
                                 max_length=5000, required=False)


class HearingRecordForm(forms.Form):
    attendance = forms.IntegerField(label=_("Number of attendees"), min_value=0, max_value=100000)
    minutes = MultiLineField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}), max_length=50000)
    objections = MultiLineField(label=_("Objections (summary)"), widget=forms.Textarea(attrs={"rows": 3}),
                                max_length=5000, required=False)


class OppositionForm(forms.Form):
    summary = SingleLineField(label=pgettext_lazy("report", "Summary"), max_length=200)
    details = MultiLineField(label=_("What the residents object to"), widget=forms.Textarea(attrs={"rows": 4}),
                             max_length=5000)
    hearing = forms.ModelChoiceField(label=_("Raised at (optional)"), required=False, queryset=Hearing.objects.none())

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["hearing"].queryset = Hearing.objects.filter(project=project)


class OppositionStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Record"), choices=OppositionStep.Kind.choices)
    held_on = forms.DateField(label=_("Meeting date"), widget=DateInput(), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", "—"), *OppositionStep.Outcome.choices])
    text = MultiLineField(label=_("What was discussed or decided"), widget=forms.Textarea(attrs={"rows": 3}),
                          max_length=5000)
