import csv
import io

from pbcity.opendata import csv_write, spreadsheet_safe


def test_formula_cells_are_neutralised():
    assert spreadsheet_safe('=HYPERLINK("http://evil","點我")') == '\'=HYPERLINK("http://evil","點我")'
    assert spreadsheet_safe("+886 2 2720 8889") == "'+886 2 2720 8889"
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("公園增設遮陽棚") == "公園增設遮陽棚"
    assert spreadsheet_safe(-3) == -3  # numbers stay numbers


def test_csv_has_bom_header_and_safe_cells():
    out = io.StringIO()
    csv_write(out, [{"title": "=1+1", "votes": 8}, {"title": "長椅", "votes": 10}])
    text = out.getvalue()
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [{"title": "'=1+1", "votes": "8"}, {"title": "長椅", "votes": "10"}]


def test_formula_after_blanks_or_in_full_width_is_neutralised():
    for cell in (" =1+1", "\u3000=1+1", "＝1+1", "＋886", "－3", "＠SUM(A1)", "\n=1+1", "\t=1+1", "\r\n@A1",
                 " \t ＝cmd|' /C calc'!A0", "\u00a0+1"):
        assert spreadsheet_safe(cell) == "'" + cell, repr(cell)
    for cell in (" 公園", "長椅 = 2", "a-b", "", "   "):
        assert spreadsheet_safe(cell) == cell, repr(cell)
