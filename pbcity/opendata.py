"""Open-data file helpers shared by every export."""
import csv

# A cell that starts with one of these is run as a formula by spreadsheet programs (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that a spreadsheet shows as text: a leading formula character is escaped with a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
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
