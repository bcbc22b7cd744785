import pytest

from pbcity.roles import Role
from pbcity.tests.factories import staff
from proposals import services
from proposals.tests.factories import ProposalFactory  # noqa: F401  (factory import keeps the app loaded)


@pytest.mark.django_db
def test_default_language_is_traditional_chinese(client, cycle):
    page = client.get("/proposals/")
    assert page.status_code == 200
    assert 'lang="zh-Hant"' in page.content.decode()
    assert "提案" in page.content.decode()


@pytest.mark.django_db
def test_english_through_accept_language(client, cycle):
    page = client.get("/proposals/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'lang="en"' in html
    assert "Proposals" in html


@pytest.mark.django_db
def test_staff_without_mfa_cannot_act(district, cycle, resident):
    office = staff(Role.DISTRICT_OFFICE, district=district, mfa=False)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.proposal_create(
            actor=office, cycle=cycle, district=district, title="t", problem="p", solution="s",
            category="parks", proposers=[resident],
        )


@pytest.mark.django_db
def test_staff_without_mfa_is_sent_to_ask_for_an_enrolment_link(client, district):
    office = staff(Role.DISTRICT_OFFICE, district=district, mfa=False)
    client.force_login(office)
    page = client.get("/proposals/")
    assert page.status_code == 302 and page["Location"] == "/accounts/enrolment/"


@pytest.mark.django_db
def test_staff_with_mfa_and_residents_browse_normally(client, district, resident):
    client.force_login(staff(Role.DISTRICT_OFFICE, district=district))
    assert client.get("/proposals/").status_code == 200
    client.force_login(resident)
    assert client.get("/proposals/").status_code == 200


@pytest.mark.django_db
def test_role_scope_is_enforced_by_the_database(district, agency):
    from django.db import IntegrityError

    from pbcity.models import RoleAssignment
    from pbcity.tests.factories import UserFactory

    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(user=UserFactory(), role=Role.DISTRICT_OFFICE, agency=agency)
