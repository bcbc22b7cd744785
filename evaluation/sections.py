"""The report's sections, in order: a small registry so another part adds its section in a few lines.

A section builder takes the cycle and returns a list of tables; a table is a dict
`{"key", "columns": [[key, kind], …], "rows": [[label, value, …], …], "formulas": [key, …], "chart": col}`
where `kind` is one of "int", "share" (0–1), "money", "number", "text"; a row's first cell is its label in
both languages ({"zh-hant": …, "en": …}); `chart` (optional) is the index of the column drawn as bars.
An empty list means "no data", which the page and PDF say in words.

To add a section (e.g. after a merge):

    from evaluation.sections import section_register
    section_register("places", build=my_builder, formulas=["places"])

Registering an existing key replaces its builder and keeps its place.
"""
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Section:
    key: str
    build: Callable
    formulas: list = field(default_factory=list)
    # What the page says when the builder returns no table (a key of texts.EMPTY).
    empty: str = "no_data"


_SECTIONS: dict[str, Section] = {}


def section_register(key: str, *, build: Callable, formulas=(), empty: str = "no_data") -> Section:
    """Add (or replace, keeping its place) the section `key` built by `build(cycle=…, period=…)`."""
    section = Section(key=key, build=build, formulas=list(formulas), empty=empty)
    _SECTIONS[key] = section
    return section


def sections() -> list[Section]:
    return list(_SECTIONS.values())


# Called when a report of a cycle is published (the first built report of a cycle, after the vote):
# e.g. mobilisation's network hashes are to be deleted then. Each hook gets (cycle=…, report=…).
_ON_PUBLISH: list[Callable] = []


def on_publish_register(hook: Callable) -> None:
    if hook not in _ON_PUBLISH:
        _ON_PUBLISH.append(hook)


def on_publish_hooks() -> list[Callable]:
    return list(_ON_PUBLISH)
