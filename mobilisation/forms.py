from django import forms
from django.utils.translation import gettext_lazy as _

from pbcity.fields import MultiLineField

from .models import FlagReview


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=FlagReview.Decision.choices, widget=forms.RadioSelect)
    reason = MultiLineField(label=_("Reason"), max_length=1000, min_length=5,
                            help_text=_("What you checked and why you decided so; kept on the audit chain."),
                            widget=forms.Textarea(attrs={"rows": 4}))
