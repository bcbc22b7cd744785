"""Single-line fields refuse control characters everywhere: forms, services, saves (issue 7, item 3)."""
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from pbcity.roles import Role
from pbcity.tests.factories import staff
from pbcity.validators import has_control_characters, single_line, validate_single_line
from proposals import services
from proposals.models import Proposal

REFUSED = ["a\nb", "a\rb", "a\tb", "a\x00b", "a\x1bb", "a\x7fb", "a\x85b", "a\u2028b", "a\u2029b", "\n"]
ALLOWED = ["公園增設遮陽棚", "Da'an 大安區", "👨\u200d👩\u200d👧 家庭", "全形\u3000空白", "a  b", "", "＝＋－"]


@pytest.mark.parametrize("value", REFUSED)
def test_control_characters_are_refused_with_a_clear_message(value):
    assert has_control_characters(value)
    with translation.override("en"), pytest.raises(ValidationError, match="single line without control characters"):
        validate_single_line(value)
    with translation.override("zh-hant"), pytest.raises(ValidationError, match="請以單行輸入"):
        validate_single_line(value)


@pytest.mark.parametrize("value", ALLOWED)
def test_ordinary_text_passes(value):
    assert not has_control_characters(value)
    validate_single_line(value)


def test_single_line_makes_a_safe_subject():
    assert single_line("標題\r\nBcc: x@evil.tw") == "標題 Bcc: x@evil.tw"
    assert single_line("\n\t a\x00\x00b \n") == "a b"
    assert single_line("甲" * 300, limit=200) == "甲" * 199 + "…"
    assert single_line("甲" * 200, limit=200) == "甲" * 200


_OWN_APPS = ("pbcity", "proposals", "assemblies", "training")
_VALIDATED_ELSEWHERE = (models.EmailField, models.URLField, models.SlugField)  # their own validators refuse them
# Written by code, never typed: the audit chain's hashes and table labels; the outbox's task names and
# broker and mail-server errors (an error text may hold a line break and must still be kept); the mail
# outbox's recipients, which the mail library itself checks; the witnessed heads and verification runs.
_MACHINE_WRITTEN = {"pbcity.AuditEntry", "pbcity.AuditDailyHead", "pbcity.OutboxMessage", "pbcity.OutgoingMail",
                    "pbcity.AuditWitness", "pbcity.VerificationRun"}
# Single fields written by code: a notification's topic ("proposal:7") and a follow's kind, which the
# follow service checks against the kinds the apps registered before it writes; an assembly's tie-lot nonce,
# commitment and seed (hex digits the lot service writes, pbcity/lot.py).
_MACHINE_WRITTEN_FIELDS = {"pbcity.Notification.topic", "pbcity.Follow.target_kind", "assemblies.Assembly.lot_nonce",
                           "assemblies.Assembly.lot_commitment", "assemblies.Assembly.lot_seed"}


def test_every_free_text_single_line_model_field_refuses_control_characters():
    """Every one-line text a person can type is a SingleLineCharField (fields with choices are closed)."""
    missing = []
    for model in apps.get_models():
        if (model._meta.app_label not in _OWN_APPS or model.__name__.startswith("Historical")
                or model._meta.label in _MACHINE_WRITTEN):
            continue
        for field in model._meta.get_fields():
            if (isinstance(field, models.CharField) and not isinstance(field, _VALIDATED_ELSEWHERE)
                    and not field.choices and field.name != "password"
                    and validate_single_line not in field.validators
                    and f"{model._meta.label}.{field.name}" not in _MACHINE_WRITTEN_FIELDS):
                missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


@pytest.mark.django_db
def test_service_refuses_a_newline_title_and_commits_nothing(district, cycle, resident):
    actor = staff(Role.DISTRICT_OFFICE, district=district)
    with translation.override("en"), pytest.raises(ValidationError, match="single line") as exc:
        services.proposal_create(actor=actor, cycle=cycle, district=district, title="公園\n遮陽棚", problem="p",
                                 solution="s", category="parks", proposers=[resident])
    assert "title" in exc.value.message_dict
    assert Proposal.objects.count() == 0


@pytest.mark.django_db
def test_a_save_outside_full_clean_is_refused_too(district, cycle):
    from proposals.models import ProposalProposer
    from proposals.tests.factories import ProposalFactory

    p = ProposalFactory(cycle=cycle, district=district)
    with translation.override("en"), pytest.raises(ValidationError, match="single line") as exc:
        ProposalProposer.objects.create(proposal=p, name="王小明\r\nBcc: x@evil.tw")
    assert list(exc.value.message_dict) == ["name"]
    with translation.override("en"), pytest.raises(ValidationError, match="single line"):
        Proposal.objects.bulk_create([Proposal(cycle=cycle, district=district, title="a\tb", problem="p",
                                               solution="s")])


@pytest.mark.django_db(transaction=True)
def test_new_proposal_page_refuses_a_newline_title_keeps_the_text_and_commits_nothing(client, district, cycle,
                                                                                      resident):
    client.force_login(staff(Role.DISTRICT_OFFICE, district=district))
    data = {"cycle": cycle.pk, "district": district.pk, "track": "district", "category": "parks",
            "title": "公園增設\n遮陽棚", "problem": "夏天沒有遮蔭。\n第二行可以。", "solution": "增設遮陽棚。",
            "location": "大安森林公園", "proposer_emails": resident.email, "proposer_names": "王小明, 0912-345-678"}
    r = client.post("/proposals/new/", data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "請以單行輸入" in html and "夏天沒有遮蔭。\n第二行可以。" in html
    assert Proposal.objects.count() == 0
    r = client.post("/proposals/new/", {**data, "title": "公園增設遮陽棚", "proposer_names": "王\t小明, 09"})
    assert r.status_code == 200 and "請以單行輸入" in r.content.decode()
    assert Proposal.objects.count() == 0
    r = client.post("/proposals/new/", {**data, "title": "公園增設遮陽棚"})
    assert r.status_code == 302 and Proposal.objects.count() == 1
