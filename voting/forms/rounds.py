"""The forms of voting/views/manage_rounds.py: preparing a round, opening its ballot box."""
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pbcity.fields import MultiLineField, SingleLineField
from pbcity.limits import MAX_AMOUNT
from pbcity.models import District
from voting.models import Round


class RoundForm(forms.Form):
    district = forms.ModelChoiceField(queryset=District.objects.all(), label=gettext_lazy("District"))
    opens_at = forms.DateTimeField(label=gettext_lazy("Voting opens"),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(label=gettext_lazy("Voting closes"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ballot_type = forms.ChoiceField(choices=Round.BallotType.choices, label=gettext_lazy("Ballot type"))
    min_choices = forms.IntegerField(min_value=1, max_value=50, initial=1, label=gettext_lazy("Fewest choices"))
    max_choices = forms.IntegerField(min_value=1, max_value=50, initial=5, label=gettext_lazy("Most choices"))
    points = forms.IntegerField(min_value=0, max_value=1000, initial=0, required=False,
                                label=gettext_lazy("Points to distribute (points ballot)"))
    max_per_project = forms.IntegerField(min_value=0, max_value=1000, initial=0, required=False,
                                         label=gettext_lazy("Most points per project (points ballot)"))
    budget = forms.IntegerField(min_value=0, max_value=MAX_AMOUNT, initial=0, required=False,
                                label=gettext_lazy("Budget in NTD (knapsack ballot, budget rules)"))
    score_vector = SingleLineField(required=False, max_length=100,
                                   label=gettext_lazy("Score per place (ranking), e.g. 3,2,1"))
    public_key = SingleLineField(required=False, max_length=80, label=gettext_lazy("Ballot-box public key"),
                                 help_text=gettext_lazy("From the key ceremony (manage.py round_keys); may also be "
                                                        "loaded later, before the round opens."))
    counting_rule = forms.ChoiceField(choices=Round.CountingRule.choices, initial=Round.CountingRule.TAIPEI,
                                      label=gettext_lazy("Official counting rule"),
                                      help_text=gettext_lazy("Budget rules need the budget above; frozen once the "
                                                             "round opens."))

    def clean_score_vector(self):
        raw = self.cleaned_data.get("score_vector", "").replace("-", ",").replace("，", ",")
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if not all(p.isdigit() and len(p) < 6 for p in parts):
            raise forms.ValidationError(_("Enter whole numbers separated by commas."))
        return [int(p) for p in parts]


class BallotBoxForm(forms.Form):
    """The quorum's key shares, typed on the committee's "open the ballot box" page (never stored)."""

    shares = MultiLineField(label=gettext_lazy("Key shares of the quorum, one per line"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}))


class RoundExtendForm(forms.Form):
    """A later closing time for an open round (voting/services/rounds.py, round_extend)."""

    closes_at = forms.DateTimeField(label=gettext_lazy("New closing time"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
