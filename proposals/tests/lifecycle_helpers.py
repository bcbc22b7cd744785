"""Walk a proposal to any state through the real services, with the right actor for each step."""
from pbcity.roles import Role
from pbcity.tests.factories import AgencyFactory, UserFactory, staff
from proposals import services
from proposals.models import Proposal
from proposals.states import ConsentKind, State

# The steps that lead to each state from `draft`.
_RAISED = ["raise_proposal"]
_PASSED = _RAISED + ["pass_assembly"]
_ASSIGNED = _PASSED + ["designate_agencies"]
_WORKSHOP = _ASSIGNED + ["send_to_workshop"]
_REVIEWED = _WORKSHOP + ["pass_review"]
_EXHIBIT = _REVIEWED + ["open_exhibition"]
_VOTE = _EXHIBIT + ["open_vote"]
_ADMITTED = _VOTE + ["admit"]
_BUDGET = _ADMITTED + ["notify_agencies"]
PATH_TO = {
    State.DRAFT: [],
    State.RAISED: _RAISED,
    State.ASSEMBLY_PASSED: _PASSED,
    State.ASSEMBLY_REJECTED: _RAISED + ["reject_at_assembly"],
    State.AGENCIES_ASSIGNED: _ASSIGNED,
    State.DIRECT_EXECUTION: _ASSIGNED + ["agree_direct_execution"],
    State.IN_ASSESSMENT: _ASSIGNED + ["take_into_assessment"],
    State.IN_WORKSHOP: _WORKSHOP,
    State.REVIEW_PASSED: _REVIEWED,
    State.ON_EXHIBITION: _EXHIBIT,
    State.IN_VOTE: _VOTE,
    State.ADMITTED: _ADMITTED,
    State.BUDGETING: _BUDGET,
    State.IN_EXECUTION: _BUDGET + ["start_execution"],
}

WHO = {
    "raise_proposal": "district", "pass_assembly": "district", "reject_at_assembly": "district",
    "designate_agencies": "district", "send_to_workshop": "district", "exclude": "district", "merge": "district",
    "agree_direct_execution": "lead", "take_into_assessment": "lead", "execute_after_assessment": "lead",
    "close_assessment": "lead", "start_execution": "lead", "complete": "lead", "close_early": "lead",
    "pass_review": "committee", "fail_review": "committee",
    "open_exhibition": "civil", "open_vote": "civil", "admit": "civil", "reject_at_vote": "civil",
    "notify_agencies": "civil", "withdraw": "proposer",
}


# Transitions with no manual path: another stage's service decides them (review panel, i-Voting round and tally,
# the committee's approval of a closure the proposers consented to).
PREAUTHORISED = ("pass_review", "fail_review", "open_vote", "admit", "reject_at_vote", "close_early")


# Side tracks whose transition needs a deliberation record (docs/decisions.md, "Deliberation").
SIDE_TRACK_EVIDENCE = ("agree_direct_execution", "exclude")


def side_track_evidence(proposal, name, actor):
    """Write the record the side track's condition reads, as deliberation's service would."""
    from deliberation.models import DirectExecutionStatement, ExclusionCategory, ExclusionRecord

    if name == "agree_direct_execution" and proposal.lead_agency_id:
        DirectExecutionStatement.objects.create(
            proposal=proposal, agency_id=proposal.lead_agency_id, budget_covers=True, finishable_this_year=True,
            budget_line="本年度預算", recorded_by=actor or UserFactory(),
        )
    if name == "exclude" and not ExclusionRecord.objects.filter(proposal=proposal).exists():
        category, _ = ExclusionCategory.objects.get_or_create(
            cycle=proposal.cycle, name="人事費用", defaults={"name_en": "Personnel costs", "explanation": "x"}
        )
        ExclusionRecord.objects.create(proposal=proposal, category=category, reason="r",
                                       recorded_by=actor or UserFactory())


class Cast:
    """Everyone the matrix needs, for one district and one lead agency."""

    def __init__(self, district, other_district):
        self.district = district
        self.lead_agency = AgencyFactory()
        self.co_agency = AgencyFactory()
        self.proposer = UserFactory(name="提案人")
        self.people = {
            "anonymous": None,
            "resident": UserFactory(),
            "proposer": self.proposer,
            "district": staff(Role.DISTRICT_OFFICE, district=district),
            "district_other": staff(Role.DISTRICT_OFFICE, district=other_district),
            "district_no_mfa": staff(Role.DISTRICT_OFFICE, district=district, mfa=False),
            "civil": staff(Role.CIVIL_AFFAIRS),
            "civil_no_mfa": staff(Role.CIVIL_AFFAIRS, mfa=False),
            "committee": staff(Role.COMMITTEE),
            "lead": staff(Role.AGENCY, agency=self.lead_agency),
            "co_agency": staff(Role.AGENCY, agency=self.co_agency),
            "other_agency": staff(Role.AGENCY, agency=AgencyFactory()),
            "councillor": staff(Role.COUNCILLOR, district=district),
            "trainer": staff(Role.TRAINER),
        }

    def __getitem__(self, key):
        return self.people[key]

    def new_proposal(self, cycle, *, category="parks", single_agency=False) -> Proposal:
        # Raising needs the village once the district's villages are loaded (places.rules.village_needed): the
        # last of the district's villages, which no test places a proposal in on purpose.
        from places.models import Village

        village = Village.objects.filter(district=self.district).order_by("-code").first()
        return services.proposal_create(
            actor=self["district"], cycle=cycle, district=self.district, title="公園增設遮陽棚",
            problem="夏天公園沒有遮蔭。", solution="增設遮陽棚。", category=category,
            proposers=[self.proposer], as_draft=True, village=village,
        )

    def consent(self, proposal, kind):
        for pp in proposal.proposers.all():
            services.consent_record(proposer=pp, kind=kind, given=True, actor=self.proposer)

    def step(self, proposal, name, *, actor=None, single_agency=False):
        actor = actor if actor is not None else self[WHO[name]]
        proposal = Proposal.objects.get(pk=proposal.pk)
        if name == "designate_agencies":
            co = [] if single_agency else [self.co_agency]
            return services.proposal_designate_agencies(
                proposal=proposal, actor=actor, lead=self.lead_agency, co_agencies=co, reason="會前會指定"
            )
        if name == "agree_direct_execution":
            self.consent(proposal, ConsentKind.DIRECT_EXECUTION)
        if name in SIDE_TRACK_EVIDENCE:
            side_track_evidence(proposal, name, actor)
        if name == "take_into_assessment":
            self.consent(proposal, ConsentKind.ASSESSMENT)
        # The review outcome has no manual path: the panel's service decides it preauthorised.
        return services.proposal_transition(proposal=proposal, actor=actor, transition_name=name, reason="測試理由",
                                            preauthorised=name in PREAUTHORISED)

    def walk(self, cycle, state, *, category=None) -> Proposal:
        path = PATH_TO[state]
        if category is None:
            category = "traffic" if "take_into_assessment" in path else "parks"
        single = "agree_direct_execution" in path
        p = self.new_proposal(cycle, category=category)
        for name in path:
            p = self.step(p, name, single_agency=single)
        return Proposal.objects.get(pk=p.pk)
