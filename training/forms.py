from django import forms
from django.utils.translation import gettext_lazy as _

from pbcity.models import Cycle
from proposals.states import Category

from .models import Course, ExpertField


class CourseFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of course"), choices=[("", _("All courses")), *Course.Kind.choices],
                             required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=32,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))


class ExpertSearchForm(forms.Form):
    field = forms.ModelChoiceField(label=_("Field"), queryset=ExpertField.objects.all(), required=False,
                                   empty_label=_("All fields"), to_field_name="name")
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class BookForm(forms.Form):
    topic = forms.CharField(label=_("What you would like help with"), widget=forms.Textarea(attrs={"rows": 3}),
                            max_length=2000)


class AdviceForm(forms.Form):
    advice = forms.CharField(label=_("Advice given"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class DraftProposalForm(forms.Form):
    cycle = forms.ModelChoiceField(label=_("Cycle"), queryset=Cycle.objects.all(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=120)
    problem = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 3}))
    solution = forms.CharField(label=_("Proposed solution"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class WalkInForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of a walk-in participant"))
    hours = forms.CharField(label=_("Hours credited"), max_length=6,
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}))
