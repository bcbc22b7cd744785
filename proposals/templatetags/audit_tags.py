"""`{% audit_chain_status proposal %}`: does this proposal's audit trail verify (committee audit page)."""
from django import template

from pbcity.audit.selectors import chain_head
from pbcity.audit.verify import rows_verify
from proposals.selectors import proposal_audit_rows

register = template.Library()


@register.inclusion_tag("audit/_proposal_status.html")
def audit_chain_status(proposal):
    problems = rows_verify(proposal_audit_rows(proposal=proposal))
    last = proposal.transitions.order_by("-created_at", "-id").first()
    state_ok = proposal.state == (last.to_state if last else "draft")
    return {"problems": problems, "state_ok": state_ok, "ok": not problems and state_ok, "head": chain_head(),
            "proposal": proposal, "last": last}
