"""Read and write the pabulib `.pb` format (pabulib.org): META, PROJECTS and VOTES sections.

The reader is strict: every problem is reported with its line number and nothing is returned half
read, so an import either takes the whole file or nothing. Costs and budget are kept exactly
(`Fraction`); a decimal comma is accepted as pabulib files sometimes have one.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .election import APPROVAL, POINTS, RANKING, SCORING, Election

SECTIONS = ("meta", "projects", "votes")
VOTE_TYPES = {"approval": APPROVAL, "choose-1": APPROVAL, "cumulative": POINTS, "scoring": SCORING,
              "ordinal": RANKING}


class PbFormatError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


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
    try:
        return Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise PbFormatError(line, f"{text!r} is not a number") from None


def parse(text: str, *, progress: Callable[[int, int], None] | None = None) -> PbFile:
    """Parse a whole `.pb` file; raises PbFormatError (with the line) on the first problem."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    total = len(lines)
    meta: dict[str, str] = {}
    projects: list[dict[str, str]] = []
    votes: list[dict[str, str]] = []
    section, header = None, None
    headers = {}
    seen = set()
    voter_ids: set[str] = set()
    for lineno, row in enumerate(csv.reader(lines, delimiter=";"), start=1):
        if progress and lineno % 10000 == 0:
            progress(lineno, total)
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
            headers[section] = header
            known = {p["project_id"] for p in projects}
            continue
        if len(row) != len(header):
            raise PbFormatError(lineno, f"{len(row)} fields where {section.upper()} has {len(header)} columns")
        record = {h: c.strip() for h, c in zip(header, row)}
        if section == "meta":
            meta[record["key"]] = record["value"]
        elif section == "projects":
            if _number(record["cost"], lineno) < 0:
                raise PbFormatError(lineno, "a cost cannot be negative")
            projects.append(record)
        else:
            _check_vote(record, lineno, meta, known, voter_ids)
            votes.append(record)
    for s in SECTIONS:
        if s not in seen:
            raise PbFormatError(total, f"the file has no {s.upper()} section")
    if "budget" not in meta:
        raise PbFormatError(1, "META has no budget")
    _number(meta["budget"], 1)
    vote_type = meta.get("vote_type", "approval")
    if vote_type not in VOTE_TYPES:
        raise PbFormatError(1, f"vote_type {vote_type!r} is not supported")
    ids = [p["project_id"] for p in projects]
    if len(set(ids)) != len(ids):
        raise PbFormatError(1, "a project_id appears twice in PROJECTS")
    if progress:
        progress(total, total)
    return PbFile(meta=meta, projects=projects, votes=votes,
                  project_columns=headers["projects"], vote_columns=headers["votes"])


def _check_vote(v: dict, lineno: int, meta: dict, known: set, voter_ids: set) -> None:
    if v["voter_id"] in voter_ids:
        raise PbFormatError(lineno, f"voter_id {v['voter_id']!r} appears twice in VOTES")
    voter_ids.add(v["voter_id"])
    chosen = [p for p in v["vote"].split(",") if p]
    unknown = [p for p in chosen if p not in known]
    if unknown:
        raise PbFormatError(lineno, f"voter {v['voter_id']!r} votes for unknown project {unknown[0]!r}")
    if len(set(chosen)) != len(chosen):
        raise PbFormatError(lineno, f"voter {v['voter_id']!r} names a project twice")
    if VOTE_TYPES.get(meta.get("vote_type", "approval")) in (POINTS, SCORING) and chosen:
        pts = [p for p in v.get("points", "").split(",") if p]
        if len(pts) != len(chosen):
            raise PbFormatError(lineno, f"voter {v['voter_id']!r}: {len(chosen)} projects but {len(pts)} points")
        for pt in pts:
            _number(pt, lineno)


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
