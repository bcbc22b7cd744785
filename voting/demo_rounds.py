"""Demo i-Voting: two closed and counted rounds with realistic ballots (Beitou, Zhongshan) and one open
round in Da'an where the demo residents resident1/resident2 (verified voters) can vote.

Each round gets its own ballot-box key pair; unlike a real round (where the committee's key holders keep
the shares), the demo prints every share and opens the counted rounds' boxes itself with two of them.

Built through the services; idempotent (a district that already has a round is left alone). The
districts avoid those whose exhibited proposals the exhibition demo comments on.
"""
import datetime
import hashlib
import random
import sys

from django.utils import timezone

from pbcity.audit.entries import entries_record
from pbcity.models import DistrictQuota, User
from proposals import services as proposal_services
from proposals.models import Proposal
from voting.models import Round, Voter, VoterDecision
from voting.services import ballot_box as box_services
from voting.services import ballots as ballot_services
from voting.services import rounds as round_services
from voting.services import tally as tally_services

# (title, problem, solution, category, cost NTD, popularity weight)
IDEAS = [
    ("社區公園夜間照明與監視器", "公園夜間昏暗，民眾不敢晚上運動。", "增設 LED 步道燈與監視器。", "safety", 900000, 9),
    ("通學巷彩色標線與減速設施", "上學時段車輛車速過快。", "劃設彩色人行道並設置減速丘。", "traffic", 700000, 8),
    ("長者友善座椅與扶手", "長者散步途中沒有地方休息。", "沿主要步道增設有扶手的座椅。", "welfare", 350000, 6),
    ("親子共融遊戲場", "孩子沒有安全的遊戲空間。", "設置共融遊具與軟性鋪面。", "parks", 2500000, 5),
    ("社區資源回收站改善", "回收站髒亂且有異味。", "設置有頂蓋的分類回收設施。", "environment", 400000, 3),
    ("在地文化導覽 QR 牌", "年輕人不了解社區歷史。", "設置雙語導覽牌與語音導覽。", "culture", 260000, 2),
    ("社區運動器材汰換", "運動器材老舊生鏽。", "汰換為適合各年齡的器材。", "sports", 450000, 4),
]
CLOSED = {"beitou": 520, "zhongshan": 380}  # district -> ballots
OPEN = "daan"
LEAD_FOR = {"safety": "police", "traffic": "transportation", "welfare": "social-welfare", "parks": "parks",
            "environment": "environment", "culture": "culture", "sports": "sports"}
STEPS = [("pass_assembly", "district"), ("designate_agencies", "district"), ("send_to_workshop", "district"),
         ("pass_review", "committee"), ("open_exhibition", "civil")]


def _exhibited(ref, cycle, district, n) -> list:
    users, agencies = ref["users"], ref["agencies"]
    office = users["district"][district.code]
    made = []
    for i, (title, problem, solution, category, cost, _w) in enumerate(IDEAS[:n]):
        title = f"{district.name}{title}"
        p = Proposal.objects.filter(cycle=cycle, district=district, title=title).first()
        if p is None:
            p = proposal_services.proposal_create(
                actor=office, cycle=cycle, district=district, title=title, problem=problem, solution=solution,
                category=category, location=f"{district.name}", estimated_cost=cost,
                proposers=[users["residents"][i % len(users["residents"])]])
            for name, who in STEPS:
                p = Proposal.objects.get(pk=p.pk)
                actor = {"district": office, "committee": users["committee"], "civil": users["civil"]}[who]
                if name == "designate_agencies":
                    proposal_services.proposal_designate_agencies(
                        proposal=p, actor=office, lead=agencies[LEAD_FOR[category]], co_agencies=[],
                        reason="會前會指定主辦機關")
                else:
                    proposal_services.proposal_transition(proposal=p, actor=actor, transition_name=name,
                                                          reason="示範資料：依流程推進",
                                                          preauthorised=name == "pass_review")
        made.append(p)
    return made


