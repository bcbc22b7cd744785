import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pbcity.fields import SingleLineField
from pbcity.models import District
from voting import rules
from voting.models import Voter


class NoEchoInput(forms.TextInput):
    """A text input that never writes its value back into the page (an ID number must not be echoed)."""

    def format_value(self, value):
        return None


class VoterRegistrationForm(forms.Form):
    id_number = forms.CharField(
        label=_("National ID or resident certificate number"), max_length=20,
        help_text=_("For example A123456789. It is checked, then kept only as a keyed code; nobody can read it back."),
        widget=NoEchoInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    birth_date = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}),
                                 input_formats=["%Y-%m-%d"])
    basis = forms.ChoiceField(label=_("How are you tied to Taipei?"), choices=Voter.Basis.choices,
                              widget=forms.RadioSelect)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), empty_label=_("Choose a district"),
        help_text=_("Where your household is registered, or where you study, work or live."),
    )
    document = forms.FileField(
        label=_("Proof for in-person verification (optional)"), required=False,
        help_text=_("Student card, proof of work or of residence: PDF, JPEG or PNG. Not needed if your household is "
                    "registered in Taipei."),
    )

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if not datetime.date(1900, 1, 1) <= value <= timezone.localdate():
            raise forms.ValidationError(_("Please check the date of birth."), code="birth_date")
        return value

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        if not rules.id_valid(value):
            raise forms.ValidationError(
                _("This is not a valid national ID or resident certificate number. Please check the letters and "
                  "digits."), code="id_invalid")
        return value


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Add a proof (PDF, JPEG or PNG)"))


class VoterDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("verify", _("Verify")), ("reject", _("Reject"))],
                                 widget=forms.RadioSelect)
    reason = SingleLineField(label=_("Reason (on record)"), max_length=300)


class RegisterImportForm(forms.Form):
    file = forms.FileField(label=_("Household-register file (CSV: id_hmac, birth_date, district)"))
