"""Reads for the cycle kit: every public file a cycle's decisions can be recomputed from.

The documents are the stage apps' own open data (the same bodies their pages offer for download), so
the kit adds no second description of a decision (docs/verification.md lists them).
"""
import json

from assemblies.models import Assembly
from assemblies.selectors import results_document
from deliberation.models import ReviewPanel
from deliberation.selectors import draw_input_document, draw_result_document, scores_document
from voting.models import Round, RuleOutcome
from voting.selectors.counting import round_pb_text
from voting.views.results import export_data

KIT = {"name": "pbcity-cycle-kit", "version": "1"}


def json_bytes(doc) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def rule_comparison_document(*, round_) -> dict:
    """The comparison page's stored outcomes, exact, for one round (empty when none was computed)."""
    return {"round": round_.pk, "counting_rule": round_.counting_rule,
            "outcomes": [{"rule": o.rule, "selected": [str(x) for x in o.selected], "cost": o.cost,
                          "budget": o.budget} for o in RuleOutcome.objects.filter(round=round_).order_by("id")]}


def cycle_documents(*, cycle) -> dict[str, bytes]:
    """{path inside the kit: content} for every closed assembly, drawn panel and tallied round of `cycle`."""
    files = {}
    for a in (Assembly.objects.filter(cycle=cycle, status=Assembly.Status.CLOSED)
              .select_related("cycle", "district").order_by("pk")):
        files[f"assemblies/assembly-{a.pk}.json"] = json_bytes(results_document(assembly=a))
    for panel in ReviewPanel.objects.filter(cycle=cycle).select_related("cycle", "district").order_by("pk"):
        doc, result = draw_input_document(panel=panel), draw_result_document(panel=panel)
        if doc is None or result is None:
            continue  # not drawn yet: no decision to check
        files[f"panels/panel-{panel.pk}-draw-input.json"] = json_bytes(doc)
        files[f"panels/panel-{panel.pk}-draw-result.json"] = json_bytes(result)
        if panel.state == ReviewPanel.State.CLOSED:
            files[f"panels/panel-{panel.pk}-scores.json"] = json_bytes(scores_document(panel=panel))
    for r in Round.objects.filter(cycle=cycle, status=Round.Status.TALLIED).select_related("cycle", "district"):
        files[f"rounds/round-{r.pk}.json"] = json_bytes(export_data(r))
        files[f"rounds/round-{r.pk}.pb"] = round_pb_text(round_=r).encode("utf-8")
        files[f"rounds/round-{r.pk}-rules.json"] = json_bytes(rule_comparison_document(round_=r))
    return files
