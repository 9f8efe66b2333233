"""The checking engine: run a learner's function on cases, compare, report one ✅/❌ line.

In self-study a failing check prints and returns a false CheckResult; in strict mode
(GMM_TEACH_STRICT=1, set for nbgrader by nbgrader_config.py, or ``with strict():`` for
one block, as the batch grader does) it raises CheckFailedError.
A typical mistake is a Hint: a named predicate ``when(got, case)`` and what to ``say``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import string
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from .fixtures import fmt, reference_fit

STRICT_ENV = "GMM_TEACH_STRICT"


class CheckFailedError(AssertionError):
    """Raised by a failing check in strict (grading) mode."""


class CheckResult:
    """Whether a check passed: ``bool(result)``; invisible as a notebook cell's value."""

    def __init__(self, passed: bool):
        self.passed = bool(passed)

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"CheckResult(passed={self.passed})"

    def _ipython_display_(self):
        pass  # the ✅/❌ line already said it


_STRICT: ContextVar = ContextVar("gmm_teach_strict_checks", default=None)  # set by strict(), for a block


def strict_mode() -> bool:
    """True when checks should raise instead of print: inside ``with strict():``, or GMM_TEACH_STRICT=1."""
    if _STRICT.get() is not None:
        return _STRICT.get()
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes", "on")


@contextlib.contextmanager
def strict(on: bool = True):
    """Checks raise CheckFailedError (``on``) or print, for this block only; the process environment is untouched."""
    token = _STRICT.set(bool(on))
    try:
        yield
    finally:
        _STRICT.reset(token)


# ---------------------------------------------------------------- cases and hints


@dataclass
class Case:
    """One call of the learner's function and the answer it should give."""

    label: str
    args: tuple
    expected: object
    rtol: float = 1e-6
    atol: float = 1e-9
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Hint:
    """One typical mistake: shown when ``when(got, case)`` is true.

    ``say`` is the hint's text; it may name the case, as in ``"colony = {case.args[4]}"``
    (``str.format`` with ``case``; write a literal brace twice). A predicate that raises
    counts as "not this mistake".
    """

    when: Callable
    say: str

    def __post_init__(self):
        if not callable(self.when):
            raise TypeError(f"Hint: when must be a predicate (got, case) -> bool, got {type(self.when).__name__}")
        fields = [name for _, name, _, _ in string.Formatter().parse(self.say) if name is not None]
        if any(name.split(".")[0].split("[")[0] != "case" for name in fields):
            raise ValueError(f"Hint: say may only name {{case...}}; write a literal brace twice: {self.say!r}")

    def __call__(self, got, case: Case) -> bool:
        """The predicate itself: is ``got`` this mistake?"""
        return self.when(got, case)

    def text_for(self, got, case: Case) -> str | None:
        """The hint's text when the mistake is recognised in ``got``, else None."""
        try:
            recognised = bool(self.when(got, case))
        except Exception:  # a malformed answer is not this mistake
            return None
        return self.say.format(case=case) if recognised else None


def hint(say: str):
    """Decorator: the predicate below recognises a typical mistake, and ``say`` is what the learner reads.

    ``@hint("you forgot the weights ...")`` over ``def forgot_weights(got, case) -> bool`` makes
    ``forgot_weights`` the Hint(forgot_weights, "you forgot the weights ..."); list it in run_cases.
    """
    def make(when: Callable) -> Hint:
        return Hint(when, say)
    return make


# ---------------------------------------------------------------- running a check


class _NotAnsweredError(Exception):
    pass


NOT_ANSWERED = ("not answered yet: replace `raise NotImplementedError()` "
                "with your code, run that cell, then run this one again")


def _call(fn: Callable, args: tuple):
    try:
        return fn(*args)
    except NotImplementedError:
        raise _NotAnsweredError() from None


def compare_arrays(got, expected, rtol=1e-6, atol=1e-9, name="your answer") -> str | None:
    """None when ``got`` matches ``expected``; otherwise what is wrong, in words."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"{name} should be numbers, got {type(got).__name__}"
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return f"{name} should have shape {expected.shape}, got shape {got.shape}"
    if np.isnan(got).any():
        return f"{name} contains NaN (expected {fmt(expected)})"
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        return f"expected {fmt(expected)}, got {fmt(got)}"
    return None


def compare_case(got, case: Case) -> str | None:
    """The default comparison: ``got`` against ``case.expected`` to the case's tolerances."""
    return compare_arrays(got, case.expected, case.rtol, case.atol)


def report(name: str, n_cases: int, failures: list[str]) -> CheckResult:
    """Print the ✅/❌ line (raise CheckFailedError instead in strict mode) and return the result."""
    if not failures:
        print(f"✅ {name}: correct ({n_cases} check{'s' if n_cases != 1 else ''} passed)")
        return CheckResult(True)
    text = f"❌ {name}: " + "\n   ".join(failures)
    if strict_mode():
        raise CheckFailedError(text)
    print(text)
    return CheckResult(False)


