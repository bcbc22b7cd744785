"""Audit template tags.

- `{% audit_chain_status proposal %}`: does this proposal's audit trail verify (committee audit page):
  its rows in the chain, and every registered invariant that names it.
- `{% audit_notice proposal %}` (an object, or "proposals.proposal:7"): the red notice of a
  failed scheduled verification that names this object (no argument: any failure, for /audit/);
  nothing while everything verifies.
- `{% audit_witness_head %}`: the last witnessed head of the audit chain (the board pages publish it).
"""
from django import template

from pbcity.audit.invariants import invariants_check
from pbcity.audit.selectors import chain_head, latest_witness, proposal_audit_rows, verification_failures
from pbcity.audit.verify import rows_verify

register = template.Library()


@register.inclusion_tag("audit/_proposal_status.html")
def audit_chain_status(proposal):
    problems = rows_verify(proposal_audit_rows(proposal=proposal))
    subject = f"{proposal._meta.label_lower}:{proposal.pk}"
    broken = [p for p in invariants_check() if p.subject == subject]
    return {"problems": problems, "invariants": broken, "ok": not problems and not broken, "head": chain_head(),
            "proposal": proposal}


@register.inclusion_tag("audit/_notice.html")
def audit_notice(subject=None):
    if subject is not None and hasattr(subject, "_meta"):
        subject = f"{subject._meta.label_lower}:{subject.pk}"
    return {"failures": verification_failures(subject=subject), "subject": subject}


@register.inclusion_tag("audit/_witness_head.html")
def audit_witness_head():
    return {"witness": latest_witness()}
