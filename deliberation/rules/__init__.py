"""The deliberation stage's rules as pure functions: `panel` (the review panel: lights, composition, the draw's
pools, replacement) and `sidetracks` (direct execution, assessment). `from deliberation import rules; rules.X`
reads the panel rules, re-exported here."""
from .panel import *  # noqa: F403