def _first_problem(fn, cases: list[Case], hints, compare) -> str | None:
    """What is wrong with ``fn`` on the first case it fails, with the first hint that applies."""
    for case in cases:
        try:
            got = _call(fn, case.args)
        except _NotAnsweredError:
            return NOT_ANSWERED
        except Exception as exc:  # the learner's code failed: say how, never re-raise
            return f"{case.label}: your function raised {type(exc).__name__}: {exc}"
        problem = compare(got, case)
        if problem:
            hint = next((text for text in (h.text_for(got, case) for h in hints) if text), None)
            return f"{case.label}: {problem}" + (f"\n   Hint: {hint}" if hint else "")
    return None


def run_cases(name: str, fn, cases: list[Case], hints=(), compare=compare_case) -> CheckResult:
    """Run ``fn`` on every case; report the first failure with the first Hint that applies."""
    if not callable(fn):
        return report(name, len(cases), [f"expected a function, got {type(fn).__name__}"])
    problem = _first_problem(fn, cases, hints, compare)
    return report(name, len(cases), [problem] if problem else [])


def try_it(fn, *args):
    """Call the learner's function on an example and show what it returns; never raises."""
    try:
        result = _call(fn, args)
    except _NotAnsweredError:
        print(f"{getattr(fn, '__name__', 'your function')} is not answered yet")
        return None
    except Exception as exc:
        print(f"{getattr(fn, '__name__', 'your function')} raised {type(exc).__name__}: {exc}")
        return None
    return result


# ---------------------------------------------------------------- a set's checks

_SET_CHECKS: dict = {}  # set name ("ex01") -> the names of its checks
_PASSED: dict = {}  # set name -> the checks that have passed in this kernel

HIDDEN_TESTS_NOTE = ("🎉 Every visible check of {set} passes. When your work is graded, hidden tests run too "
                     "(more cases, other random data, far outliers), so keep your code general.")


def check(fn):
    """Decorator for every check of a set (module exNN): the first time all of them pass, say what grading adds."""
    set_name = fn.__module__.rsplit(".", 1)[-1]
    _SET_CHECKS.setdefault(set_name, []).append(fn.__name__)

    @functools.wraps(fn)
    def noted(*args, **kwargs):
        result = fn(*args, **kwargs)
        passed = _PASSED.setdefault(set_name, set())
        if result and fn.__name__ not in passed:
            passed.add(fn.__name__)
            if passed == set(_SET_CHECKS[set_name]) and not strict_mode():
                print(HIDDEN_TESTS_NOTE.format(set=set_name))
        return result
    return noted


def set_checks(set_name: str) -> list:
    """The names of the checks registered (with @check) for one exercise set."""
    return list(_SET_CHECKS.get(set_name, []))


# ---------------------------------------------------------------- fitted mixtures


def align_components(mu_got, mu_expected) -> np.ndarray:
    """Order of the learner's components that best matches the reference (Hungarian algorithm).

    Components of a mixture can come out in any order; compare after aligning.
    """
    mu_got, mu_expected = np.atleast_2d(mu_got), np.atleast_2d(mu_expected)
    cost = ((mu_expected[:, None, :] - mu_got[None, :, :]) ** 2).sum(axis=-1)  # (K, K)
    _, order = linear_sum_assignment(cost)
    return order


def fitted_params(pi, mu, Sigma, X, K, rtol=1e-2, name="fitted parameters") -> CheckResult:
    """The parameters of a K-component fit to X, checked against the reference fit in any order."""
    ref = reference_fit(X, K)
    try:
        mu = np.asarray(mu, dtype=float).reshape(K, -1)
        order = align_components(mu, ref.mu)  # components may come out in any order
        pi, Sigma = np.asarray(pi, float)[order], np.asarray(Sigma, float).reshape(K, mu.shape[1], -1)[order]
        mu = mu[order]
    except Exception as exc:
        return report(name, 1, [f"could not read your parameters as pi (K,), mu (K, D), Sigma (K, D, D): {exc}"])
    problem = (compare_arrays(mu, ref.mu, rtol, 1e-6, "mu") or compare_arrays(pi, ref.pi, 5 * rtol, 1e-3, "pi")
               or compare_arrays(Sigma, ref.Sigma, 5 * rtol, 1e-3, "Sigma"))
    hint = "\n   Hint: run more iterations, or restart from a few starts and keep the best log-likelihood"
    return report(name, 1, [problem + hint] if problem else [])


def gmm_fit(fn, X, K) -> CheckResult:
    """Q: fn(X) fits K components and returns (pi, mu, Sigma); any component order is accepted."""
    name = getattr(fn, "__name__", "your fit")
    try:
        got = _call(fn, (X,))
    except _NotAnsweredError:
        return report(name, 1, ["not answered yet: replace `raise NotImplementedError()` with your code"])
    except Exception as exc:
        return report(name, 1, [f"your function raised {type(exc).__name__}: {exc}"])
    if not (isinstance(got, tuple) and len(got) == 3):
        return report(name, 1, ["return a triple (pi, mu, Sigma)"])
    return fitted_params(*got, X, K, name=name)
