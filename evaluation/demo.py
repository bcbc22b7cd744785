"""The demo city's part of this app (called by portal.demo.build): a population table and the 2026 report.

The population figures are plausible, not official: each district's residents aged 16 or over
(pbcity.reference.DISTRICTS) split over the age bands by a Taipei-like profile, varied per district.
"""
import random

from pbcity.reference import DISTRICTS

from . import rules, services
from .models import EvaluationReport, PopulationFigure

# Share of residents aged 16+ per band (roughly Taipei's: an older city).
PROFILE = {"16-24": 0.10, "25-34": 0.14, "35-44": 0.17, "45-54": 0.17, "55-64": 0.17, "65+": 0.25}


def population_csv(year: int) -> str:
    rng = random.Random(f"pbcity-demo-population-{year}")
    lines = ["district,age_band,people"]
    for code, _name, _en, people in DISTRICTS:
        weights = {b: PROFILE[b] * rng.uniform(0.85, 1.15) for b in rules.AGE_BANDS}
        total = sum(weights.values())
        for band in rules.AGE_BANDS:
            lines.append(f"{code},{band},{round(people * weights[band] / total)}")
    return "\n".join(lines) + "\n"


def seed(ref) -> dict:
    year = max(ref["cycles"])
    cycle = ref["cycles"][year]
    if not PopulationFigure.objects.filter(year=year).exists():
        services.population_import(year=year, text=population_csv(year), source_name=f"demo-population-{year}.csv",
                                   actor=None)
    report = EvaluationReport.objects.filter(cycle=cycle, period="vote").first()
    if report is None or report.status != EvaluationReport.Status.BUILT:
        report = services.report_make(cycle=cycle, period="vote")
    return {"report": report}
