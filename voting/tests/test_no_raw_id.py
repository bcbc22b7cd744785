"""No raw ID number anywhere after a registration: not in any table, log, e-mail, export or page (V1).

The raw number lives only in the registration request; everything after it sees the keyed HMAC.
"""
import datetime as dt
import io
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from pbcity.tests.factories import UserFactory
from voting.models import Voter
from voting.services import voters as services

from .v1_fixtures import *  # noqa: F401,F403
from .v1_fixtures import keyed, png_upload, register_csv

pytestmark = pytest.mark.django_db

RAW = ["F131104093", "AB12345677", "A800000014"]  # national ID, old and new resident certificate
# What a search must not find: each number as typed, in lower case and in its digits-only tail.
NEEDLES = [form for raw in RAW for form in (raw, raw.lower(), raw[2:])]


def every_table_text() -> str:
    """Every row of every table of the database as text (what pg_dump would write)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_no_raw_id_in_tables_logs_mail_exports_or_pages(client, vote_cycle, district, cast, caplog,
                                                        django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    civil, office = cast["civil"], cast["district"]
    with django_capture_on_commit_callbacks(execute=True):
        # Resident 1 is in the household register (keyed); residents 2 and 3 verify in person.
        services.register_import_run(job_id=services.register_import_start(
            actor=civil, cycle=vote_cycle, upload=register_csv([(keyed(RAW[0]), "1990-01-01", "daan")])).pk)
        users = [UserFactory() for _ in RAW]
        for i, (user, raw) in enumerate(zip(users, RAW, strict=True)):
            client.force_login(user)
            data = {"id_number": raw, "birth_date": "1990-01-01", "basis": "household" if i == 0 else "work",
                    "district": district.pk}
            if i:
                data["document"] = png_upload()
            assert client.post("/voting/voters/register/", data).status_code == 302
            # A second attempt (a duplicate) and a typo are refused without echoing the number.
            page = client.post("/voting/voters/register/", data)
            bad = client.post("/voting/voters/register/", {**data, "id_number": raw[:-1] + "0"})
            for response in (page, bad):
                assert not any(n in response.content.decode() for n in NEEDLES)
        voters = list(Voter.objects.order_by("id"))
        assert [v.status for v in voters] == ["verified", "pending", "pending"]
        for v in voters[1:]:
            services.voter_decide(voter=v, actor=office, approve=True, reason="臨櫃核對")
    pages = []
    for user in users:
        client.force_login(user)
        pages.append(client.get("/voting/voters/me/").content.decode())
    client.force_login(office)
    pages.append(client.get("/voting/voters/verification/").content.decode())
    client.force_login(civil)
    pages.append(client.get("/voting/voters/register-imports/").content.decode())
    exports = io.StringIO()
    call_command("dumpdata", "voting", "pbcity", stdout=exports)

    haystacks = {
        "database": every_table_text(),
        "logs": caplog.text + "\n".join(repr(r.args) for r in caplog.records),
        "mail": "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox),
        "dumpdata": exports.getvalue(),
        "pages": "\n".join(pages),
    }
    assert len(mail.outbox) >= 3  # the voters were told (and the check covered real messages)
    assert keyed(RAW[0]) in haystacks["database"]  # the search does see stored values
    for where, text in haystacks.items():
        for needle in NEEDLES:
            assert needle not in text, f"raw ID found in {where}"


def test_a_500_during_registration_does_not_report_the_id(client, vote_cycle, district, monkeypatch):
    """Django's error reports (mail to admins, the debug page) mask the field by name."""
    from django.views.debug import SafeExceptionReporterFilter

    def boom(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "voter_register", boom)
    client.raise_request_exception = False
    client.force_login(UserFactory())
    response = client.post("/voting/voters/register/", {"id_number": RAW[0], "birth_date": "1990-01-01",
                                                        "basis": "work", "district": district.pk})
    assert response.status_code == 500 and RAW[0] not in response.content.decode()
    request = response.wsgi_request
    post = SafeExceptionReporterFilter().get_post_parameters(request)
    assert post["id_number"] != RAW[0] and set(post["id_number"]) == {"*"}


def test_birth_dates_are_kept_but_never_the_number(vote_cycle, district):
    voter = services.voter_register(actor=UserFactory(), cycle=vote_cycle, raw_id=RAW[1], basis="live",
                                    birth_date=dt.date(1990, 1, 1), district=district)
    stored = {f.attname: getattr(voter, f.attname) for f in Voter._meta.concrete_fields}
    assert not any(n in str(stored) for n in NEEDLES)


def test_voter_register_key_writes_only_keyed_ids(tmp_path):
    src = tmp_path / "register.csv"
    src.write_text("id_number,birth_date,district\nF131104093,1990-01-01,daan\nA123456788,1990-01-01,daan\n",
                   encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("voter_register_key", str(src), stdout=out, stderr=err)
    assert out.getvalue() == f"id_hmac,birth_date,district\n{keyed('F131104093')},1990-01-01,daan\n"
    assert "line 3" in err.getvalue() and "A123456788" not in err.getvalue()
