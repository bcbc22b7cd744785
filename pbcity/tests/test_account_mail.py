"""Account e-mails greet with the platform's name, in the reader's language (not "來自127.0.0.1:8630!的問候")."""
import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory
from django.utils import translation


@pytest.mark.django_db
@pytest.mark.parametrize("lang, greeting, thanks", [
    ("zh-hant", "臺北市參與式預算 向您問好！", "感謝您使用臺北市參與式預算"),
    ("en", "Hello from Taipei Participatory Budgeting!", "Thank you for using Taipei Participatory Budgeting"),
])
def test_signup_mail_names_the_platform_not_the_host(lang, greeting, thanks):
    from allauth.core import context
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8630")
    request.user = AnonymousUser()
    with translation.override(lang), context.request_context(request):
        msg = get_adapter(request).render_mail(
            "account/email/email_confirmation_signup", "new@example.tw",
            {"activate_url": "https://pb.example.tw/confirm/x", "user": None, "key": "x",
             "current_site": type("Site", (), {"name": "127.0.0.1:8630", "domain": "127.0.0.1:8630"})()})
    assert greeting in msg.body and thanks in msg.body
    assert "127.0.0.1:8630!" not in msg.body
