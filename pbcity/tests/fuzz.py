"""Broken variants of a valid import file, for the import fuzz tests (docs/decisions.md, "Imports that always finish").

`broken_variants(valid, sep=...)` gives about fifty (name, bytes) pairs, the same ones on every run (a fixed
seed): oversized lines and fields, NULs and other control characters, huge, NaN, infinite and negative
numbers, broken encodings, files cut at random bytes, missing lines and sections, duplicated rows and
wrong column counts. Some variants are still valid files (other line ends, a cut that falls on a line
end); the tests assert what an import does with each, whichever it is.
"""
import random
import re

HOSTILE_NUMBERS = (
    "1e400", "-1e400", "NaN", "inf", "-inf", "-5", "1e999999999", "9" * 30, "0x10", "1/0", "１２３", "1e-400",
    "0.000001", "",
)
_NUMBER_CELL = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def broken_variants(valid: bytes, *, sep: str, seed: int = 16) -> list[tuple[str, bytes]]:
    rnd = random.Random(seed)
    text = valid.decode("utf-8-sig")
    lines = text.split("\n")
    data = [i for i, line in enumerate(lines) if sep in line]
    out: list[tuple[str, bytes]] = []

    def add(name: str, body) -> None:
        out.append((name, body if isinstance(body, bytes) else body.encode("utf-8")))

    def with_line(i: int, new: str | None) -> str:
        copy = list(lines)
        if new is None:
            del copy[i]
        else:
            copy[i] = new
        return "\n".join(copy)

    def pick() -> int:
        return rnd.choice(data)

    # Oversized lines and fields (a 10 MB META line and a 200,000-character field were the reports).
    add("a line of 300,000 characters", with_line(1, lines[1] + "x" * 300_000))
    i = pick()
    add("a field of 200,000 characters", with_line(i, lines[i].replace(sep, sep + "y" * 200_000, 1)))
    i = pick()
    add("a quoted field of 200,000 characters", with_line(i, f'"{"z" * 200_000}"{sep}{lines[i]}'))
    add("a 200,000-character line without separators", with_line(pick(), "w" * 200_000))
    # NULs and other control characters.
    pos = rnd.randrange(len(text))
    add("a NUL inside", text[:pos] + "\x00" + text[pos:])
    add("a NUL first", "\x00" + text)
    i = pick()
    add("a NUL in a field", with_line(i, lines[i].replace(sep, sep + "a\x00b", 1)))
    i = pick()
    add("ESC and vertical tab in a field", with_line(i, lines[i].replace(sep, sep + "\x1b[31m\x0b", 1)))
    # Numbers: every hostile value in a numeric cell.
    numeric = [(i, j) for i in data for j, cell in enumerate(lines[i].split(sep)) if _NUMBER_CELL.match(cell)]
    numeric = numeric or [(i, j) for i in data[1:] for j in range(len(lines[i].split(sep)))]  # dates, ids
    for value in HOSTILE_NUMBERS:
        i, j = rnd.choice(numeric)
        cells = lines[i].split(sep)
        cells[j] = value
        add(f"the number {value!r} on line {i + 1}", with_line(i, sep.join(cells)))
    # Encodings.
    add("UTF-16 with a BOM", text.encode("utf-16"))
    add("UTF-16-LE without a BOM", text.encode("utf-16-le"))
    add("Big5", text.encode("big5", errors="replace"))
    add("Latin-1 bytes", text.encode("utf-8").replace(b"e", b"\xe9", 3))
    add("an invalid byte", valid[: len(valid) // 2] + b"\xff\xfe" + valid[len(valid) // 2:])
    add("two BOMs", "\ufeff\ufeff" + text)
    add("a BOM inside", with_line(pick(), "\ufeff" + lines[pick()]))
    # Truncated at random points (some inside a multi-byte character).
    for cut in sorted(rnd.sample(range(1, len(valid)), 8)):
        add(f"cut at byte {cut}", valid[:cut])
    add("empty", b"")
    add("only a newline", b"\n")
    # Missing lines and sections.
    add("no first line", with_line(0, None))
    add("no second line", with_line(1, None))
    for _ in range(2):
        i = pick()
        add(f"line {i + 1} missing", with_line(i, None))
    # Duplicated rows.
    for _ in range(3):
        i = pick()
        add(f"line {i + 1} twice", with_line(i, lines[i] + "\n" + lines[i]))
    # Wrong column counts and quoting.
    for _ in range(2):
        i = pick()
        add(f"an extra column on line {i + 1}", with_line(i, lines[i] + sep + "extra"))
        i = pick()
        add(f"a column short on line {i + 1}", with_line(i, lines[i].rsplit(sep, 1)[0]))
    i = pick()
    add(f"an unclosed quote on line {i + 1}", with_line(i, '"' + lines[i]))
    # Still well-formed: other line ends.
    add("CRLF line ends", text.replace("\n", "\r\n"))
    add("CR line ends", text.replace("\n", "\r"))
    return out
