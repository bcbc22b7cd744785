"""One way to queue a task: by name, on commit, through the outbox (issue 16, item 3)."""
import ast
from pathlib import Path

import pytest
from django.conf import settings

from pbcity.models import OutboxMessage
from pbcity.tasks import enqueue, enqueue_isolated, enqueue_now

_ROOT = Path(settings.BASE_DIR)


def _sources():
    for path in _ROOT.rglob("*.py"):
        rel = path.relative_to(_ROOT).as_posix()
        if not rel.startswith((".venv/", "node_modules/")) and "/tests/" not in f"/{rel}" and "/migrations/" not in rel:
            yield rel, path


def test_only_the_queueing_module_calls_delay_or_apply_async():
    callers = set()
    for rel, path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), rel)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("delay", "apply_async")):
                callers.add(rel)
    assert callers == {"pbcity/tasks.py"}


def test_services_do_not_import_their_tasks_modules():
    importers = []
    for rel, path in _sources():
        if "/services" not in rel:
            continue
        for node in ast.walk(ast.parse(path.read_text(), rel)):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom) else
                     [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            if isinstance(node, ast.ImportFrom) and node.level and (node.module or "").split(".")[0] == "tasks":
                importers.append(rel)
            if any("tasks" in n.split(".") and not n.startswith("pbcity") for n in names):
                importers.append(rel)
    assert importers == []


def test_every_task_queued_by_name_is_registered():
    # A task module moved or renamed (e.g. deliberation's tasks into a package) must take its queue names along.
    from celery import current_app

    current_app.loader.import_default_modules()
    queued = set()
    for rel, path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), rel)):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "enqueue"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                queued.add(node.args[0].value)
    assert "deliberation.tasks.panel.panel_seat_notify" in queued
    assert queued - set(current_app.tasks) == set()


@pytest.mark.django_db
def test_enqueue_waits_for_the_commit_and_queues_by_name(django_capture_on_commit_callbacks, monkeypatch):
    ran = []
    monkeypatch.setattr("pbcity.tasks.enqueue_now", lambda name, *a, **kw: ran.append((name, a, kw)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue("voting.tasks.round_tally", round_id=7)
    assert ran == [] and len(callbacks) == 1  # nothing before the commit
    callbacks[0]()
    assert ran == [("voting.tasks.round_tally", (), {"round_id": 7})]


@pytest.mark.django_db
def test_a_task_queued_by_name_while_the_broker_is_down_keeps_its_keyword_arguments(monkeypatch):
    from kombu.exceptions import OperationalError

    from voting.tasks import rule_outcomes_task

    def broker_down(*args, **kwargs):
        raise OperationalError("Redis down")

    monkeypatch.setattr(rule_outcomes_task, "apply_async", broker_down)
    assert enqueue_isolated is enqueue_now
    assert enqueue_now("voting.tasks.rule_outcomes_task", election_id=3) is False
    kept = OutboxMessage.objects.get()
    assert (kept.task_name, kept.args, kept.kwargs) == ("voting.tasks.rule_outcomes_task", [], {"election_id": 3})


def test_an_unknown_task_name_is_a_loud_error():
    with pytest.raises(KeyError, match="voting.tasks.no_such_task"):
        enqueue_now("voting.tasks.no_such_task")
