"""Audit template tags of the base (a proposal's own audit status: `proposals/templatetags/proposal_audit.py`).

- `{% audit_notice proposal %}` (an object, or "proposals.proposal:7"): the red notice of a
  failed scheduled verification that names this object (no argument: any failure, for /audit/);
  nothing while everything verifies.
- `{% audit_witness_head %}`: the last witnessed head of the audit chain (the board pages publish it).
"""
from django import template

from pbcity.audit.selectors import latest_witness, verification_failures

register = template.Library()


@register.inclusion_tag("audit/_notice.html")
def audit_notice(subject=None):
    if subject is not None and hasattr(subject, "_meta"):
        subject = f"{subject._meta.label_lower}:{subject.pk}"
    return {"failures": verification_failures(subject=subject), "subject": subject}


@register.inclusion_tag("audit/_witness_head.html")
def audit_witness_head():
    return {"witness": latest_witness()}
