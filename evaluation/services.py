"""Writes of the evaluation app: the population import and the report, built exactly once per period."""
import csv
import datetime
import hashlib
import io
import json
import logging
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pbcity.models import District
from pbcity.pdf import pdf_render

from . import permissions, rules, texts
from .models import PERIOD_AFTER_VOTE, PERIOD_REGEX, EvaluationReport, PopulationFigure, PopulationImport
from .sections import on_publish_hooks, sections

log = logging.getLogger(__name__)

POPULATION_COLUMNS = ("district", "age_band", "people")
MAX_POPULATION_ROWS = 5000


# ---- population --------------------------------------------------------------------------------------

def population_parse(text: str) -> list[tuple]:
    """(district, band, people) rows of a population CSV, or a ValidationError listing every bad line.

    Columns: district (code, or its Chinese or English name), age_band (one of rules.AGE_BANDS), people.
    """
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in POPULATION_COLUMNS if c not in header]
        if missing:
            raise ValidationError(_("The file needs the columns %(columns)s; missing: %(missing)s.")
                                  % {"columns": ", ".join(POPULATION_COLUMNS), "missing": ", ".join(missing)})
        return _population_rows(reader)
    except csv.Error as exc:  # e.g. a field over the csv module's size limit: not a file we can read
        raise ValidationError(_("The file is not a readable CSV file (%(error)s).") % {"error": str(exc)[:80]}) \
            from None


def _population_rows(reader) -> list[tuple]:
    by_name = {}
    for d in District.objects.all():
        for name in (d.code, d.name, d.name_en):
            if name:
                by_name[name.strip().lower()] = d
    rows, errors, seen = [], [], set()
    for line, raw in enumerate(reader, start=2):
        if line > MAX_POPULATION_ROWS + 1:
            raise ValidationError(_("The file has more than %(n)d rows.") % {"n": MAX_POPULATION_ROWS})
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if isinstance(v, str) or v is None}
        district = by_name.get(row.get("district", "").lower())
        band = row.get("age_band", "")
        people = row.get("people", "").replace(",", "")
        if district is None:
            errors.append(_("Line %(line)d: unknown district “%(value)s”.") % {"line": line,
                                                                               "value": row.get("district", "")[:40]})
            continue
        if band not in rules.AGE_BANDS:
            errors.append(_("Line %(line)d: age band “%(value)s” is not one of %(bands)s.") % {
                "line": line, "value": band[:20], "bands": ", ".join(rules.AGE_BANDS)})
            continue
        if not people.isdigit() or int(people) > 10_000_000:
            errors.append(_("Line %(line)d: residents must be a whole number from 0 to 10,000,000.") % {"line": line})
            continue
        if (district.pk, band) in seen:
            errors.append(_("Line %(line)d: %(district)s %(band)s appears twice.") % {
                "line": line, "district": district.name, "band": band})
            continue
        seen.add((district.pk, band))
        rows.append((district, band, int(people)))
    if errors:
        raise ValidationError(errors[:20])
    if not rows:
        raise ValidationError(_("The file has no rows."))
    return rows


def population_import(*, year: int, text: str, source_name: str, actor) -> PopulationImport:
    """Replace the population table of `year` with the file's rows (all or nothing)."""
    if actor is not None and not permissions.can_import_population(None, actor):
        raise PermissionDenied(_("Only civil-affairs staff import the population table."))
    if not 1990 <= year <= 2200:
        raise ValidationError(_("The year must be between 1990 and 2200."))
    rows = population_parse(text)
    with transaction.atomic():
        record = PopulationImport.objects.create(
            year=year, source_name=source_name[:200], sha256=hashlib.sha256(text.encode()).hexdigest(),
            rows=len(rows), residents=sum(r[2] for r in rows), imported_by=actor)
        PopulationFigure.objects.filter(year=year).delete()
        PopulationFigure.objects.bulk_create([
            PopulationFigure(year=year, district=d, age_band=band, people=n, source=record) for d, band, n in rows])
    return record


