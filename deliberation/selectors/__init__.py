"""Deliberation selectors (reads). Each submodule re-exported here."""
from .panel import *  # noqa: F401,F403
from .premeeting import *  # noqa: F401,F403
from .stage1 import *  # noqa: F401,F403
