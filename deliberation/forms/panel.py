"""Forms of the review-panel pages (planning, appointments, the draw, absences, scoring)."""
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pbcity.fields import MultiLineField, SingleLineField
from pbcity.roles import Role
from training.models.cards import CardLevel
from training.selectors import card_holders

from ..models.panel import Light


class PanelPlanForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    venue = SingleLineField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online meeting link"), required=False, max_length=200, assume_scheme="https",
                                help_text=_("Members may join and score remotely. Give a place, a link, or both."))


class _PersonChoice(forms.ModelChoiceField):
    """People by district, then name; the label carries the district so namesakes can be told apart."""

    def label_from_instance(self, obj):
        district = obj.home_district.display_name if obj.home_district_id else _("no district")
        return f"{obj.name or obj.email}（{district} · {obj.email}）"


class PanelAppointForm(forms.Form):
    host = _PersonChoice(label=_("Host (committee member)"), queryset=get_user_model().objects.none())
    co_host = _PersonChoice(label=_("Co-host (committee member)"), queryset=get_user_model().objects.none())
    deliberator = _PersonChoice(label=_("Vice-host (deliberation-card holder)"),
                                queryset=get_user_model().objects.none())
    reason = SingleLineField(label=_("Reason"), max_length=300, initial=_("Appointed by the committee"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        committee = (get_user_model().objects.filter(roles__role=Role.COMMITTEE, is_active=True)
                     .distinct().order_by("id"))
        self.fields["host"].queryset = committee.select_related("home_district")
        self.fields["co_host"].queryset = committee.select_related("home_district")
        self.fields["deliberator"].queryset = (card_holders(level=CardLevel.DELIBERATION)
                                               .select_related("home_district")
                                               .order_by("home_district__code", "name", "id"))


class CommitForm(forms.Form):
    randomness_source = MultiLineField(
        label=_("Public source of randomness"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Name a value nobody here controls and everyone can check, and how it is written, e.g. "
                    "“Taiwan Lottery Lotto 6/49 winning numbers, ascending, separated by commas”."),
    )
    randomness_date = forms.DateField(label=_("Date the value is announced"),
                                      widget=forms.DateInput(attrs={"type": "date"}))


class DrawForm(forms.Form):
    random_value = SingleLineField(
        label=_("Public random value, exactly as announced"), max_length=200,
        help_text=_("Spaces around commas and full-width characters do not matter: “07, 15,22 ,31” is drawn as "
                    "“07,15,22,31”, and the draw record shows the value in that form."))


class AbsenceForm(forms.Form):
    reason = SingleLineField(label=_("Reason for the absence"), max_length=300)


class ScoreForm(forms.Form):
    publicness = forms.ChoiceField(label=_("Publicness"), choices=Light.choices, widget=forms.RadioSelect)
    legality = forms.ChoiceField(label=_("Legality"), choices=Light.choices, widget=forms.RadioSelect)
    budget = forms.ChoiceField(label=_("Budget feasibility"), choices=Light.choices, widget=forms.RadioSelect)
    note = MultiLineField(label=_("Note (optional)"), required=False, max_length=2000,
                          widget=forms.Textarea(attrs={"rows": 2}))
