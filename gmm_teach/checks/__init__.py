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
are all imported here. The engine is in _engine.py. Once every check of a set has
passed in a notebook, it says that hidden tests still run when the work is graded.
"""

import functools
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

_PASSED: dict = {}  # set name -> the checks that have passed in this kernel

HIDDEN_TESTS_NOTE = ("🎉 Every visible check of {set} passes. When your work is graded, hidden tests run too "
                     "(more cases, other random data, far outliers), so keep your code general.")


def _noting_passes(set_name: str, all_names: list, check):
    """The check, remembering when it passes; the first time a whole set passes, say what grading adds."""
    @functools.wraps(check)
    def noted(*args, **kwargs):
        result = check(*args, **kwargs)
        passed = _PASSED.setdefault(set_name, set())
        if result and check.__name__ not in passed:
            passed.add(check.__name__)
            if passed == set(all_names) and not strict_mode():
                print(HIDDEN_TESTS_NOTE.format(set=set_name))
        return result
    return noted


def _import_set_checks() -> list:
    """Import every exNN module's checks (its __all__) into this namespace; returns their names."""
    names = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("ex"):
            module = import_module(f".{info.name}", __name__)
            for name in module.__all__:
                globals()[name] = _noting_passes(info.name, module.__all__, getattr(module, name))
            names += module.__all__
    return names


__all__ = ["STRICT_ENV", "Case", "CheckFailedError", "CheckResult", "align_components", "compare_arrays",
           "fitted_params", "gmm_fit", "run_cases", "strict_mode", "try_it"]
__all__ += _import_set_checks()
