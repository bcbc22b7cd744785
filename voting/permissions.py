"""Who may do what in the voting stage: predicates `(obj, user)` built on pbcity.permissions."""

# --- Exhibition and voters (V1) ---------------------------------------------------------------
from pbcity.permissions import acts_as
from pbcity.roles import Role
from proposals.states import State
from voting.models import ArchivedElection, Round

# Proposals are shown on the exhibition from the review's pass until the vote; comments are open then too.
EXHIBITION_STATES = (State.REVIEW_PASSED, State.ON_EXHIBITION)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_view_exhibition(proposal, user) -> bool:
    """The exhibition page of a proposal is public once it was exhibited, also during and after the vote."""
    return proposal.state in EXHIBITION_STATES or proposal.transitions.filter(to_state__in=EXHIBITION_STATES).exists()


def can_comment(proposal, user) -> bool:
    """Any signed-in resident comments on a proposal while it is on the exhibition."""
    return _signed_in(user) and proposal.state in EXHIBITION_STATES


def can_report_comment(comment, user) -> bool:
    """Any signed-in resident other than its author reports a visible comment as abusive."""
    return _signed_in(user) and comment.author_id != user.pk and not comment.hidden


def can_moderate_comment(comment, user) -> bool:
    """District-office staff of the proposal's district (with MFA) hide, restore or keep a comment."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=comment.proposal.district_id)


def can_moderate_district(district, user) -> bool:
    """District-office staff of this district (with MFA) see its reported comments."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=district.pk)


def can_register_voter(cycle, user) -> bool:
    """Any signed-in person registers themself as a voter of a cycle that has an i-Voting phase."""
    return _signed_in(user) and cycle.phases.filter(phase="voting").exists()


def can_verify_voter(voter, user) -> bool:
    """District-office staff of the voter's district (with MFA) verify or reject them in person."""
    return voter.district_id is not None and acts_as(user, Role.DISTRICT_OFFICE, district_id=voter.district_id)


def can_view_voter_document(voter, user) -> bool:
    """The voter's proofs: the voter themself and district-office staff of the voter's district."""
    return (_signed_in(user) and voter.user_id == user.pk) or can_verify_voter(voter, user)


def can_import_register(cycle, user) -> bool:
    """Civil-affairs staff (with MFA) import the household register of a cycle and read its reports."""
    return acts_as(user, Role.CIVIL_AFFAIRS)


# --- Rounds, ballots, board and results (V2) ---------------------------------------------------

def can_manage_rounds(cycle, user) -> bool:
    """Civil-affairs staff (with MFA) prepare, open, close and count the rounds of a cycle."""
    return acts_as(user, Role.CIVIL_AFFAIRS)


def can_follow_round(round_, user) -> bool:
    """Staff progress of a round (turnout so far, sealing, the tally): civil affairs and committee members."""
    return acts_as(user, Role.CIVIL_AFFAIRS) or acts_as(user, Role.COMMITTEE)


def can_open_box(round_, user) -> bool:
    """The quorum of key holders opens a closed round's ballot box: entered by a committee member or civil affairs."""
    return acts_as(user, Role.CIVIL_AFFAIRS) or acts_as(user, Role.COMMITTEE)


def can_cast(round_, user) -> bool:
    """A verified voter of the round's cycle and district casts a ballot (the round must also be open)."""
    from voting.selectors.rounds import round_voter

    voter = round_voter(user=user, cycle_id=round_.cycle_id)
    return voter is not None and voter.district_id == round_.district_id


def can_view_board(round_, user) -> bool:
    """The public board of receipts is shown to everyone once the round has closed, never before."""
    return round_.status in (Round.Status.CLOSED, Round.Status.TALLIED)


def can_view_results(round_, user) -> bool:
    """Results, turnout, charts, PDF and open data: everyone, once the tally is published; nobody before."""
    return round_.status == Round.Status.TALLIED


# --- Counting rules: archived elections and the rule comparison --------------------------------

def can_import_archive(obj, user) -> bool:
    """Civil-affairs staff (with MFA) import past elections of other cities from pabulib files."""
    return acts_as(user, Role.CIVIL_AFFAIRS)


def can_view_archive(election, user) -> bool:
    """An imported election, its comparison and its `.pb` file are public; a queued or refused one is staff's."""
    return election.status == ArchivedElection.Status.DONE or can_import_archive(election, user)


def can_compare_round(round_, user) -> bool:
    """Civil-affairs staff and committee members (with MFA) start the rule comparison of a tallied round."""
    return acts_as(user, Role.CIVIL_AFFAIRS) or acts_as(user, Role.COMMITTEE)
