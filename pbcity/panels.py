"""Panels a higher app adds to a lower app's page: each registers from its AppConfig.ready.

The project page (tracking) and the proposal page show what apps above them record about the thing (the
committee's decisions, hearings, local opposition) without importing them (DESIGN.md, layers): the page
calls `{% load panels %}{% panels "project" project %}` and every registered panel renders its part.
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    page: str  # "project" or "proposal"
    # (obj, request) -> HTML (already escaped, e.g. render_to_string) or "" when there is nothing to show
    render: Callable[..., str]


_registry: dict[tuple[str, str], Panel] = {}


def register(key: str, *, page: str, render: Callable[..., str]) -> None:
    _registry[(page, key)] = Panel(key=key, page=page, render=render)


def panels(page: str) -> list[Panel]:
    return [p for (pg, _key), p in sorted(_registry.items()) if pg == page]
