"""Read and write the pabulib `.pb` format (pabulib.org): META, PROJECTS and VOTES sections.

The reader is strict: every problem is reported with its line number and nothing is returned half
read, so an import either takes the whole file or nothing. Costs and budget are kept exactly
(`Fraction`); a decimal comma is accepted as pabulib files sometimes have one. Numbers are bounded
(`pbcity.limits`) and every line is read under a length limit, so whatever a file holds, `parse` either
returns or raises `PbFormatError` naming a line (docs/decisions.md, "Imports that always finish").
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from pbcity.limits import MAX_AMOUNT, MAX_AMOUNT_DECIMALS, MAX_POINTS

from .election import APPROVAL, POINTS, RANKING, SCORING, Election

SECTIONS = ("meta", "projects", "votes")
VOTE_TYPES = {"approval": APPROVAL, "choose-1": APPROVAL, "cumulative": POINTS, "scoring": SCORING,
              "ordinal": RANKING}
# Longest line read (a 10 MB META line once stopped the reader with `_csv.Error`): far above any
# real project description, below the csv module's own field limit.
MAX_LINE_CHARS = 100_000
# ArchivedProject.project_id's column.
MAX_ID_CHARS = 100
# A number as written: digits with an optional decimal point or comma and a short exponent. Anything
# else (inf, nan, 1e999999999, which would take Fraction minutes to build) is not a number.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)


class PbFormatError(ValueError):
    def __init__(self, line: int, message: str, code: str = ""):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message
        self.code = code  # for the callers that translate a case: "long_line", "nul"


class _CallerError(Exception):
    pass


@dataclass
class PbFile:
    meta: dict[str, str]
    projects: list[dict[str, str]]  # every column as written, "project_id" and "cost" always present
    votes: list[dict[str, str]]     # every column as written, "voter_id" and "vote" always present
    project_columns: list[str] = field(default_factory=list)
    vote_columns: list[str] = field(default_factory=list)

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    def ballots(self, *, scoring: Sequence[int] | None = None) -> list[dict[str, int]]:
        """Ballots as utilities: 1 per approved project, the points, or the rank score.

        `scoring`: points by rank for ordinal ballots (e.g. (3, 2, 1)); ranks past its end score nothing.
        Without it, Borda: the first of n projects scores n, the next n - 1, and so on.
        """
        kind = VOTE_TYPES[self.vote_type]
        out = []
        n_projects = len(self.projects)
        for v in self.votes:
            ids = [p for p in v["vote"].split(",") if p]
            if kind in (POINTS, SCORING):
                pts = [p for p in v.get("points", "").split(",") if p]
                out.append({pid: int(Fraction(pt)) for pid, pt in zip(ids, pts) if Fraction(pt) > 0})
            elif kind == RANKING:
                # Borda-like default: first of k gets the most; a round declares its own vector.
                if scoring is None:
                    out.append({pid: n_projects - r for r, pid in enumerate(ids)})
                else:
                    out.append({pid: scoring[r] for r, pid in enumerate(ids) if r < len(scoring) and scoring[r] > 0})
            else:
                out.append({pid: 1 for pid in ids})
        return out

    def election(self, *, budget: Fraction | None = None, scoring: Sequence[int] | None = None) -> Election:
        costs = {p["project_id"]: _number(p["cost"], 0) for p in self.projects}
        return Election(budget=budget if budget is not None else _number(self.meta["budget"], 0),
                        costs=costs, ballots=self.ballots(scoring=scoring), kind=VOTE_TYPES[self.vote_type])


def _number(text: str, line: int) -> Fraction:
    text = text.strip()
    if len(text) > 40 or not _NUMBER.fullmatch(text):
        raise PbFormatError(line, f"{_short(text)!r} is not a number")
    return Fraction(text.replace(",", "."))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _amount(text: str, line: int, what: str) -> Fraction:
    """A cost or budget: a finite number from 0 to MAX_AMOUNT with at most MAX_AMOUNT_DECIMALS decimals."""
    value = _number(text, line)
    if value < 0:
        raise PbFormatError(line, f"the {what} cannot be negative")
    if value > MAX_AMOUNT:
        raise PbFormatError(line, f"the {what} {_short(text.strip())} is larger than {MAX_AMOUNT:,}")
    if (value * 10**MAX_AMOUNT_DECIMALS).denominator != 1:
        raise PbFormatError(line, f"the {what} {_short(text.strip())} has more than {MAX_AMOUNT_DECIMALS} decimals")
    return value


def _points(text: str, line: int) -> Fraction:
    value = _number(text, line)
    if value.denominator != 1 or not 0 <= value <= MAX_POINTS:
        raise PbFormatError(line, f"points must be whole numbers from 0 to {MAX_POINTS:,}, not {_short(text.strip())}")
    return value


def lines_of(text: str) -> list[str]:
    """The file's lines as an editor numbers them: any of CRLF, CR and LF ends a line, a BOM is dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def check_lines(lines: list[str]) -> None:
    """Refuse a line too long to read or holding NUL (PostgreSQL cannot store it), naming it."""
    for lineno, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise PbFormatError(lineno, f"the line is longer than {MAX_LINE_CHARS:,} characters", "long_line")
        if "\x00" in line:
            raise PbFormatError(lineno, "the line contains a NUL character", "nul")


