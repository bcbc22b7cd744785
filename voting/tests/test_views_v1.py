"""Exhibition and voter pages as residents and staff use them, in both languages (V1)."""
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from pbcity.tests.factories import UserFactory
from voting.models import CommentModeration, RegisterImport, Voter
from voting.services import exhibition as ex_services
from voting.services import voters as voter_services

from .v1_fixtures import *  # noqa: F401,F403
from .v1_fixtures import VALID_IDS, keyed, png_upload, register_csv

pytestmark = pytest.mark.django_db


def in_language(client, lang):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


def registration_post(**over):
    data = {"id_number": "A123456789", "birth_date": "1990-01-01", "basis": "study", "district": ""}
    data.update(over)
    return data


@pytest.mark.parametrize("lang, words", [("zh-hant", ["公開展覽", "留言"]), ("en", ["Public exhibition", "Comments"])])
def test_exhibition_pages_in_both_languages(client, exhibited, lang, words):
    in_language(client, lang)
    listing = client.get("/voting/exhibition/").content.decode()
    assert words[0] in listing and f"/voting/exhibition/{exhibited.pk}/" in listing
    page = client.get(f"/voting/exhibition/{exhibited.pk}/")
    assert page.status_code == 200 and words[1] in page.content.decode()


def test_exhibition_shows_only_exhibited_proposals(client, cast, cycle):
    from proposals.states import State

    workshop = cast.walk(cycle, State.IN_WORKSHOP)
    assert client.get(f"/voting/exhibition/{workshop.pk}/").status_code == 404
    assert f"/voting/exhibition/{workshop.pk}/" not in client.get("/voting/exhibition/").content.decode()


def test_comment_reply_report_and_moderate_through_the_pages(client, exhibited, cast):
    resident = cast["resident"]
    client.force_login(resident)
    r = client.post(f"/voting/exhibition/{exhibited.pk}/comment/", {"body": "支持！", "body_format": "plain"})
    assert r.status_code == 302
    comment = exhibited.exhibition_comments.get()
    r = client.post(f"/voting/exhibition/{exhibited.pk}/comment/",
                    {"body": "同意", "body_format": "plain", "parent": comment.pk})
    assert exhibited.exhibition_comments.filter(parent=comment).count() == 1
    client.force_login(cast["proposer"])
    client.post(f"/voting/exhibition/comments/{comment.pk}/report/", {"reason": "離題"})
    assert comment.reports.count() == 1
    # Staff of another district may not moderate; the district's own staff may, from the queue.
    client.force_login(cast["district_other"])
    assert client.post(f"/voting/exhibition/comments/{comment.pk}/moderate/",
                       {"action": "hide", "reason": "x"}).status_code == 403
    client.force_login(cast["district"])
    queue = client.get("/voting/exhibition/moderation/").content.decode()
    assert "離題" in queue
    client.post(f"/voting/exhibition/comments/{comment.pk}/moderate/",
                {"action": "hide", "reason": "離題內容", "next": "queue"})
    assert CommentModeration.objects.get().reason == "離題內容"
    client.logout()
    page = client.get(f"/voting/exhibition/{exhibited.pk}/").content.decode()
    assert "離題內容" in page and "支持！" not in page


def test_a_bad_comment_keeps_what_was_typed(client, exhibited, cast):
    client.force_login(cast["resident"])
    r = client.post(f"/voting/exhibition/{exhibited.pk}/comment/", {"body": "x" * 5001, "body_format": "plain"})
    assert r.status_code == 400 and "x" * 5001 in r.content.decode()


