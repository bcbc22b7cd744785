"""What the benchmarks that compare two trees share: CPU time from /proc, parents of processes, and a
reference commit checked out beside this one (docs/performance.md: ratios in one run survive a noisy box)."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def ppid(pid: int) -> int:
    """The parent of a process, or -1 once it is gone."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def reference_tree(rev: str, prefix: str = "bench-ref-") -> Path:
    """`git archive REV` into a temporary directory that shares this checkout's virtualenv."""
    tree = Path(tempfile.mkdtemp(prefix=prefix))
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tree / ".venv").symlink_to(ROOT / ".venv")
    subprocess.run([sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "-v0"], cwd=tree, check=True)
    return tree
