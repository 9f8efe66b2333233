"""Self-checks for the exercise sets: immediate, specific feedback on a learner's function.

Each check runs the learner's function on a few cases, compares with the reference
library, and prints one line: ✅, or ❌ with what was expected, what came back and
a hint for the usual mistake. In self-study a check never raises, so an exercise
notebook runs top to bottom before anything is solved. Under the instructor's
strict mode (environment variable GMM_TEACH_STRICT=1, which the course's
nbgrader_config.py sets for nbgrader) the same failure raises CheckFailedError, so
nbgrader scores the cell 0.

Every check returns a CheckResult, true when the answer passed; it shows nothing
in a notebook (the printed line is the feedback).

One module per exercise set (ex01.py, ...), each listing its checks in __all__; they
are all imported here. The engine is in _engine.py.
"""

import pkgutil
from importlib import import_module

from ._engine import (
    STRICT_ENV,
    Case,
    CheckFailedError,
    CheckResult,
    align_components,
    compare_arrays,
    fitted_params,
    gmm_fit,
    run_cases,
    strict_mode,
    try_it,
)


def _import_set_checks() -> list:
    """Import every exNN module's checks (its __all__) into this namespace; returns their names."""
    names = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("ex"):
            module = import_module(f".{info.name}", __name__)
            for name in module.__all__:
                globals()[name] = getattr(module, name)
            names += module.__all__
    return names


__all__ = ["STRICT_ENV", "Case", "CheckFailedError", "CheckResult", "align_components", "compare_arrays",
           "fitted_params", "gmm_fit", "run_cases", "strict_mode", "try_it"]
__all__ += _import_set_checks()
