"""Role × action matrix of the exhibition and voter predicates (V1): other district, staff without MFA."""
import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from pbcity.tests.factories import UserFactory
from voting import permissions as perm
from voting.services import exhibition as ex_services
from voting.services import voters as voter_services

from .v1_fixtures import *  # noqa: F401,F403
from .v1_fixtures import VALID_IDS

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "proposer", "author", "voter", "district", "district_other", "district_no_mfa",
         "civil", "civil_no_mfa", "committee", "lead", "councillor", "trainer"]
# action → the roles allowed (everyone else is refused).
MATRIX = {
    "view_exhibition": set(ROLES),
    "comment": set(ROLES) - {"anonymous"},
    "report_comment": set(ROLES) - {"anonymous", "author"},
    "moderate_comment": {"district"},
    "moderate_district": {"district"},
    "register_voter": set(ROLES) - {"anonymous"},
    "verify_voter": {"district"},
    "view_voter_document": {"district", "voter"},
    "import_register": {"civil"},
}


def test_predicate_matrix(exhibited, vote_cycle, district, cast):
    people = {r: cast[r] for r in ROLES if r in cast.people}
    people["anonymous"] = AnonymousUser()
    people["author"] = UserFactory()
    people["voter"] = UserFactory()
    comment = ex_services.comment_post(actor=people["author"], proposal=exhibited, body="留言")
    voter = voter_services.voter_register(actor=people["voter"], cycle=vote_cycle, raw_id=VALID_IDS[0], basis="work",
                                          birth_date=dt.date(1990, 1, 1), district=district)
    checks = {
        "view_exhibition": lambda u: perm.can_view_exhibition(exhibited, u),
        "comment": lambda u: perm.can_comment(exhibited, u),
        "report_comment": lambda u: perm.can_report_comment(comment, u),
        "moderate_comment": lambda u: perm.can_moderate_comment(comment, u),
        "moderate_district": lambda u: perm.can_moderate_district(district, u),
        "register_voter": lambda u: perm.can_register_voter(vote_cycle, u),
        "verify_voter": lambda u: perm.can_verify_voter(voter, u),
        "view_voter_document": lambda u: perm.can_view_voter_document(voter, u),
        "import_register": lambda u: perm.can_import_register(vote_cycle, u),
    }
    got = {action: {r for r in ROLES if check(people[r])} for action, check in checks.items()}
    assert got == MATRIX


def test_a_hidden_comment_cannot_be_reported_and_comments_close_with_the_vote(exhibited, cast):
    comment = ex_services.comment_post(actor=UserFactory(), proposal=exhibited, body="留言")
    ex_services.comment_moderate(actor=cast["district"], comment=comment, action="hide", reason="不當")
    comment.refresh_from_db()
    assert not perm.can_report_comment(comment, cast["resident"])
    cast.step(exhibited, "open_vote")
    exhibited.refresh_from_db()
    # Comments close with the vote; the page stays readable: voters read what is on their ballot (issue 18).
    assert not perm.can_comment(exhibited, cast["resident"]) and perm.can_view_exhibition(exhibited, None)
