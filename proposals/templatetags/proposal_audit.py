"""`{% audit_chain_status proposal %}`: does this proposal's audit trail verify (committee audit page):
its rows in the chain, and every registered invariant that names it."""
from django import template

from pbcity.audit.invariants import invariants_check
from pbcity.audit.selectors import chain_head
from pbcity.audit.verify import rows_verify
from proposals.selectors import proposal_audit_rows

register = template.Library()


@register.inclusion_tag("audit/_proposal_status.html")
def audit_chain_status(proposal):
    problems = rows_verify(proposal_audit_rows(proposal=proposal))
    subject = f"{proposal._meta.label_lower}:{proposal.pk}"
    broken = [p for p in invariants_check() if p.subject == subject]
    return {"problems": problems, "invariants": broken, "ok": not problems and not broken, "head": chain_head(),
            "proposal": proposal}
