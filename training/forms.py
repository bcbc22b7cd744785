from django import forms
from django.utils.translation import gettext_lazy as _

from pbcity.fields import MultiLineField, SingleLineField
from pbcity.models import Cycle
from proposals.forms import DistrictPlaceForm
from proposals.states import Category

from .models import Course, ExpertField


class CourseFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of course"), choices=[("", _("All courses")), *Course.Kind.choices],
                             required=False)


class RevokeForm(forms.Form):
    reason = MultiLineField(label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 2}),
                            max_length=2000)


class VerifyForm(forms.Form):
    code = SingleLineField(label=_("Verification code"), max_length=32,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))


class ExpertSearchForm(forms.Form):
    field = forms.ModelChoiceField(label=_("Field"), queryset=ExpertField.objects.all(), required=False,
                                   empty_label=_("All fields"), to_field_name="name")
    q = SingleLineField(label=_("Search"), required=False, max_length=100)


class BookForm(forms.Form):
    topic = MultiLineField(label=_("What you would like help with"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=2000)


class AdviceForm(forms.Form):
    advice = MultiLineField(label=_("Advice given"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class DraftProposalForm(DistrictPlaceForm):
    """The desk starts a draft in the slot's district: the village may wait until the office raises it."""

    cycle = forms.ModelChoiceField(label=_("Cycle"), queryset=Cycle.objects.all(), empty_label=None)
    title = SingleLineField(label=_("Title"), max_length=120)
    problem = MultiLineField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 3}))
    solution = MultiLineField(label=_("Proposed solution"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    location = SingleLineField(label=_("Location"), max_length=200, required=False)
    field_order = ["cycle", "title", "problem", "solution", "category", "location", "village", "point_lon",
                   "point_lat"]
    village_now = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].help_text = _("Needed before the district office raises the draft.")


class WalkInForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of a walk-in participant"))
    hours = SingleLineField(label=_("Hours credited"), max_length=6,
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}))


def _when(label):
    return forms.DateTimeField(
        label=label, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.filter(is_active=True))
    starts_at = _when(_("Starts at"))
    ends_at = _when(_("Ends at"))
    district = forms.ModelChoiceField(label=_("District"), queryset=None, required=False,
                                      empty_label=_("None (online)"))
    place = SingleLineField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    trainer = forms.ModelChoiceField(label=_("Trainer"), queryset=None)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, initial=30)

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        from pbcity.models import District
        from pbcity.roles import Role

        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.all()
        self.fields["trainer"].queryset = get_user_model().objects.filter(roles__role=Role.TRAINER).distinct()


class SlotForm(forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=None, empty_label=None)
    starts_at = _when(_("Starts at"))
    ends_at = _when(_("Ends at"))
    place = SingleLineField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
