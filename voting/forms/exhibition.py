from django import forms
from django.utils.translation import gettext_lazy as _

from pbcity.fields import MultiLineField, SingleLineField
from voting.models import Comment, CommentModeration
from voting.services.exhibition import COMMENT_MAX_CHARS


class CommentForm(forms.Form):
    body = MultiLineField(label=_("Your comment"), max_length=COMMENT_MAX_CHARS,
                          widget=forms.Textarea(attrs={"rows": 4}))
    body_format = forms.ChoiceField(
        label=_("Format"), choices=Comment.Format.choices, initial=Comment.Format.PLAIN, widget=forms.RadioSelect,
        help_text=_("Formatted text allows <strong>, <em>, lists, quotes and links; everything else is removed."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = SingleLineField(label=_("What is wrong with this comment?"), max_length=300)


# What the moderator does, as verbs, with nothing chosen at first: the model's labels are the outcomes
# ("Hidden"), and a select that started on "Hidden" hid comments a moderator meant to keep.
MODERATION_ACTIONS = [
    ("", _("Choose what to do…")),
    (CommentModeration.Action.KEEP, _("Keep it visible and dismiss the reports")),
    (CommentModeration.Action.HIDE, _("Hide this comment")),
    (CommentModeration.Action.RESTORE, _("Show this hidden comment again")),
]


class ModerateForm(forms.Form):
    action = forms.ChoiceField(label=_("Moderation action"), choices=MODERATION_ACTIONS)
    reason = SingleLineField(label=_("Reason (on record)"), max_length=500)
