"""A stored report made ready to show in the active language (page and PDF use the same context)."""
from django.utils import translation
from django.utils.formats import number_format

from . import texts
from .charts import grouped_bars


def language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh-hant"


def _pick(value, lang):
    if isinstance(value, dict):
        return value.get(lang) or value.get("zh-hant") or next(iter(value.values()), "")
    return value


def cell(value, kind: str, lang: str) -> str:
    """One table cell as text: shares as percentages, money and counts with separators, "—" for none."""
    value = _pick(value, lang)
    if value is None or value == "":
        return "—"
    if kind == "share":
        return f"{float(value) * 100:.1f}%"
    if kind in ("int", "money") and isinstance(value, (int, float)):
        return number_format(round(value), force_grouping=True)
    if kind == "number" and isinstance(value, (int, float)):
        return f"{float(value):.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return str(value)


def _header(key):
    return str(texts.COLUMNS.get(key, key))


def _chart(table, lang):
    cols = table.get("chart")
    if cols is None:
        return None
    cols = cols if isinstance(cols, list) else [cols]
    labels = [str(_pick(row[0], lang)) for row in table["rows"]]
    series = [(_header(table["columns"][c][0]), [row[c] for row in table["rows"]]) for c in cols]
    return grouped_bars(labels, series)


def report_context(report) -> dict:
    lang = language()
    sections = []
    for s in report.data.get("sections", []):
        tables = []
        for t in s["tables"]:
            kinds = [k for _key, k in t["columns"]]
            tables.append({
                "id": f"{s['key']}-{t['key']}",
                "title": str(texts.TABLES.get(t["key"], t["key"])),
                "headers": [_header(key) for key, _k in t["columns"]],
                "rows": [[cell(v, kinds[i] if i < len(kinds) else "text", lang) for i, v in enumerate(row)]
                         for row in t["rows"]],
                "chart": _chart(t, lang),
                "formulas": t["formulas"],
                "population_year": t.get("population_year"),
            })
        sections.append({"key": s["key"], "title": str(texts.SECTIONS.get(s["key"], s["key"])), "tables": tables,
                         "empty": str(texts.EMPTY.get(s.get("empty", "no_data"), texts.EMPTY["no_data"]))})
    appendix = [{"key": k, "text": _pick(v, lang)} for k, v in report.appendix.items()]
    return {"report": report, "cycle": report.cycle, "sections": sections, "appendix": appendix, "lang": lang}


def csv_rows(report) -> list[dict]:
    """The open-data CSV: one line per table cell, labels in both languages."""
    out = []
    for s in report.data.get("sections", []):
        for t in s["tables"]:
            for row in t["rows"]:
                label = row[0] if isinstance(row[0], dict) else {"zh-hant": str(row[0]), "en": str(row[0])}
                for (key, kind), value in zip(t["columns"][1:], row[1:], strict=False):
                    out.append({"cycle": report.cycle.year, "period": report.period, "section": s["key"],
                                "table": t["key"], "row_zh": label.get("zh-hant", ""), "row_en": label.get("en", ""),
                                "column": key, "kind": kind, "value": "" if value is None else _pick(value, "en"),
                                "formula": ",".join(t["formulas"])})
    return out
