"""Deliberation models: pre-meeting and stage 1 (premeeting, stage1); panel draw and scoring (panel)."""
from .panel import *  # noqa: F401,F403
from .premeeting import *  # noqa: F401,F403
from .stage1 import *  # noqa: F401,F403
