"""Error pages a person can use: branded, translated, with the way back (not bare "403 Forbidden")."""
import pytest
from django.test import override_settings
from django.utils import translation


@pytest.mark.django_db
@override_settings(DEBUG=False)
@pytest.mark.parametrize("lang, heading, back", [
    ("zh-hant", "找不到頁面", "回到首頁"),
    ("en", "Page not found", "Back to the home page"),
])
def test_404_is_branded_translated_and_leads_back(client, lang, heading, back):
    with translation.override(lang):
        response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 404
    body = response.content.decode()
    assert heading in body and back in body
    assert 'href="/"' in body and "/proposals/" in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_403_says_why_and_offers_login(client, resident):
    # A resident on the committee's dashboard: the reason and the way home, not a bare "403 Forbidden".
    client.force_login(resident)
    response = client.get("/tracking/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    body = response.content.decode()
    assert "You cannot open this page" in body and "Back to the home page" in body


@pytest.mark.django_db
def test_voting_root_leads_to_the_rounds(client):
    response = client.get("/voting/")
    assert response.status_code == 302 and response.url == "/voting/rounds/"
