"""The benchmarks' one Django set-up: `import django_setup` before any project import.

A benchmark runs as a script (`.venv/bin/python benchmarks/x.py`), so the repository root is not on the
path and Django is not set up; importing this module does both, once, with the test settings unless
DJANGO_SETTINGS_MODULE says otherwise (scripts/bench.sh exports it).
"""
import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pbcity.settings.test")
django.setup()
