"""docs/lifecycle.{dot,md,svg} must match the real state machine (CI catches drift)."""
import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from proposals.management.commands import lifecycle_diagram as cmd


def test_committed_lifecycle_docs_match_the_machine():
    err = io.StringIO()
    try:
        call_command("lifecycle_diagram", "--check", stdout=io.StringIO(), stderr=err)
    except CommandError as exc:
        pytest.fail(f"{exc}\n{err.getvalue()}")
    if shutil.which("dot") is None:
        assert "skipped lifecycle.svg" in err.getvalue()  # only the SVG may be skipped


def test_check_reports_drift(tmp_path):
    call_command("lifecycle_diagram", "--output-dir", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())
    call_command("lifecycle_diagram", "--check", "--output-dir", str(tmp_path), stdout=io.StringIO(),
                 stderr=io.StringIO())
    md = tmp_path / "lifecycle.md"
    md.write_text(md.read_text(encoding="utf-8").replace("`withdraw`", "`withdraw_renamed`"), encoding="utf-8")
    (tmp_path / "lifecycle.dot").unlink()
    with pytest.raises(CommandError, match=r"lifecycle\.dot, lifecycle\.md"):
        call_command("lifecycle_diagram", "--check", "--output-dir", str(tmp_path), stdout=io.StringIO(),
                     stderr=io.StringIO())


def test_every_transition_and_state_is_documented():
    states, edges, initial = cmd.machine()
    md = cmd.render_md(states, edges, initial)
    dot = cmd.render_dot(states, edges, initial)
    assert initial == "draft"
    for e in edges:
        assert f"| `{e.name}`" in md
        for source in e.sources:
            assert f"{source} -> {e.target} " in dot
        for c in e.conditions:
            assert str(c.message) in md
    assert "`can_withdraw`: Proposers and civil affairs before execution; during it only the committee's" in md
