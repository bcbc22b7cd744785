from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from pbcity.fields import MultiLineField, SingleLineField
from proposals.forms import DistrictPlaceForm
from proposals.states import Category

from .models import Assembly


class AssemblyForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    online_url = forms.URLField(label=capfirst(Assembly._meta.get_field("online_url").verbose_name), required=False,
                                assume_scheme="https")

    class Meta:
        model = Assembly
        fields = ["cycle", "district", "title", "starts_at", "venue", "online_url", "top_k", "votes_per_attendee",
                  "vote_method", "district_features"]
        widgets = {"district_features": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"district_features": MultiLineField}

    def __init__(self, *args, districts=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if districts is not None:
            self.fields["district"].queryset = districts
        if editing:
            del self.fields["cycle"], self.fields["district"]
            self.fields["reason"] = MultiLineField(
                label=_("Reason for the change"), required=False, max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Needed when K or the votes per attendee change; kept with the old value in the "
                            "assembly's history."),
            )


def _village_field(html_id):
    # Two forms on the desk page ask for it: each needs its own element id.
    return SingleLineField(
        label=_("Village (里)"), max_length=20, required=False,
        validators=[RegexValidator(r"^[0-9A-Za-z-]*$", _("A village code has letters, digits and hyphens only."))],
        help_text=_("Optional: the code of the village the attendee lives in."),
        widget=forms.TextInput(attrs={"id": html_id, "autocomplete": "off", "spellcheck": "false"}))


class CodeForm(forms.Form):
    code = SingleLineField(label=_("Code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false", "autofocus": True}))
    village_code = _village_field("id_code_village")


class WalkInForm(forms.Form):
    name = SingleLineField(label=_("Name"), max_length=100)
    contact = SingleLineField(label=_("Phone or e-mail"), max_length=200, required=False)
    village_code = _village_field("id_walk_village")


class EmailUserField(forms.EmailField):
    def clean(self, value):
        email = super().clean(value)
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("No account uses %(email)s.") % {"email": email})
        return user


class TableForm(forms.Form):
    number = forms.IntegerField(label=_("Table number"), min_value=1, max_value=99)
    lead = EmailUserField(label=_("Table lead's e-mail"))
    recorder = EmailUserField(label=_("Recorder's e-mail"))


class SeatForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(label=_("Attendees"), queryset=None,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, assembly, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = assembly.attendees.filter(signed_in_at__isnull=False,
                                                                      left_at__isnull=True).order_by("name")


class RecordForm(DistrictPlaceForm):
    """A table's proposal, raised at once: the village is required where the place rules ask for it."""

    title = SingleLineField(label=_("Title"), max_length=120)
    problem = MultiLineField(label=_("The problem"), widget=forms.Textarea(attrs={"rows": 3}))
    solution = MultiLineField(label=_("Proposed solution"), widget=forms.Textarea(attrs={"rows": 3}))
    location = SingleLineField(label=_("Location"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.OTHER)
    proposers = forms.ModelMultipleChoiceField(label=_("Proposers"), queryset=None,
                                               widget=forms.CheckboxSelectMultiple)
    field_order = ["title", "problem", "solution", "location", "village", "point_lon", "point_lat", "category",
                   "proposers"]

    def __init__(self, *args, table, **kwargs):
        super().__init__(*args, district=table.assembly.district, **kwargs)
        self.fields["proposers"].queryset = table.attendees.order_by("name")


class CountForm(forms.Form):
    # A forged or stale item id is a form error, not a server error (issue 7, item 7).
    item = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput, error_messages={
        "required": _("Choose a proposal of this assembly."),
        "invalid_choice": _("Choose a proposal of this assembly."),
    })
    votes = forms.IntegerField(label=_("Votes"), min_value=0, max_value=1_000_000)
    reason = SingleLineField(label=_("Reason for the correction"), required=False, max_length=500)

    def __init__(self, *args, assembly, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = assembly.items.all()
