"""Who may do what at a resident assembly. Used by services, views and templates.

Table leads and recorders are decided by the training app's card predicates alone: no role,
not even district-office staff, overrides a missing deliberation card.
"""
from pbcity.permissions import acts_as
from pbcity.roles import Role
from training.permissions import may_lead_table, may_record


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_plan(district_id, user) -> bool:
    """Plan an assembly in a district: that district's office (with MFA)."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=district_id)


def can_run(assembly, user) -> bool:
    """Edit the plan, sign people in, set up tables, open and close the vote, enter hand counts."""
    return acts_as(user, Role.DISTRICT_OFFICE, district_id=assembly.district_id)


def can_lead_table(user) -> bool:
    return _authenticated(user) and may_lead_table(user)


def can_be_recorder(user) -> bool:
    return _authenticated(user) and may_record(user)


def can_record_at(table, user) -> bool:
    """Enter a table's proposals: its own recorder, still holding a deliberation card, or the
    district office running the assembly (e.g. when the recorder's device fails)."""
    if can_run(table.assembly, user):
        return True
    return _authenticated(user) and table.recorder_id == user.pk and may_record(user)


def can_record_somewhere(assembly, user) -> bool:
    return can_run(assembly, user) or any(can_record_at(t, user) for t in assembly.tables.all())


def can_register(assembly, user) -> bool:
    """Pre-register online: any signed-in resident, until voting opens."""
    return _authenticated(user) and assembly.status in ("planned", "open")


def can_self_sign_in(assembly, attendee, user) -> bool:
    """Remote attendees of an online assembly sign themselves in while it is in session."""
    return (
        assembly.is_online and assembly.status == "open" and attendee is not None
        and _authenticated(user) and attendee.user_id == user.pk
    )
