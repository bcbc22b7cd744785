"""Demo projects: milestones with evidence, budget figures, a council decision, difficulties, reports.

Everything goes through tracking's services; idempotent (a project that already has milestones is left as
it is, and a report already sent is skipped by its claim row).
"""
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from . import reports, services
from .models import ChangeRequest, Milestone, Project, QuarterlyReport

# How many projects get PDFs of past quarters (PDFs take about a second each; docs/performance.md).
REPORTED_PROJECTS = 3
PAST_QUARTERS = ("2026Q2", "2026Q3")


def _png(name: str, color) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (160, 120), color)
    draw = ImageDraw.Draw(img)
    draw.rectangle((20, 60, 140, 110), fill=(240, 240, 235))
    draw.polygon([(10, 62), (80, 20), (150, 62)], fill=(90, 60, 40))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _lead_user(ref, project):
    return ref["users"]["agency"][project.lead_agency.code]


def complete_with_report(*, proposal, actor, reason: str):
    """Used by the proposals and assemblies demos (through portal/demo.py) for a completed proposal: the final report is the only way to complete."""
    project = Project.objects.get(proposal=proposal)
    today = timezone.localdate()
    if not project.milestones.exists():
        services.milestone_create(project=project, actor=actor, reason="完工驗收", title="完工驗收",
                                  planned_end=today, status=Milestone.Status.DONE, actual_end=today)
    services.project_complete(project=project, actor=actor, reason=reason,
                              text="工程已依計畫完成並驗收，設施已開放里民使用。感謝提案人與里民的參與。",
                              final_cost=int((proposal.estimated_cost or 500000) * 0.95),
                              photos=[(_png("done.png", (120, 170, 120)), "完工後的設施全景，里民正在使用")])


def _plan(ref, project, n):
    lead = _lead_user(ref, project)
    today = timezone.localdate()
    d = datetime.timedelta
    plans = [
        ("規劃設計與里民說明會", 2, today - d(days=60), Milestone.Status.DONE, 100, "設計圖已於里民說明會公開。"),
        ("發包與採購", 1, today - d(days=10), Milestone.Status.DELAYED, 60, "第一次流標，已重新公告。"),
        ("施工", 4, today + d(days=75), Milestone.Status.ON_TRACK, 20 + 10 * (n % 4), "施工中，預計明年初完工。"),
    ]
    made = []
    for title, weight, end, status, pct, note in plans:
        made.append(services.milestone_create(
            project=project, actor=lead, reason="專案啟動時規劃里程碑", title=title, weight=weight, planned_end=end,
            planned_start=end - d(days=30), status=status, percent=pct, public_note=note,
            actual_end=end if status == Milestone.Status.DONE else None,
            staff_note="請於每季末更新進度。",
        ))
    services.evidence_add(milestone=made[0], actor=lead, upload=_png("design.png", (70, 130, 180)),
                          alt_text="里民說明會現場，設計圖展示於白板上")
    for co in project.co_agencies.all():
        co_user = ref["users"]["agency"].get(co.code)
        if co_user is not None:
            services.milestone_create(project=project, actor=co_user, reason="協辦機關規劃", title="協辦：里民溝通與宣傳",
                                      planned_end=today + d(days=30), status=Milestone.Status.ON_TRACK, percent=50,
                                      public_note="由協辦機關辦理里民溝通。")
    return made


def _budget(ref, project, n):
    lead = _lead_user(ref, project)
    today = timezone.localdate()
    planned = project.proposal.estimated_cost or 600000
    services.budget_figure_record(project=project, actor=lead, kind="planned", amount=planned,
                                  as_of=today - datetime.timedelta(days=90), note="依提案估算")
    executing = project.proposal.state == "in_execution"
    if project.budget_path == Project.BudgetPath.NEXT_YEAR:
        if executing or n % 2 == 0:
            cut = n % 2 == 0
            services.council_decision_record(project=project, actor=ref["users"]["civil"],
                                             outcome="cut" if cut else "approved", cut_amount=planned // 10 if cut else None,
                                             decided_on=today - datetime.timedelta(days=30),
                                             note="議會審議刪減一成" if cut else "議會照案通過")
        if not executing:
            return
    else:
        services.budget_figure_record(project=project, actor=lead, kind="approved", amount=planned,
                                      as_of=today - datetime.timedelta(days=80))
    services.budget_figure_record(project=project, actor=lead, kind="committed", amount=int(planned * 0.7),
                                  as_of=today - datetime.timedelta(days=20), note="已決標")
    # One project spends well beyond its approval, so the dashboard shows a budget variance.
    executed = int(planned * (1.3 if n % 3 == 0 else 0.4))
    services.budget_figure_record(project=project, actor=lead, kind="executed", amount=executed, as_of=today)


