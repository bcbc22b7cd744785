"""System-written text is stored as a code and read in the reader's language (pbcity/systext.py)."""
import pytest
from django.template import Context, Template
from django.utils import translation

from pbcity.audit import chain
from pbcity.audit.entries import rows_content
from pbcity.systext import SystemText, systext, systext_render
from pbcity.tests.factories import CycleFactory, DistrictFactory, UserFactory
from proposals.models import TransitionLog
from proposals.services import proposal_create


def _read(stored: str, language: str) -> str:
    with translation.override(language):
        return Template("{{ t }}").render(Context({"t": SystemText(stored)}))


def test_a_code_reads_in_each_language_and_typed_text_as_typed():
    stored = systext("voting.threshold_fixed", value=1000)
    assert stored.startswith("sys:voting.threshold_fixed ")
    assert _read(stored, "en") == "cycle: fixed 1000"
    assert _read(stored, "zh-hant") == "年度固定門檻：1000"
    assert _read("路燈太暗", "en") == "路燈太暗"  # what a person typed stays as typed
    assert _read("sys:nobody.knows {}", "en") == "sys:nobody.knows {}"  # an unknown code is shown as stored


def test_a_name_with_two_languages_is_read_in_the_readers():
    stored = systext("voting.opens", district={"zh-hant": "大安區", "en": "Daan"}, start="2026-10-01 09:00",
                     end="2026-10-14 17:00")
    assert "Daan" in _read(stored, "en") and "大安區" not in _read(stored, "en")
    assert "大安區" in _read(stored, "zh-hant")


def test_the_panel_summary_is_built_from_its_lights_in_the_readers_language():
    stored = systext("deliberation.panel_summary", n=9, passed=False,
                     lights={"publicness": "green", "legality": "yellow", "budget": "red"})
    english = _read(stored, "en")
    assert english.startswith("Citizen review panel (9 scores)") and "budget feasibility red" in english
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english)
    assert _read(stored, "zh-hant").startswith("公民審議團（9 份評分）")


def test_a_sentence_stored_before_codes_is_recognised_in_either_language():
    # Rows written before codes existed are append-only and hashed, so they are read, not rewritten.
    assert _read("cycle: fixed 1000", "zh-hant") == "年度固定門檻：1000"
    assert _read("年度固定門檻：1000", "en") == "cycle: fixed 1000"
    assert _read("提出提案", "en") == "Raised"


def test_formatting_and_percent_interpolation_read_the_rendered_text():
    value = SystemText(systext("proposals.raised"))
    with translation.override("en"):
        assert f"{value}" == "Raised" and "%(r)s" % {"r": value} == "Raised" and systext_render(value) == "Raised"  # noqa: UP031 (gettext messages use %)
    assert value == value.stored  # compares (and hashes on the audit chain) as stored


def test_systext_refuses_an_unregistered_code():
    with pytest.raises(KeyError, match="unregistered system text code"):
        systext("voting.nothing_like_this")


@pytest.mark.django_db
def test_a_transition_reason_is_stored_as_a_code_and_shown_in_the_readers_language():
    user = UserFactory()
    with translation.override("zh-hant"):  # whoever raised it used Chinese ...
        p = proposal_create(actor=user, cycle=CycleFactory(), district=DistrictFactory(), title="路燈",
                            problem="太暗", solution="加裝", category="other", proposers=[user], authorised=True)
    log = TransitionLog.objects.get(proposal=p)
    assert log.reason.stored == systext("proposals.raised")
    with translation.override("en"):  # ... an English reader still reads English
        assert str(log.reason) == "Raised"
    # The audit chain hashes the row as stored, whatever the reader's language.
    with translation.override("en"):
        english = chain.canonical(rows_content(TransitionLog, [log.pk])[str(log.pk)])
    with translation.override("zh-hant"):
        chinese = chain.canonical(rows_content(TransitionLog, [log.pk])[str(log.pk)])
    assert english == chinese and b"sys:proposals.raised" in english


@pytest.mark.django_db
def test_a_row_just_made_reads_like_a_loaded_one_and_history_keeps_the_sentence():
    user = UserFactory()
    with translation.override("en"):
        p = proposal_create(actor=user, cycle=CycleFactory(), district=DistrictFactory(), title="Lamps",
                            problem="dark", solution="more", category="other", proposers=[user], authorised=True)
        log = TransitionLog.objects.create(proposal=p, transition="x", from_state="raised", to_state="raised",
                                           actor=user, reason=systext("proposals.raised"))
        assert str(log.reason) == "Raised"
    reasons = list(p.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-1] == "Raised", reasons


def test_a_message_of_parameters_only_never_claims_typed_text():
    from pbcity import systext as module

    module.systext_register("tests.only_params", "%(x)s")
    try:
        assert _read("路燈太暗", "en") == "路燈太暗"
        assert _read(systext("tests.only_params", x="ok"), "en") == "ok"
    finally:
        module._CODES.pop("tests.only_params")
        module._legacy_patterns.cache_clear()
