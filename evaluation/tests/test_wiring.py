"""The report's sections that other parts supply, wired after their merge: mobilisation flags with their
decisions, orphaned proposals, and the network hashes deleted when the evaluation is published."""
import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from evaluation import services
from mobilisation import services as flag_services
from mobilisation.models import CastTrace, Flag
from mobilisation.rules import Measure
from voting.services import rounds as round_services
from voting.tests.round_helpers import cast_people, civil, exhibited, make_round  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_pdf(monkeypatch):
    monkeypatch.setattr(services, "report_pdf", lambda report, language: b"%PDF-1.7 " + language.encode())


@pytest.fixture
def flagged_round(cast_people, civil, cycle, district):
    exhibited(cast_people, cycle, 2)
    r = round_services.round_open(round_=make_round(civil, cycle, district), actor=civil)
    batch = flag_services._Batch(cycle_id=cycle.pk, district_id=district.pk, round_=r)
    batch.add(Flag.Kind.NETWORK, Measure(raised=True, value=40, baseline=0.1, threshold=20, tail=1e-30),
              subject="abcdef0123456789", scope_label=flag_services._round_label(r),
              subject_label="Network abcdef01…", count=40, total=45, details={"network": "abcdef0123456789"})
    flag = batch.raised[0]
    flag_services.flag_review(flag=flag, actor=cast_people["committee"], decision="benign",
                              reason="行動網路共用位址，查無異常")
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    flag_services.cast_trace_record(request=request, round_id=r.pk, now=timezone.now() - datetime.timedelta(minutes=5))
    return r, flag


def _section(data, key):
    return next(s for s in data["sections"] if s["key"] == key)


def test_the_flags_section_names_each_flag_its_numbers_and_decision_in_both_languages(flagged_round, cycle):
    table = _section(services.report_data(cycle=cycle, period="vote"), "flags")["tables"][0]
    [row] = table["rows"]
    assert row[2] == 40 and row[3] == 20 and row[4] == 0.1
    assert row[5]["zh-hant"] != row[5]["en"] and row[6] == "行動網路共用位址，查無異常"
    assert "Network" in row[0]["en"] or "network" in row[0]["en"].lower()


def test_publishing_the_first_report_deletes_the_network_hashes(flagged_round, cycle, no_pdf,
                                                                 django_capture_on_commit_callbacks):
    assert CastTrace.objects.exclude(network="").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_make(cycle=cycle, period="vote")
    assert CastTrace.objects.count() == 1 and not CastTrace.objects.exclude(network="").exists()


def test_no_orphan_says_so(cycle):
    section = _section(services.report_data(cycle=cycle, period="vote"), "contacts")
    assert section["tables"] == [] and section["empty"] == "no_contacts"
