"""Reasons and free text refuse control characters as titles do; multi-line text keeps line breaks and tabs
(issue 16, item 5). Every free-text field of every form is found and tried, so a new one cannot slip by."""
import importlib
import inspect

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from pbcity.fields import MultiLineField, SingleLineField
from pbcity.validators import has_control_characters_in_text, validate_multi_line

FORM_MODULES = ("training.forms", "assemblies.forms", "tracking.forms", "proposals.forms",
                "deliberation.forms.premeeting", "deliberation.forms.panel", "voting.forms.exhibition",
                "voting.forms.voters", "voting.forms.rounds", "voting.views.counting", "pbcity.views")
# Not free text: the raw ID number is normalised and checked (and never echoed) by voter_id_keyed.
NOT_FREE_TEXT = {("VoterRegistrationForm", "id_number")}


def _free_text_fields():
    found = []
    for name in FORM_MODULES:
        for cls_name, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != name:
                continue
            fields = dict(cls.base_fields)
            if cls_name == "AssemblyForm":
                fields.update(cls(editing=True).fields)  # the reason exists only when editing
            for field_name, field in fields.items():
                if type(field) in (forms.CharField, SingleLineField, MultiLineField) and \
                        (cls_name, field_name) not in NOT_FREE_TEXT:
                    found.append(pytest.param(field, id=f"{name}.{cls_name}.{field_name}"))
    return found


FIELDS = _free_text_fields()


def test_the_enumeration_finds_the_reasons():
    ids = {p.id for p in FIELDS}
    assert len(FIELDS) >= 60
    for expected in ("proposals.forms.ReasonForm.reason", "deliberation.forms.panel.AbsenceForm.reason",
                     "voting.forms.exhibition.ModerateForm.reason", "tracking.forms.TransitionForm.reason",
                     "deliberation.forms.premeeting.PreMeetingRecordForm.minutes", "assemblies.forms.CountForm.reason",
                     "tracking.forms.MilestoneForm.public_note", "proposals.forms.ProposalForm.problem"):
        assert expected in ids or any(i.endswith(expected.rsplit(".", 1)[1]) for i in ids), expected


@pytest.mark.django_db
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("bad", ["a\x00b", "a\x1b[2Jb", "a\x07b", "a\x85b", "a\x7fb"])
def test_every_free_text_field_refuses_control_characters(field, bad):
    with pytest.raises(ValidationError) as exc:
        field.clean(bad)
    assert {e.code for e in exc.value.error_list} & {"control_characters", "null_characters_not_allowed"}


@pytest.mark.django_db
@pytest.mark.parametrize("field", FIELDS)
def test_multi_line_text_keeps_line_breaks_and_tabs_single_line_refuses_them(field):
    text = "第一行\r\n第二行\t(二)\n👩‍👩‍👧"
    if isinstance(field.widget, forms.Textarea):
        assert "\n" in field.clean(text)
    else:
        with pytest.raises(ValidationError):
            field.clean(text)


def test_the_validator_itself():
    assert not has_control_characters_in_text("a\nb\r\nc\td 👩‍👩‍👧 \u200d")
    assert all(has_control_characters_in_text(f"a{c}b") for c in "\x00\x01\x1b\x7f\x85\x9b")
    with translation.override("en"), pytest.raises(ValidationError, match="Remove the control characters"):
        validate_multi_line("x\x1by")
    with pytest.raises(ValidationError, match="請移除控制字元"):  # zh-Hant by default
        validate_multi_line("x\x1by")


def _services():
    from deliberation.services import panel, premeeting
    from proposals import services as proposals
    from tracking import services as tracking

    return [proposals._require_reason, tracking._reason, panel._reason,
            lambda text: premeeting._required(text, "required")]


@pytest.mark.parametrize("index", range(4))
def test_service_reason_helpers_refuse_control_characters_and_keep_lines(index):
    helper = _services()[index]
    assert helper(" 因為\n施工延誤\t兩週 ") == "因為\n施工延誤\t兩週"
    with pytest.raises(ValidationError):
        helper("因為\x1b[31m")
