"""Public pages of the audit chain: anyone may see and copy the heads (docs/security.md)."""
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
def head(request):
    return render(request, "audit/head.html", {
        "head": selectors.chain_head(), "days": selectors.daily_heads(), "witnesses": selectors.witnesses(limit=20),
        "runs": sorted(selectors.verification_latest().values(), key=lambda r: r.kind),
    })


@require_GET
def heads_text(request):
    """The kept and witnessed heads as `position hash` lines: the file `manage.py audit_verify --heads` reads."""
    lines = ["# pbcity audit chain: daily heads (day, sealed at) -> position hash"]
    for d in selectors.daily_heads():
        lines.append(f"# {d.day.isoformat()} {d.sealed_at.isoformat()}")
        lines.append(f"{d.position} {d.entry_hash}")
    lines.append("# witnessed heads (every few minutes during a vote, daily otherwise): position hash witnessed-at")
    for w in selectors.witnesses():
        lines.append(f"{w.position} {w.entry_hash} {w.witnessed_at.isoformat()}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pbcity-audit-heads.txt"'
    return response
