"""The demo city's part of this app (called by portal.demo.build): request traces for the demo's rounds —
the demo's ballots were cast through the service, without a browser — with one network's burst planted in
each, then the flags computed from them as the task computes them, and a committee review on one."""
import datetime

from django.test import RequestFactory

from assemblies.models import Assembly

from . import services
from .models import CastTrace, Flag, FlagReview

DEVICES = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0.0.0 Safari/537.36 Edg/124.0",
]
BURST = 32  # ballots from 203.0.113.0/24 within 40 minutes


def _traces(r) -> None:
    if CastTrace.objects.filter(round=r).exists():
        return
    n = r.participations.count()
    factory = RequestFactory()
    for i in range(n):
        if i < BURST:  # one community centre's Wi-Fi, one evening
            at = r.opens_at + datetime.timedelta(days=1, hours=19, minutes=i + i // 4)
            address, agent = f"203.0.113.{10 + i}", DEVICES[1]
        else:
            at = r.opens_at + datetime.timedelta(minutes=7 * i + 1)
            address, agent = f"10.{i // 200}.{i % 200}.{1 + i % 7}", DEVICES[i % len(DEVICES)]
        services.cast_trace_record(request=factory.post("/", REMOTE_ADDR=address, HTTP_USER_AGENT=agent),
                                   round_id=r.pk, now=at)


def seed(ref) -> dict:
    rounds = [r for r in ref.get("voting", {}).get("rounds", []) if r.status != "draft"]
    flags = []
    for r in rounds:
        _traces(r)
        flags += services.round_flags_compute(round_=r)
    for a in Assembly.objects.filter(status__in=["voting", "closed"]):
        flags += services.assembly_flags_compute(assembly=a)
    committee = ref["users"]["committee"]
    network = (Flag.objects.filter(kind=Flag.Kind.NETWORK, round__in=[r for r in rounds if r.box_opened_at])
               .order_by("id").first())
    if network is not None and not FlagReview.objects.filter(flag=network).exists():
        services.flag_review(flag=network, actor=committee, decision=FlagReview.Decision.INVESTIGATE,
                             reason="同一網段一晚 32 票；請區公所確認是否為社區活動中心的投票協助站。")
        services.flag_review(flag=network, actor=committee, decision=FlagReview.Decision.BENIGN,
                             reason="區公所回覆：當晚社區活動中心設有投票協助站，志工協助長輩以自己的帳號投票，無代投情事。")
    return {"flags": len(flags)}
