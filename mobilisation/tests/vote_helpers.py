"""A synthetic i-Voting round for the flag tests: voters of every age band casting over five days, each
from their own network; and the plants each mobilisation test adds on top."""
import datetime
import hashlib
import random

from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone

from mobilisation import services
from voting.models import Voter
from voting.rules import AGE_BANDS
from voting.services import ballots as ballot_services
from voting.services import rounds as round_services
from voting.tests.round_helpers import close_only, exhibited, make_round, open_box

DAYS = 5
DEVICES = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0.0.0 Safari/537.36 Edg/124.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15",
]


class Vote:
    def __init__(self, cast_people, civil, cycle, district, *, seed=1):
        self.rng = random.Random(seed)
        self.cycle, self.district = cycle, district
        self.projects = exhibited(cast_people, cycle, 6)
        start = timezone.localtime(timezone.now() - datetime.timedelta(days=DAYS + 1)).replace(
            hour=1, minute=0, second=0, microsecond=0)
        self.opens_at = start
        r = make_round(civil, cycle, district, opens_at=start, closes_at=timezone.now() + datetime.timedelta(hours=1),
                       max_choices=3)
        self.round = round_services.round_open(round_=r, actor=civil)
        self.civil = civil
        self.n = 0
        self.net = 0

    def birth(self, band: int) -> datetime.date:
        lo, hi = AGE_BANDS[band]
        age = self.rng.randint(lo, hi if hi is not None else 85)
        opens = self.opens_at.date()
        return opens.replace(year=opens.year - age - 1) + datetime.timedelta(days=self.rng.randint(1, 300))

    def voter(self, band: int) -> Voter:
        self.n += 1
        user = get_user_model().objects.create(email=f"mob-{self.round.pk}-{self.n}@example.tw", name=f"選民{self.n}")
        return Voter.objects.create(
            cycle=self.cycle, user=user, id_hmac=hashlib.sha256(f"mob-{user.pk}".encode()).hexdigest(),
            birth_date=self.birth(band), district=self.district, basis="household", status="verified",
            verified_via="online", verified_at=timezone.now())

    def when(self, day: int, hour: int | None = None, minute: int | None = None) -> datetime.datetime:
        return self.opens_at + datetime.timedelta(days=day, hours=hour if hour is not None else self.rng.randint(1, 20),
                                                  minutes=minute if minute is not None else self.rng.randint(0, 59))

    def cast(self, picks, *, band=None, day=None, at=None, address=None, device=None):
        band = self.rng.randrange(len(AGE_BANDS)) if band is None else band
        at = at or self.when(self.rng.randrange(DAYS) if day is None else day)
        voter = self.voter(band)
        ballot_services.ballot_cast(round_id=self.round.pk, user=voter.user, choices={p.pk: 1 for p in picks},
                                    key=ballot_services.form_key(), now=at)
        if address is None:  # each ordinary voter from a network of their own
            self.net += 1
            address = f"10.{self.net // 250}.{self.net % 250}.7"
        request = RequestFactory().post("/", REMOTE_ADDR=address,
                                        HTTP_USER_AGENT=device or self.rng.choice(DEVICES))
        # What the ballot view's observer records (voting/observers.py), at the time of the ballot.
        services.cast_trace_record(request=request, round_id=self.round.pk, now=at)

    def clean(self, n=300):
        for _i in range(n):
            self.cast(self.rng.sample(self.projects, self.rng.randint(1, 3)))

    def open(self):
        self.round = open_box(close_only(self.round, self.civil))
        return self.round