def _difficulties(ref, project):
    lead = _lead_user(ref, project)
    d = services.difficulty_raise(project=project, actor=lead, kind="difficulty", summary="用地權屬需跨局處協調",
                                  details="施工範圍部分屬國有財產署管理，需取得同意後方能施工。")
    services.difficulty_record(difficulty=d, actor=ref["users"]["committee"], kind="advice",
                               text="建議提請參與式預算組會議，邀集國產署與區公所共同協調。")
    dispute = services.difficulty_raise(project=project, actor=lead, kind="dispute", summary="鄰近住戶擔心噪音",
                                        details="部分住戶反映夜間使用可能產生噪音。")
    services.difficulty_record(difficulty=dispute, actor=lead, kind="meeting",
                               held_on=timezone.localdate() - datetime.timedelta(days=14),
                               text="召開里民協調會，提案人、里長與住戶代表出席。")
    services.difficulty_record(difficulty=dispute, actor=lead, kind="outcome",
                               text="協調結論：設施開放至晚上九點，並加裝告示。")


def seed(ref) -> dict:
    services.projects_backfill()
    for cycle in ref["cycles"].values():
        services.cycle_tracking(cycle=cycle)
    projects = list(Project.objects.select_related("proposal", "lead_agency").order_by("pk"))
    open_ones = [p for p in projects if p.proposal.state in ("direct_execution", "budgeting", "in_execution")]
    for n, project in enumerate(open_ones):
        if project.milestones.exists():
            continue  # seeded by an earlier run
        made = _plan(ref, project, n)
        _budget(ref, project, n)
        if n == 0:
            _difficulties(ref, project)
        if n == 1:
            # The demo's history starts months ago: this milestone has had no update since, so the committee
            # sees the red flag an overdue update raises (docs/decisions.md, "Tracking").
            Milestone.objects.filter(pk=made[2].pk).update(
                last_update_on=timezone.localdate() - datetime.timedelta(days=150))
    # Reports of the two past quarters for a few projects, already sent (to the console backend's silence:
    # the demo does not print PDFs).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for project in open_ones[:REPORTED_PROJECTS]:
            for quarter in PAST_QUARTERS:
                if not QuarterlyReport.objects.filter(project=project, quarter=quarter, status="sent").exists():
                    reports.report_make(project_id=project.pk, quarter=quarter)
    return {"projects": projects, "accountability": accountability_seed(ref, open_ones)}


# -- after the vote: sign-off, committee, contacts, questions (docs/decisions.md, "Accountability") -----------

def _office(ref, project):
    return ref["users"]["district"][project.proposal.district.code]


def _answer_all(ref, req, *, agrees=True, reason=""):
    """Every proposer agrees; a proposer without an account is answered for by the office after the deadline."""
    from proposals.selectors import proposal_proposers

    for pp in proposal_proposers(req.project.proposal):
        if req.answers.filter(proposer=pp).exists():
            continue
        if pp.user_id:
            services.change_answer(request=req, actor=pp.user, agrees=agrees, reason=reason)
        else:
            # The deadline has passed in the demo's history: the office answers for the walk-in, on record.
            ChangeRequest.objects.filter(pk=req.pk).update(
                answer_due=timezone.localdate() - datetime.timedelta(days=1))
            req.refresh_from_db()
            services.change_answer(request=req, actor=_office(ref, req.project), proposer=pp, agrees=agrees,
                                   reason="電話與掛號信皆未回覆；里長轉達其同意。")


def closure_request_with_consent(*, proposal, actor, reason: str, ref=None):
    """For the proposals demo's project closed early (through portal/demo.py): the lead agency asks and every
    proposer consents; the committee's approval at a meeting follows (accountability's demo), the only way a
    project closes (tracking.services.closure_decide). Returns the request."""
    ref = ref or {"users": _demo_users()}
    project = Project.objects.select_related("proposal__district").get(proposal=proposal)
    req = project.change_requests.filter(kind="close").exclude(status__in=("rejected", "returned")).first()
    if req is None:
        req = services.change_propose(project=project, actor=actor, kind="close", reason=reason)
    _answer_all(ref, req)
    req.refresh_from_db()
    return req


