"""The voting stage's SOP rules as pure functions (the shape of assemblies/rules.py), one module per
subject: `ballots` (what a valid ballot is and what it scores), `eligibility` (V1: age, ID numbers),
`tally` (the counting-rule registry: Taipei, greedy, Equal Shares). Callers keep `from voting import
rules; rules.X`: every public name is re-exported here."""
from .ballots import *  # noqa: F403
from .ballots import __all__ as _ballots
from .eligibility import *  # noqa: F403
from .eligibility import __all__ as _eligibility
from .strata import *  # noqa: F403
from .strata import __all__ as _strata
from .tally import *  # noqa: F403
from .tally import __all__ as _tally

__all__ = [*_ballots, *_eligibility, *_strata, *_tally]
