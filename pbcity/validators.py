"""Validators shared by every app's forms and models."""
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Line and paragraph separators end a line as surely as "\n" does; Cc covers C0, DEL and C1.
_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def has_control_characters(value: str) -> bool:
    """True if `value` holds a character that breaks a single line (newline, tab, NUL, …)."""
    return any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in value)


@deconstructible
class SingleLineValidator:
    """Refuse control characters in single-line text: titles, names, places, e-mail subjects.

    A newline in a title once reached an e-mail header and turned committed actions into server
    errors (docs/decisions.md, "Input that never breaks a committed action").
    """

    message = _("Use a single line without control characters such as line breaks or tabs.")
    code = "control_characters"

    def __call__(self, value):
        if isinstance(value, str) and has_control_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, SingleLineValidator)


validate_single_line = SingleLineValidator()

# Multi-line text keeps what a person types in a text area: line breaks and tabs.
_KEPT_IN_TEXT = frozenset("\n\r\t")


def has_control_characters_in_text(value: str) -> bool:
    """True if multi-line `value` holds a control character other than a line break or tab (NUL, ESC, …)."""
    return any(ch not in _KEPT_IN_TEXT and unicodedata.category(ch) == "Cc" for ch in value)


@deconstructible
class MultiLineValidator:
    """Refuse control characters in free text (reasons, minutes, notes) but keep line breaks and tabs.

    NUL cannot be stored by PostgreSQL (a 500 once), ESC sequences rewrite a terminal reading the logs,
    and none of them is anything a person meant to write.
    """

    message = _("Remove the control characters (such as NUL or ESC); line breaks and tabs are fine.")
    code = "control_characters"

    def __call__(self, value):
        if isinstance(value, str) and has_control_characters_in_text(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, MultiLineValidator)


validate_multi_line = MultiLineValidator()


def single_line(value: str, *, limit: int | None = None) -> str:
    """`value` made safe for a one-line context (e-mail subject): control runs become one space."""
    out, gap = [], False
    for ch in value or "":
        if unicodedata.category(ch) in _REFUSED_CATEGORIES:
            gap = True
            continue
        if gap and out:
            out.append(" ")
        gap = False
        out.append(ch)
    text = "".join(out).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
