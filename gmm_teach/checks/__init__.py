"""Self-checks for the exercise sets: immediate, specific feedback on a learner's function.

Each check runs the learner's function on a few cases, compares with the reference
library, and prints one line: ✅, or ❌ with what was expected, what came back and
a hint for the usual mistake. In self-study a check never raises, so an exercise
notebook runs top to bottom before anything is solved. Under the instructor's
strict mode (environment variable GMM_TEACH_STRICT=1, which the course's
nbgrader_config.py sets for nbgrader; ``with checks.strict():`` for one block) the
same failure raises CheckFailedError, so nbgrader scores the cell 0. Every check
returns a CheckResult, true when the answer passed; it shows nothing in a notebook
(the printed line is the feedback).

How a set's checks are written (the style every exNN.py follows)
----------------------------------------------------------------
- ``engine.py`` runs checks: ``Case`` (one call and its expected answer), ``Hint``,
  ``hint``, ``run_cases``, ``compare_arrays``, ``report``, ``@check``; ``fixtures.py`` holds what
  the sets share: ``close``, ``has_nan``, ``fmt`` and reference data (``HEIGHTS``,
  ``anisotropic_2d``, ``gamma_for``, ``reference_fit``). Both are public modules: import
  their names, never another module's ``_private`` name.
- One module per exercise set, ``exNN.py``, listing its checks in ``__all__``; each
  check is decorated with ``@check`` (once every check of a set has passed in a
  notebook, it says that hidden tests still run when the work is graded).
- A typical mistake is data, a ``Hint(when, say)``: ``when(got, case) -> bool`` is a NAMED
  module-level predicate that recomputes the wrong answer for that mistake and compares
  (``close(got, ...)``); ``say`` is the learner-facing text, which may name the case with
  ``{case.args[i]}``. Write it as a decorator over the predicate, so text and test sit
  together: ``@hint("you forgot the weights ...")`` over ``def forgot_weights(got, case)``.
  A question's hints are a module-level list (``MIXTURE_PDF_HINTS = [forgot_weights, ...]``),
  first match wins; a predicate shared by sets lives in fixtures.py (``nan_in_answer``).
- A check function is short (at most 25 code lines: tests/test_package.py guards it):
  cases come from a helper when they need setup; a custom comparison
  (``compare(got, case) -> message | None``) is its own named function.
- Every check is tested by tests/test_checks.py (model answer passes, unanswered,
  crashing, strict mode) and every typical mistake by tests/mistakes/exNN.py (it
  must fail with its own hint). ex01.py is the worked example.

This package imports every set explicitly below: a new set joins the ``from . import`` line,
gets its own ``from .exNN import *`` line and joins SETS.
"""

from . import ex01, ex02, ex03, ex04, ex05, ex06, ex07, ex08, ex09, ex10, ex11
from .engine import (
    STRICT_ENV,
    Case,
    CheckFailedError,
    CheckResult,
    Hint,
    align_components,
    compare_arrays,
    fitted_params,
    gmm_fit,
    hint,
    run_cases,
    set_checks,
    strict,
    strict_mode,
    try_it,
)
from .ex01 import *  # noqa: F403
from .ex02 import *  # noqa: F403
from .ex03 import *  # noqa: F403
from .ex04 import *  # noqa: F403
from .ex05 import *  # noqa: F403
from .ex06 import *  # noqa: F403
from .ex07 import *  # noqa: F403
from .ex08 import *  # noqa: F403
from .ex09 import *  # noqa: F403
from .ex10 import *  # noqa: F403
from .ex11 import *  # noqa: F403

SETS = [ex01, ex02, ex03, ex04, ex05, ex06, ex07, ex08, ex09, ex10, ex11]

__all__ = ["STRICT_ENV", "Case", "CheckFailedError", "CheckResult", "Hint", "align_components", "compare_arrays",
           "fitted_params", "gmm_fit", "hint", "run_cases", "set_checks", "strict", "strict_mode", "try_it"]
__all__ += [name for module in SETS for name in module.__all__]