def _rows(lines: list[str]):
    """(line number, fields) per CSV row; a CSV error becomes a PbFormatError naming its line."""
    reader = csv.reader(lines, delimiter=";")
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise PbFormatError(reader.line_num, f"unreadable CSV ({exc})") from None
        yield reader.line_num, row


def parse(text: str, *, progress: Callable[[int, int], None] | None = None) -> PbFile:
    """Parse a whole `.pb` file; raises PbFormatError (with the line) on the first problem, never anything else."""
    lines = lines_of(text)
    total = len(lines)
    check_lines(lines)
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    projects: list[dict[str, str]] = []
    votes: list[dict[str, str]] = []
    section, header = None, None
    headers = {}
    seen = set()
    voter_ids: set[str] = set()
    known: dict[str, int] = {}  # project id → its line
    lineno = 0
    try:
        for lineno, row in _rows(lines):
            if progress and lineno % 10000 == 0:
                try:
                    progress(lineno, total)
                except Exception as exc:
                    raise _CallerError from exc
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            first = row[0].strip().lower()
            if len(row) == 1 and first in SECTIONS:
                if first in seen:
                    raise PbFormatError(lineno, f"section {first.upper()} appears twice")
                if not seen and first != "meta":
                    raise PbFormatError(lineno, "the file must start with META")
                seen.add(first)
                section, header = first, None
                continue
            if section is None:
                raise PbFormatError(lineno, "the file must start with META")
            if header is None:
                header = [h.strip() for h in row]
                need = {"meta": ("key", "value"), "projects": ("project_id", "cost"), "votes": ("voter_id", "vote")}
                for col in need[section]:
                    if col not in header:
                        raise PbFormatError(lineno, f"{section.upper()} has no column {col!r}")
                twice = next((h for h in header if header.count(h) > 1), None)
                if twice is not None:
                    raise PbFormatError(lineno, f"the column {_short(twice)!r} appears twice")
                headers[section] = header
                continue
            if len(row) != len(header):
                raise PbFormatError(lineno, f"{len(row)} fields where {section.upper()} has {len(header)} columns")
            record = {h: c.strip() for h, c in zip(header, row)}
            if section == "meta":
                meta[record["key"]] = record["value"]
                meta_lines[record["key"]] = lineno
            elif section == "projects":
                _check_project(record, lineno, known)
                projects.append(record)
            else:
                _check_vote(record, lineno, meta, known, voter_ids)
                votes.append(record)
    except PbFormatError:
        raise
    except _CallerError as exc:  # the progress callback's own failure is not the file's: passed on as it is
        raise exc.__cause__ from None
    except Exception as exc:  # noqa: BLE001 - whatever a line holds, the reader names it
        raise PbFormatError(lineno, f"the line could not be read ({type(exc).__name__})") from exc
    for s in SECTIONS:
        if s not in seen:
            raise PbFormatError(total, f"the file has no {s.upper()} section")
    if "budget" not in meta:
        raise PbFormatError(1, "META has no budget")
    _amount(meta["budget"], meta_lines["budget"], "budget")  # 0: a round counted by threshold and rank
    vote_type = meta.get("vote_type", "approval")
    if vote_type not in VOTE_TYPES:
        raise PbFormatError(meta_lines["vote_type"], f"vote_type {_short(vote_type)!r} is not supported")
    # A file cut short at a line end still parses: the counts META declares say it is incomplete.
    for key, found, what in (("num_projects", len(projects), "projects"), ("num_votes", len(votes), "votes")):
        declared = meta.get(key, "").strip()
        if declared.isascii() and declared.isdigit() and int(declared) != found:
            raise PbFormatError(meta_lines[key], f"META says {key} is {declared} but the file has {found} {what}"
                                " (is it complete?)")
    if progress:
        progress(total, total)
    return PbFile(meta=meta, projects=projects, votes=votes,
                  project_columns=headers["projects"], vote_columns=headers["votes"])


