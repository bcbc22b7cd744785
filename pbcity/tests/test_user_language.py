"""A person's preferred language: set at sign-up and by the switch, editable, used for what is sent to them."""
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from pbcity.models import Notification, User
from pbcity.tests.factories import CycleFactory, DistrictFactory, UserFactory
from proposals.models import TransitionLog
from proposals.services import proposal_create
from proposals.tasks import transition_notify

pytestmark = pytest.mark.django_db


def test_signing_up_in_english_remembers_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("account_signup"), {
        "email": "newcomer@example.tw", "password1": "a long enough passphrase 42",
        "password2": "a long enough passphrase 42"})
    assert response.status_code == 302
    assert User.objects.get(email="newcomer@example.tw").language == "en"
    # The confirmation e-mail, kept in the mail outbox by the request, goes out in the sign-up page's language.
    from pbcity.models import OutgoingMail
    from pbcity.services import mail_deliver

    for kept in OutgoingMail.objects.all():
        mail_deliver(mail_id=kept.pk)
    assert mail.outbox and "Please Confirm" in mail.outbox[-1].subject


def test_signing_up_in_chinese_remembers_chinese(client):
    client.post(reverse("account_signup"), {"email": "zh@example.tw", "password1": "a long enough passphrase 42",
                                            "password2": "a long enough passphrase 42"})
    assert User.objects.get(email="zh@example.tw").language == "zh-hant"


def test_the_language_switch_saves_the_choice_of_a_signed_in_person_only(client):
    user = UserFactory(language="zh-hant")
    client.get(reverse("language_switch"), {"language": "en", "next": "/"})  # anonymous: cookie only
    assert User.objects.get(pk=user.pk).language == "zh-hant"
    client.force_login(user)
    response = client.get(reverse("language_switch"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and User.objects.get(pk=user.pk).language == "en"
    client.get(reverse("language_switch"), {"language": "klingon", "next": "/"})
    assert User.objects.get(pk=user.pk).language == "en"


def test_the_account_page_edits_the_language(client):
    user = UserFactory(language="zh-hant")
    client.force_login(user)
    page = client.get(reverse("account_language"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and b'value="zh-hant" checked' in page.content
    client.post(reverse("account_language"), {"language": "en"})
    assert User.objects.get(pk=user.pk).language == "en"
    refused = client.post(reverse("account_language"), {"language": "fr"}, follow=True)
    assert User.objects.get(pk=user.pk).language == "en"
    assert "請選擇本站提供的語言。" in refused.content.decode()


def test_the_account_page_needs_a_signed_in_person(client):
    response = client.get(reverse("account_language"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_transition_notice_is_written_in_each_proposers_language_whoever_acted():
    english, chinese = UserFactory(language="en"), UserFactory(language="zh-hant")
    with translation.override("zh-hant"):  # the office works in Chinese
        p = proposal_create(actor=english, cycle=CycleFactory(), district=DistrictFactory(), title="Lights",
                            problem="dark", solution="lamps", category="other", proposers=[english, chinese],
                            authorised=True)
    log = TransitionLog.objects.get(proposal=p)
    Notification.objects.all().delete()
    transition_notify.run(log.pk)
    by_language = {n.recipient.language: n for n in Notification.objects.filter(key=f"transition:{log.pk}")}
    assert "Your proposal" in by_language["en"].subject and "Reason: Raised" in by_language["en"].body
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in by_language["en"].body)
    assert "提出提案" in by_language["zh-hant"].body


def test_the_daily_audit_head_reaches_each_committee_member_in_their_language():
    from django.utils import timezone

    from pbcity.audit.services import daily_head_send
    from pbcity.models import AuditDailyHead
    from pbcity.roles import Role
    from pbcity.tests.factories import staff

    english, chinese = staff(Role.COMMITTEE), staff(Role.COMMITTEE)
    User.objects.filter(pk=english.pk).update(language="en")
    User.objects.filter(pk=chinese.pk).update(language="zh-hant")
    head = AuditDailyHead.objects.create(day=timezone.localdate(), position=1, entry_hash="ab" * 32,
                                         sealed_at=timezone.now())
    daily_head_send(head=head)
    subjects = {n.recipient_id: n.subject for n in Notification.objects.filter(key__startswith="audit-head-")}
    assert subjects[english.pk].startswith("Audit chain head for")
    assert not subjects[chinese.pk].startswith("Audit chain head")