# ---- the report --------------------------------------------------------------------------------------

def report_data(*, cycle, period: str) -> dict:
    """Every section's tables, computed now from the records."""
    out = {"cycle": cycle.year, "period": period, "sections": []}
    for section in sections():
        out["sections"].append({"key": section.key, "empty": section.empty,
                                "tables": section.build(cycle=cycle, period=period)})
    return out


def formulas_of(data: dict) -> dict:
    """The appendix: each formula the report's tables name, in both languages."""
    keys = []
    for s in data["sections"]:
        for t in s["tables"]:
            keys += [k for k in t["formulas"] if k not in keys]
        if not s["tables"] and s["key"] in texts.FORMULAS and s["key"] not in keys:
            keys.append(s["key"])
    return {k: texts.bi(texts.FORMULAS[k]) for k in keys if k in texts.FORMULAS}


def report_pdf(report: EvaluationReport, language: str) -> bytes:
    from .presenters import report_context

    with translation.override(language):
        html = render_to_string("evaluation/pdf/report.html", report_context(report))
    return pdf_render(html)


def report_claim(*, cycle, period: str) -> EvaluationReport:
    """The (cycle, period) row: created once; a concurrent claim gets the same row."""
    kind = EvaluationReport.Kind.AFTER_VOTE if period == PERIOD_AFTER_VOTE else EvaluationReport.Kind.QUARTERLY
    if not re.fullmatch(PERIOD_REGEX, period or ""):
        raise ValidationError(_("A period is “vote” or a quarter such as 2027Q1."))
    try:
        with transaction.atomic():
            return EvaluationReport.objects.get_or_create(cycle=cycle, period=period, defaults={"kind": kind})[0]
    except IntegrityError:  # a concurrent claim inserted it first
        return EvaluationReport.objects.get(cycle=cycle, period=period)


def report_build(*, report: EvaluationReport) -> EvaluationReport:
    """Fill the report unless it is built: the row lock makes a concurrent builder wait, then find it built."""
    with transaction.atomic():
        r = EvaluationReport.objects.select_for_update().select_related("cycle").get(pk=report.pk)
        if r.status != EvaluationReport.Status.CLAIMED:
            return r
        first = not EvaluationReport.objects.filter(cycle=r.cycle, status=EvaluationReport.Status.BUILT).exists()
        r.data = json.loads(json.dumps(report_data(cycle=r.cycle, period=r.period)))
        r.appendix = formulas_of(r.data)
        r.built_at = timezone.now()
        r.status = EvaluationReport.Status.BUILT
        for language, field in (("zh-hant", "pdf_zh"), ("en", "pdf_en")):
            getattr(r, field).save(f"evaluation-{r.cycle.year}-{r.period}-{language}.pdf",
                                   ContentFile(report_pdf(r, language)), save=False)
        r.builds += 1
        r.save()
        if first:
            for hook in on_publish_hooks():
                transaction.on_commit(lambda hook=hook, r=r: hook(cycle=r.cycle, report=r))
    return r


def report_make(*, cycle, period: str) -> EvaluationReport:
    """Claim and build one report. Safe to run twice, at once, or again after a crash."""
    return report_build(report=report_claim(cycle=cycle, period=period))


def quarter_of(day: datetime.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def last_quarter(day: datetime.date) -> str:
    """The quarter that ended before `day`'s quarter began (the one a quarterly report covers)."""
    first = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return quarter_of(first - datetime.timedelta(days=1))


def networks_forget_on_publish(*, cycle, report) -> None:
    """Publishing a cycle's first evaluation deletes the vote's network hashes (docs/security.md,
    "Mobilisation flags and ballot secrecy"): the flags keep their numbers and reviews."""
    from mobilisation.services import mobilisation_forget_networks

    mobilisation_forget_networks(cycle=cycle, by=None)
