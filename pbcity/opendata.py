"""Open-data file helpers shared by every export."""
import csv

# A cell whose first visible character is one of these is run as a formula by spreadsheet programs
# (CSV injection). Spreadsheets skip leading blanks and control characters and read the full-width
# forms as their ASCII twins, so both are checked after those are skipped.
_FORMULA_CHARS = frozenset("=+-@＝＋－＠﹦﹢﹣")
_ALWAYS_QUOTED = ("\t", "\r", "\n")


def spreadsheet_safe(value):
    """Text that a spreadsheet shows as text: a formula start is escaped with a leading quote."""
    if not isinstance(value, str):
        return value
    first = next((ch for ch in value if ch.isprintable() and not ch.isspace()), "")
    if value.startswith(_ALWAYS_QUOTED) or first in _FORMULA_CHARS:
        return "'" + value
    return value


def csv_write(stream, rows: list[dict]) -> None:
    """Write dict rows as UTF-8 CSV with a BOM (so spreadsheets read Chinese), formula-safe."""
    stream.write("\ufeff")
    if not rows:
        return
    writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
