"""Searching one's inbox: only one's own messages, Chinese words, the query kept across pages."""
import pytest

from pbcity.models import Notification
from pbcity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def note(user, subject, body="", n=0):
    return Notification.objects.create(recipient=user, key=f"k{n}-{subject}", subject=subject, body=body)


def test_the_inbox_finds_ones_own_messages_by_chinese_words(client):
    me, other = UserFactory(), UserFactory()
    note(me, "提案「公園增設遮陽棚」已通過住民大會", "下一步：會前會。")
    note(me, "季報已寄出", "河濱自行車道照明 2026Q3")
    note(other, "提案「遮陽棚」他人的訊息")
    client.force_login(me)
    html = client.get("/inbox/", {"q": "遮陽"}, **EN).content.decode()
    assert "公園增設遮陽棚" in html and "季報" not in html and "他人的訊息" not in html
    assert "1 message matches “遮陽”" in html and 'value="遮陽"' in html
    assert "季報已寄出" in client.get("/inbox/", {"q": "2026q3 照明"}, **EN).content.decode()
    html = client.get("/inbox/", {"q": "游泳池"}, **EN).content.decode()
    assert "No message matches “游泳池”." in html


def test_pages_of_a_search_keep_the_query(client):
    me = UserFactory()
    for i in range(25):
        note(me, f"遮陽棚 第{i}則", n=i)
    client.force_login(me)
    html = client.get("/inbox/", {"q": "遮陽"}, **EN).content.decode()
    assert "q=%E9%81%AE%E9%99%BD&amp;page=2" in html
    assert client.get("/inbox/", {"q": "%_\\'"}, **EN).status_code == 200