def _voters(cycle, district, n, rng) -> list:
    """`n` verified demo voters of the district (accounts that cannot log in), created in bulk."""
    prefix = f"voter-{district.code}-"
    have = list(Voter.objects.filter(cycle=cycle, user__email__startswith=prefix).select_related("user"))
    if len(have) >= n:
        return have[:n]
    User.objects.bulk_create([
        User(email=f"{prefix}{i}@demo.pbcity.tw", name=f"{district.name}選民{i}", password="!", home_district=district)
        for i in range(len(have), n)], ignore_conflicts=True)
    now = timezone.now()
    users = User.objects.filter(email__startswith=prefix).exclude(voter_records__cycle=cycle)
    made = Voter.objects.bulk_create([
        Voter(cycle=cycle, user=u, id_hmac=hashlib.sha256(f"demo-voter:{u.email}".encode()).hexdigest(),
              birth_date=datetime.date(1950 + rng.randrange(58), 1 + rng.randrange(12), 1 + rng.randrange(28)),
              district=district, basis=Voter.Basis.HOUSEHOLD, status=Voter.Status.VERIFIED,
              verified_via=Voter.VerifiedVia.ONLINE, verified_at=now) for u in users])
    # Each verification is on the audit chain, as the register match records it (ballots_verify checks it).
    decisions = VoterDecision.objects.bulk_create([
        VoterDecision(voter=v, actor=None, old_status=Voter.Status.PENDING, new_status=Voter.Status.VERIFIED,
                      via=Voter.VerifiedVia.ONLINE, reason="示範資料：戶籍比對相符") for v in made])
    entries_record(model=VoterDecision, pks=[d.pk for d in decisions])
    return list(Voter.objects.filter(cycle=cycle, user__email__startswith=prefix).select_related("user"))[:n]


def _keys(district) -> tuple[str, list]:
    """A demo key ceremony: 3 shares, any 2 open the box; printed (a real round never shows them together)."""
    public, shares = box_services.round_keys_generate(holders=3, quorum=2)
    sys.stdout.write(f"demo ballot box {district.code}: public key {public}; shares (any 2 open it): "
                     f"{' '.join(shares)}\n")
    return public, shares


def _closed_round(ref, cycle, district, n_ballots) -> Round:
    civil = ref["users"]["civil"]
    rng = random.Random(f"pbcity-demo-{district.code}")
    projects = _exhibited(ref, cycle, district, 7)
    DistrictQuota.objects.get_or_create(cycle=cycle, district=district,
                                        defaults={"admission_cap": 3, "vote_threshold": n_ballots // 4})
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=9)
    public, shares = _keys(district)
    r = round_services.round_create(actor=civil, cycle=cycle, district=district, opens_at=start,
                                    closes_at=start + datetime.timedelta(days=7), max_choices=5, public_key=public)
    r = round_services.round_open(round_=r, actor=civil, reason="示範資料：i-Voting 開始")
    weights = [idea[5] for idea in IDEAS[:len(projects)]]
    for i, voter in enumerate(_voters(cycle, district, n_ballots, rng)):
        k = rng.choice([1, 2, 2, 3, 3, 3, 4, 5])
        picks = set()
        while len(picks) < k:
            picks.add(rng.choices(projects, weights=weights)[0].pk)
        ballot_services.ballot_cast(round_id=r.pk, user=voter.user, choices=dict.fromkeys(picks, 1),
                                    key=ballot_services.form_key(),
                                    now=start + datetime.timedelta(minutes=7 * i + 1))
    r = round_services.round_close(round_=r, actor=civil, reason="示範資料：投票期間結束")
    r = box_services.ballot_box_open(round_=r, shares=shares[:2])
    tally_services.round_tally_start(round_=r, actor=civil)
    r.refresh_from_db()
    if r.status != Round.Status.TALLIED:  # no worker in the demo: count in-process
        r = tally_services.round_tally_run(round_id=r.pk)
    return r


def _open_round(ref, cycle, district) -> Round:
    civil = ref["users"]["civil"]
    _exhibited(ref, cycle, district, 5)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=1)
    public, _shares = _keys(district)
    r = round_services.round_create(actor=civil, cycle=cycle, district=district, opens_at=start,
                                    closes_at=start + datetime.timedelta(days=30), max_choices=3, public_key=public)
    return round_services.round_open(round_=r, actor=civil, reason="示範資料：i-Voting 開始")


def seed(ref) -> list:
    cycle = ref["cycles"][max(ref["cycles"])]
    districts = ref["districts"]
    out = []
    for code, n in CLOSED.items():
        existing = Round.objects.filter(cycle=cycle, district=districts[code]).first()
        out.append(existing or _closed_round(ref, cycle, districts[code], n))
    existing = Round.objects.filter(cycle=cycle, district=districts[OPEN]).first()
    out.append(existing or _open_round(ref, cycle, districts[OPEN]))
    return out