def _check_project(p: dict, lineno: int, known: dict) -> None:
    pid = p["project_id"]
    if not pid:
        raise PbFormatError(lineno, "the project_id is empty")
    if len(pid) > MAX_ID_CHARS:
        raise PbFormatError(lineno, f"the project_id {_short(pid)!r} is longer than {MAX_ID_CHARS} characters")
    if pid in known:
        raise PbFormatError(lineno, f"project_id {_short(pid)!r} appears twice in PROJECTS"
                                    f" (first on line {known[pid]})")
    _amount(p["cost"], lineno, "cost")
    known[pid] = lineno


def _check_vote(v: dict, lineno: int, meta: dict, known: dict, voter_ids: set) -> None:
    if v["voter_id"] in voter_ids:
        raise PbFormatError(lineno, f"voter_id {_short(v['voter_id'])!r} appears twice in VOTES")
    voter_ids.add(v["voter_id"])
    chosen = [p for p in v["vote"].split(",") if p]
    unknown = [p for p in chosen if p not in known]
    if unknown:
        raise PbFormatError(lineno, f"voter {_short(v['voter_id'])!r} votes for unknown project {_short(unknown[0])!r}")
    if len(set(chosen)) != len(chosen):
        raise PbFormatError(lineno, f"voter {_short(v['voter_id'])!r} names a project twice")
    if VOTE_TYPES.get(meta.get("vote_type", "approval")) in (POINTS, SCORING) and chosen:
        pts = [p for p in v.get("points", "").split(",") if p]
        if len(pts) != len(chosen):
            raise PbFormatError(lineno, f"voter {_short(v['voter_id'])!r}: {len(chosen)} projects"
                                        f" but {len(pts)} points")
        for pt in pts:
            _points(pt, lineno)


def _format(value) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else format(float(value), "g")
    return str(value)


def dump(*, meta: dict[str, str], projects: Iterable[dict], votes: Iterable[dict],
         project_columns: list[str], vote_columns: list[str]) -> str:
    """Write a `.pb` file (LF line ends, `;` separated, quoted only where a field needs it)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(["META"])
    w.writerow(["key", "value"])
    for k, v in meta.items():
        w.writerow([k, _format(v)])
    w.writerow(["PROJECTS"])
    w.writerow(project_columns)
    for p in projects:
        w.writerow([_format(p.get(c, "")) for c in project_columns])
    w.writerow(["VOTES"])
    w.writerow(vote_columns)
    for v in votes:
        w.writerow([_format(v.get(c, "")) for c in vote_columns])
    return buf.getvalue()


def dump_file(pb: PbFile) -> str:
    return dump(meta=pb.meta, projects=pb.projects, votes=pb.votes,
                project_columns=pb.project_columns, vote_columns=pb.vote_columns)


def canonical(pb: PbFile) -> str:
    """The file as the platform writes it: LF, minimal quoting, trimmed fields, META sorted by key (the
    database keeps no key order). Two files with the same election have the same canonical text, and the
    platform's export of an imported election *is* its canonical text."""
    return dump(meta=dict(sorted(pb.meta.items())), projects=pb.projects, votes=pb.votes,
                project_columns=pb.project_columns, vote_columns=pb.vote_columns)


def content_sha256(pb: PbFile) -> str:
    """What identifies an election whatever its line ends, quoting or META order."""
    return hashlib.sha256(canonical(pb).encode()).hexdigest()


def text_sha256(text: str) -> str:
    """A digest of the text with its line ends normalised (LF, no BOM, one final newline): cheap, taken
    before the file is read, and equal to `content_sha256` for a file already in canonical form."""
    return hashlib.sha256("".join(line + "\n" for line in lines_of(text)).encode()).hexdigest()