def _demo_users() -> dict:
    """The demo's committee member and district offices, by their fixed e-mails (pbcity/demo.py)."""
    from pbcity.models import District, User

    return {"committee": User.objects.get(email="committee@demo.pbcity.tw"),
            "district": {d.code: User.objects.get(email=f"{d.code}-office@demo.pbcity.tw")
                         for d in District.objects.all()}}


def _proposer_user(project):
    pp = project.proposal.proposers.filter(user__isnull=False).select_related("user").first()
    return pp.user if pp else None


def _milestone_change(ref, project, *, reason, days, disagree=None):
    m = project.milestones.exclude(status__in=("done", "cancelled")).order_by("-planned_end").first()
    if m is None or project.change_requests.filter(reason=reason).exists():
        return None
    req = services.change_propose(project=project, actor=_lead_user(ref, project), kind="milestone", milestone=m,
                                  new_planned_end=m.planned_end + datetime.timedelta(days=days), reason=reason)
    if disagree:
        services.change_answer(request=req, actor=_proposer_user(project), agrees=False, reason=disagree)
    return req


PENDING_REASON = "施工廠商因颱風停工兩週，完工日順延。"
DISPUTED_REASON = "管線遷移需與台電協調，完工日須延後三個月。"
CLOSURE_REASON = "鄰近住戶強烈反對，經里民協調會決議提早結案，已完成部分保留使用。"


def accountability_seed(ref, open_ones) -> dict:
    """A pending change, a disputed one, a closure the proposers agreed to (waiting for the committee), an
    orphan flag with a contact change and one still open, and councillors' questions. Idempotent."""
    from proposals import services as proposal_services
    from proposals.models import OrphanFlag, ProposalContact

    out = {}
    reasons = (PENDING_REASON, DISPUTED_REASON, CLOSURE_REASON)
    used = set(ChangeRequest.objects.filter(reason__in=reasons).values_list("project_id", flat=True))
    # Projects picked once: a second run (or a closure the meetings demo approved) finds its request by reason.
    free = [p for p in open_ones if p.proposal.state == "in_execution" and p.pk not in used and _proposer_user(p)
            and p.milestones.exists()]
    for reason in reasons:
        req = ChangeRequest.objects.filter(reason=reason).first()
        if req is None and free:
            project = free.pop(0)
            if reason == CLOSURE_REASON:
                req = services.change_propose(project=project, actor=_lead_user(ref, project), kind="close",
                                              reason=reason)
                _answer_all(ref, req)
            elif reason == PENDING_REASON:
                req = _milestone_change(ref, project, reason=reason, days=14)
            else:
                req = _milestone_change(ref, project, reason=reason, days=90,
                                        disagree="延後三個月太久，請先施作不受管線影響的部分。")
        out[{PENDING_REASON: "pending", DISPUTED_REASON: "disputed", CLOSURE_REASON: "closure"}[reason]] = req
    # Councillors' questions on a project of the demo councillor's district.
    councillor = ref["users"].get("councillor")
    daan = [p for p in open_ones if p.proposal.district.code == "daan" and p.proposal.state in (
        "in_execution", "budgeting", "direct_execution")]
    from .models import CouncillorQuestion

    if councillor is not None and daan and not CouncillorQuestion.objects.filter(asked_by=councillor).exists():
        q = services.question_ask(project=daan[0], actor=councillor, text="本案預算執行率偏低，請說明原因與改善時程。")
        services.question_answer(question=q, actor=_lead_user(ref, daan[0]),
                                 text="第一次招標流標，已於上月重新決標，預計下季執行率可達七成。")
        services.question_ask(project=daan[0], actor=councillor, text="施工期間的交通維持計畫是否已與里長確認？")
    # Proposers who stopped taking part: two flagged, one of them handed to a resident with the office's consent.
    if not OrphanFlag.objects.exists():
        from proposals.models import Proposal

        silent = list(Proposal.objects.filter(state__in=("in_execution", "budgeting"), proposers__user__isnull=False)
                      .order_by("pk").values_list("pk", flat=True)[:2])
        proposal_services.orphans_flag(now=timezone.now() + datetime.timedelta(days=400), proposal_ids=silent)
        if silent and not ProposalContact.objects.exists():
            p = Proposal.objects.get(pk=silent[0])
            taker = next(u for u in ref["users"]["residents"] if not p.proposers.filter(user=u).exists())
            proposal_services.contact_change(proposal=p, actor=ref["users"]["district"][p.district.code],
                                             contact=taker, reason="原提案人已搬離，經公所同意由同里居民接手聯繫。")
    return out
