"""Demo data for the voting stage: voters and exhibition comments (V1), then rounds and ballots (demo_rounds).

Everything goes through the services and is idempotent. The demo ID numbers are made up, exist only in
memory while seeding and are stored keyed, like real ones.
"""
import datetime
import importlib.util
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from voting import rules

# Resident index → (district code, basis, how they end up). Residents 11 and 12 stay unregistered so
# that a newcomer can try the registration.
VOTER_PLAN = [
    ("daan", "household", "online"), ("daan", "household", "online"), ("daan", "study", "in_person"),
    ("beitou", "household", "online"), ("beitou", "work", "in_person"), ("beitou", "live", "pending"),
    ("zhongshan", "household", "online"), ("daan", "work", "pending"), ("shilin", "household", "online"),
    ("wanhua", "live", "in_person"),
]

COMMENTS = [
    ("支持！附近長輩每天都在這裡散步，遮蔭真的很需要。", "plain"),
    ("建議施工時避開上下學時段，也請考慮<strong>夜間照明</strong>。", "rich"),
    ("經費估算是否包含後續維護？希望機關能說明。", "plain"),
]
REPLY = "同意，維護費用也應該公開。"
ABUSIVE = "這種提案根本是浪費錢，提案的人都是XX。"


def demo_id(n: int) -> str:
    """A made-up national ID with a correct check digit (A1 + 7 digits + check)."""
    stem = f"A{1 + n % 2}{n:07d}"
    for check in range(10):
        if rules.id_kind(stem + str(check)):
            return stem + str(check)
    raise AssertionError("no check digit")  # unreachable: one of ten digits always fits


def _proof_png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (240, 150), (245, 245, 240))
    ImageDraw.Draw(img).rectangle((10, 10, 230, 140), outline=(11, 92, 122), width=4)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _birth(i: int) -> datetime.date:
    return datetime.date(1960 + (i * 7) % 45, 1 + i % 12, 1 + (i * 3) % 28)


def seed_voters(ref) -> dict:
    from django.conf import settings

    from voting.models import RegisterImport, Voter
    from voting.services import voters as services

    cycle = ref["cycles"][max(ref["cycles"])]
    users = ref["users"]
    districts = ref["districts"]
    civil = users["civil"]
    residents = users["residents"]
    key = settings.VOTER_ID_HMAC_KEY.encode()
    # The household register as civil affairs would import it: keyed IDs only.
    if not RegisterImport.objects.filter(cycle=cycle, original_name="demo-household-register.csv").exists():
        out = io.StringIO()
        out.write("id_hmac,birth_date,district\n")
        for i, (code, basis, _how) in enumerate(VOTER_PLAN):
            if basis == "household":
                out.write(f"{rules.id_keyed(demo_id(i + 1), key=key)},{_birth(i).isoformat()},{code}\n")
        for n in range(500, 540):  # people in the register who have not registered to vote
            out.write(f"{rules.id_keyed(demo_id(n), key=key)},1980-06-0{1 + n % 9},{'daan' if n % 2 else 'beitou'}\n")
        out.write("not-a-keyed-id,1980-01-01,daan\n")  # a rejected row for the import report
        upload = SimpleUploadedFile("demo-household-register.csv", out.getvalue().encode("utf-8"),
                                    content_type="text/csv")
        job = services.register_import_start(actor=civil, cycle=cycle, upload=upload)
        job.original_name = "demo-household-register.csv"
        job.save(update_fields=["original_name"])
        services.register_import_run(job_id=job.pk)
    made = 0
    for i, (code, basis, how) in enumerate(VOTER_PLAN):
        if i >= len(residents) or code not in districts:
            continue
        user = residents[i]
        if Voter.objects.filter(cycle=cycle, user=user).exists():
            continue
        docs = []
        if basis != "household":
            docs = [SimpleUploadedFile("proof.png", _proof_png(), content_type="image/png")]
        voter = services.voter_register(actor=user, cycle=cycle, raw_id=demo_id(i + 1), birth_date=_birth(i),
                                        basis=basis, district=districts[code], documents=docs)
        if how == "in_person" and voter.status == Voter.Status.PENDING:
            services.voter_decide(voter=voter, actor=users["district"][code], approve=True,
                                  reason="臨櫃核對身分證與證明文件無誤")
        made += 1
    return {"voters": made}


def seed_comments(ref) -> dict:
    from proposals.models import Proposal
    from voting import permissions as perm
    from voting.models import Comment
    from voting.services import exhibition as services

    residents = ref["users"]["residents"]
    made = 0
    for n, proposal in enumerate(Proposal.objects.filter(state__in=perm.EXHIBITION_STATES).order_by("id")[:6]):
        if Comment.objects.filter(proposal=proposal).exists():
            continue
        first = None
        for k, (body, fmt) in enumerate(COMMENTS[: 1 + n % 3]):
            c = services.comment_post(actor=residents[(n + k) % len(residents)], proposal=proposal, body=body,
                                      body_format=fmt)
            first = first or c
            made += 1
        services.comment_post(actor=residents[(n + 5) % len(residents)], proposal=proposal, body=REPLY, parent=first)
        made += 1
        if n == 0:
            bad = services.comment_post(actor=residents[7], proposal=proposal, body=ABUSIVE)
            services.comment_report(actor=residents[1], comment=bad, reason="人身攻擊")
            services.comment_report(actor=residents[2], comment=bad, reason="不理性發言")
            office = ref["users"]["district"].get(proposal.district.code)
            if office is not None:
                services.comment_moderate(actor=office, comment=bad, action="hide", reason="含人身攻擊字眼，依留言規範隱藏")
            made += 1
        if n == 1:
            reported = services.comment_post(actor=residents[8], proposal=proposal, body="我覺得應該改到別的公園。")
            services.comment_report(actor=residents[3], comment=reported, reason="離題")
            made += 1
    return {"comments": made}


def seed(ref):
    out = {**seed_voters(ref), **seed_comments(ref)}
    if importlib.util.find_spec("voting.demo_rounds"):
        from voting import demo_rounds

        out["rounds"] = demo_rounds.seed(ref)
    from voting import demo_counting

    out["counting"] = demo_counting.seed(ref)
    return out