def test_anonymous_cannot_comment_and_nothing_typed_gives_500(client, exhibited, cast):
    r = client.post(f"/voting/exhibition/{exhibited.pk}/comment/", {"body": "hi"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    client.force_login(cast["resident"])
    for data in ({"body": "hi", "body_format": "evil"}, {"body": "hi", "body_format": "plain", "parent": "abc"},
                 {"body": "hi", "body_format": "plain", "parent": "999999"}, {}):
        assert client.post(f"/voting/exhibition/{exhibited.pk}/comment/", data).status_code == 400
    assert client.post("/voting/exhibition/999999/comment/", {"body": "x"}).status_code == 404
    assert client.post("/voting/exhibition/comments/999999/report/", {"reason": "x"}).status_code == 404


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_a3_poster_pdf_has_the_text_the_cjk_font_and_a_qr(client, exhibited, cast, tmp_path):
    from pbcity.tests.upload_samples import jpeg_bytes
    from proposals import services as proposal_services

    proposal_services.attachment_add(proposal=exhibited, actor=cast["district"],
                                     upload=SimpleUploadedFile("site.jpg", jpeg_bytes(), content_type="image/jpeg"))
    assert client.get(f"/voting/exhibition/{exhibited.pk}/").content.decode().count("<img") >= 1
    r = client.get(f"/voting/exhibition/{exhibited.pk}/poster.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    path = tmp_path / "poster.pdf"
    path.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert exhibited.title in text and "公開展覽" in text and f"/voting/exhibition/{exhibited.pk}/" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts.replace(" ", "").replace("-", "") and " yes " in fonts  # embedded
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 1190.55" in info or "842 x 1191" in info  # A3 in points
    assert re.search(r"^Pages:\s+1$", info, re.M)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) >= 3  # header lines + the photo


@pytest.mark.parametrize("lang", ["zh-hant", "en"])
def test_register_then_see_the_status(client, vote_cycle, district, lang):
    in_language(client, lang)
    user = UserFactory()
    client.force_login(user)
    assert client.get("/voting/voters/register/").status_code == 200
    r = client.post("/voting/voters/register/", registration_post(district=district.pk, document=png_upload()))
    assert r.status_code == 302
    voter = Voter.objects.get(user=user)
    assert voter.status == "pending" and voter.documents.count() == 1
    status = client.get("/voting/voters/me/").content.decode()
    assert voter.get_status_display() in status
    assert client.get("/voting/voters/register/").status_code == 302  # already registered


@pytest.mark.parametrize("basis, told, not_told", [
    ("household", "you are verified online as soon as civil affairs imports the household register", "Upload a"),
    ("work", "Upload a proof that you study, work or live in the city", "Nothing more to do"),
])
def test_a_pending_voter_is_told_the_way_that_fits_their_basis(client, vote_cycle, district, basis, told, not_told):
    """Someone the register can verify online is not sent to the office."""
    import datetime

    voter = voter_services.voter_register(actor=UserFactory(), cycle=vote_cycle, raw_id=VALID_IDS[2],
                                          birth_date=datetime.date(1990, 1, 1), basis=basis, district=district,
                                          documents=[png_upload()] if basis != "household" else [])
    assert voter.status == "pending"
    client.force_login(voter.user)
    page = client.get("/voting/voters/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert told in page and not_told not in page


def test_a_refused_registration_never_echoes_the_id_and_keeps_the_rest(client, vote_cycle, district):
    client.force_login(UserFactory())
    r = client.post("/voting/voters/register/", registration_post(id_number="F131104094", district=district.pk))
    html = r.content.decode()
    assert r.status_code == 400 and "F131104094" not in html and "1990-01-01" in html
    # The service's own refusals (too young) do not echo it either.
    r = client.post("/voting/voters/register/",
                    registration_post(id_number="F131104093", birth_date="2015-01-01", district=district.pk))
    assert r.status_code == 400 and "F131104093" not in r.content.decode()
    assert not Voter.objects.exists()


def test_verification_queue_and_decision_pages(client, vote_cycle, district, cast):
    voter = voter_services.voter_register(actor=UserFactory(), cycle=vote_cycle, raw_id=VALID_IDS[0],
                                          birth_date=__import__("datetime").date(1990, 1, 1), basis="work",
                                          district=district, documents=[png_upload()])
    doc = voter.documents.get()
    client.force_login(cast["district"])
    page = client.get("/voting/voters/verification/").content.decode()
    assert voter.user.email in page and f"/voting/voters/documents/{doc.pk}/" in page
    assert client.get(f"/voting/voters/documents/{doc.pk}/").status_code == 200
    client.post(f"/voting/voters/{voter.pk}/decide/", {"decision": "verify", "reason": "工作證明核對"})
    voter.refresh_from_db()
    assert voter.status == "verified" and voter.verified_via == "in_person"
    for who in ("district_other", "resident", "civil"):
        client.force_login(cast[who])
        assert client.get(f"/voting/voters/documents/{doc.pk}/").status_code == 404
        assert client.post(f"/voting/voters/{voter.pk}/decide/", {"decision": "verify", "reason": "x"}).status_code \
            == 403
    client.force_login(cast["resident"])
    assert client.get("/voting/voters/verification/").status_code == 403


def test_verification_queue_finds_the_person_at_the_desk(client, vote_cycle, district, cast):
    """By the ID card in hand (matched through its keyed code) or by a part of the name or e-mail."""
    import datetime

    people = [voter_services.voter_register(actor=UserFactory(name=name), cycle=vote_cycle, raw_id=raw,
                                            birth_date=datetime.date(1990, 1, 1), basis="work", district=district,
                                            documents=[png_upload()])
              for name, raw in (("林美玲", VALID_IDS[0]), ("陳志明", VALID_IDS[1]))]
    client.force_login(cast["district"])

    def found(q):
        page = client.get("/voting/voters/verification/", {"q": q}).content.decode()
        return [v.user.email in page for v in people]

    assert found("") == [True, True]
    assert found(VALID_IDS[1].lower()) == [False, True]
    assert found("美玲") == [True, False]
    assert found(people[1].user.email.upper()) == [False, True]
    assert found("沒有這個人") == [False, False]


def test_import_page_progress_and_report(client, vote_cycle, district, cast, django_capture_on_commit_callbacks):
    client.force_login(cast["civil"])
    assert client.get("/voting/voters/register-imports/").status_code == 200
    upload = register_csv([(keyed(VALID_IDS[0]), "1990-01-01", "daan"), ("bad", "1990-01-01", "daan")])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/voting/voters/register-imports/", {"file": upload})
    job = RegisterImport.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/voting/voters/register-imports/{job.pk}/"
    partial = client.get(r["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "<progress" in partial and "hx-trigger" not in partial  # done (eager): no more polling
    assert "64" in partial  # the rejected row's reason
    r = client.post("/voting/voters/register-imports/",
                    {"file": SimpleUploadedFile("x.txt", b"id_hmac,birth_date,district\n")})
    assert r.status_code == 400
    for who in ("district", "resident", "civil_no_mfa"):
        client.force_login(cast[who])
        assert client.get("/voting/voters/register-imports/").status_code in (302, 403)
        assert client.get(f"/voting/voters/register-imports/{job.pk}/").status_code in (302, 403)


def test_import_progress_polls_while_running(client, vote_cycle, cast):
    job = RegisterImport.objects.create(cycle=vote_cycle, file="register-imports/x.csv", original_name="x.csv",
                                        imported_by=cast["civil"], status="running", total_rows=10, processed_rows=4)
    client.force_login(cast["civil"])
    partial = client.get(f"/voting/voters/register-imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial and 'value="40"' in partial


def test_comment_html_is_sanitised_on_the_page(client, exhibited, cast):
    ex_services.comment_post(actor=cast["resident"], proposal=exhibited, body="<script>alert(1)</script><em>好</em>",
                             body_format="rich")
    html = client.get(f"/voting/exhibition/{exhibited.pk}/").content.decode()
    assert "<script>alert(1)" not in html and "<em>好</em>" in html


def test_proposal_page_points_to_the_exhibition(client, exhibited, cast, cycle):
    from proposals.states import State

    html = client.get(f"/proposals/{exhibited.pk}/").content.decode()
    assert f"/voting/exhibition/{exhibited.pk}/" in html and f"/voting/exhibition/{exhibited.pk}/poster.pdf" in html
    workshop = cast.walk(cycle, State.IN_WORKSHOP)
    assert f"/voting/exhibition/{workshop.pk}/" not in client.get(f"/proposals/{workshop.pk}/").content.decode()


@pytest.mark.parametrize("who, links", [
    ("district", ["/voting/voters/verification/", "/voting/exhibition/moderation/"]),
    ("civil", ["/voting/voters/register-imports/"]),
    ("resident", []), ("district_no_mfa", []),
])
def test_staff_desk_links_on_the_exhibition(client, cast, who, links):
    client.force_login(cast[who])
    html = client.get("/voting/exhibition/").content.decode()
    for url in ["/voting/voters/verification/", "/voting/exhibition/moderation/", "/voting/voters/register-imports/"]:
        assert (url in html) == (url in links)


def test_moderation_select_starts_on_no_action_and_reads_as_actions(client, exhibited, cast):
    """A moderator who submits without choosing hides nothing; the options are verbs, not states."""
    client.force_login(cast["resident"])
    client.post(f"/voting/exhibition/{exhibited.pk}/comment/", {"body": "支持！", "body_format": "plain"})
    comment = exhibited.exhibition_comments.get()
    client.force_login(cast["proposer"])
    client.post(f"/voting/exhibition/comments/{comment.pk}/report/", {"reason": "離題"})
    client.force_login(cast["district"])
    queue = client.get("/voting/exhibition/moderation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    select = queue[queue.index('name="action"'):]
    select = select[:select.index("</select>")]
    assert "required" in select.split(">")[0]
    first = select[select.index("<option"):]
    assert first.startswith('<option value="">')
    assert "Hide this comment" in select and "Show this hidden comment again" not in select
    assert ">Hidden<" not in select
    # Submitted without a choice: nothing recorded, the comment stays visible.
    client.post(f"/voting/exhibition/comments/{comment.pk}/moderate/",
                {"action": "", "reason": "看看", "next": "queue"})
    comment.refresh_from_db()
    assert not comment.hidden and not CommentModeration.objects.exists()
