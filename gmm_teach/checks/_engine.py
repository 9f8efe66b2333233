"""The checking engine: run a learner's function on cases, compare, report one ✅/❌ line.

In self-study a failing check prints and returns a false CheckResult; in strict mode
(GMM_TEACH_STRICT=1, set for nbgrader by nbgrader_config.py) it raises CheckFailedError.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..em import e_step as _e_step
from ..em import fit_gmm as _fit_gmm
from ..params import GMMParams

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


def strict_mode() -> bool:
    """True when checks should raise instead of print (set GMM_TEACH_STRICT=1)."""
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes", "on")


# ---------------------------------------------------------------- the engine


@dataclass
class Case:
    """One call of the learner's function and the answer it should give."""

    label: str
    args: tuple
    expected: object
    rtol: float = 1e-6
    atol: float = 1e-9
    extra: dict = field(default_factory=dict)


class _NotAnsweredError(Exception):
    pass


def _call(fn: Callable, args: tuple):
    try:
        return fn(*args)
    except NotImplementedError:
        raise _NotAnsweredError() from None


def _fmt(value) -> str:
    arr = np.asarray(value)
    if arr.dtype == object or arr.size > 12:
        return f"array of shape {arr.shape}" if arr.dtype != object else repr(value)[:80]
    with np.printoptions(precision=4, suppress=False, threshold=12):
        return np.array2string(arr, separator=", ") if arr.ndim else f"{arr.item():.6g}"


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
        return f"{name} contains NaN (expected {_fmt(expected)})"
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        return f"expected {_fmt(expected)}, got {_fmt(got)}"
    return None


def _report(name: str, n_cases: int, failures: list[str]) -> CheckResult:
    if not failures:
        print(f"✅ {name}: correct ({n_cases} check{'s' if n_cases != 1 else ''} passed)")
        return CheckResult(True)
    text = f"❌ {name}: " + "\n   ".join(failures)
    if strict_mode():
        raise CheckFailedError(text)
    print(text)
    return CheckResult(False)


def run_cases(name: str, fn, cases: list[Case], hints=(), compare=None) -> CheckResult:
    """Run ``fn`` on every case; report the first failure with the first hint that applies."""
    if not callable(fn):
        return _report(name, len(cases), [f"expected a function, got {type(fn).__name__}"])
    compare = compare or (lambda got, case: compare_arrays(got, case.expected, case.rtol, case.atol))
    for case in cases:
        try:
            got = _call(fn, case.args)
        except _NotAnsweredError:
            return _report(name, len(cases), ["not answered yet: replace `raise NotImplementedError()` "
                                              "with your code, run that cell, then run this one again"])
        except Exception as exc:  # the learner's code failed: say how, never re-raise
            return _report(name, len(cases), [f"{case.label}: your function raised "
                                              f"{type(exc).__name__}: {exc}"])
        problem = compare(got, case)
        if problem:
            hint = next((h for h in (rule(got, case) for rule in hints) if h), None)
            message = f"{case.label}: {problem}" + (f"\n   Hint: {hint}" if hint else "")
            return _report(name, len(cases), [message])
    return _report(name, len(cases), [])


def _close(a, b, rtol=1e-6) -> bool:
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=1e-12))
    except (TypeError, ValueError):
        return False


def _has_nan(got) -> bool:
    try:
        return bool(np.isnan(np.asarray(got, dtype=float)).any())
    except (TypeError, ValueError):
        return False


def align_components(mu_got, mu_expected) -> np.ndarray:
    """Order of the learner's components that best matches the reference (Hungarian algorithm).

    Components of a mixture can come out in any order; compare after aligning.
    """
    mu_got, mu_expected = np.atleast_2d(mu_got), np.atleast_2d(mu_expected)
    cost = ((mu_expected[:, None, :] - mu_got[None, :, :]) ** 2).sum(axis=-1)  # (K, K)
    _, order = linear_sum_assignment(cost)
    return order


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


# ---------------------------------------------------------------- shared fixtures

HEIGHTS = np.array([58.0, 63.5, 65.0, 67.2, 70.0, 74.5])
PI_H, MU_H, SIGMA_H = np.array([0.45, 0.55]), np.array([64.5, 69.5]), np.array([2.4, 2.6])


def _anisotropic_2d(seed=0, N=40):
    rng = np.random.default_rng(seed)
    mu = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    Sigma = np.array([[[3.0, 1.2], [1.2, 1.0]], [[0.5, -0.3], [-0.3, 0.8]], [[1.0, 0.0], [0.0, 0.2]]])
    pi = np.array([0.5, 0.3, 0.2])
    z = rng.choice(3, size=N, p=pi)
    X = np.array([rng.multivariate_normal(mu[k], Sigma[k]) for k in z])
    return X, pi, mu, Sigma


def _gamma_for(X, pi, mu, Sigma):
    return _e_step(X, GMMParams(pi=pi, mu=mu, Sigma=Sigma))[0]


_REFERENCE_FITS: dict = {}


def _reference_fit(X, K) -> GMMParams:
    """The best of four EM runs, computed once per dataset and K."""
    key = (np.asarray(X, dtype=float).tobytes(), np.shape(X), K)
    if key not in _REFERENCE_FITS:
        fits = [_fit_gmm(X, K, seed=s, tol=1e-8, max_iter=3000) for s in range(4)]
        _REFERENCE_FITS[key] = max(fits, key=lambda r: r.log_likelihoods[-1]).params
    return _REFERENCE_FITS[key]


def fitted_params(pi, mu, Sigma, X, K, rtol=1e-2, name="fitted parameters") -> CheckResult:
    """The parameters of a K-component fit to X, checked against the reference fit in any order."""
    ref = _reference_fit(X, K)
    try:
        mu = np.asarray(mu, dtype=float).reshape(K, -1)
        order = align_components(mu, ref.mu)  # components may come out in any order
        pi, Sigma = np.asarray(pi, float)[order], np.asarray(Sigma, float).reshape(K, mu.shape[1], -1)[order]
        mu = mu[order]
    except Exception as exc:
        return _report(name, 1, [f"could not read your parameters as pi (K,), mu (K, D), Sigma (K, D, D): {exc}"])
    problem = (compare_arrays(mu, ref.mu, rtol, 1e-6, "mu") or compare_arrays(pi, ref.pi, 5 * rtol, 1e-3, "pi")
               or compare_arrays(Sigma, ref.Sigma, 5 * rtol, 1e-3, "Sigma"))
    hint = "\n   Hint: run more iterations, or restart from a few starts and keep the best log-likelihood"
    return _report(name, 1, [problem + hint] if problem else [])


def gmm_fit(fn, X, K) -> CheckResult:
    """Q: fn(X) fits K components and returns (pi, mu, Sigma); any component order is accepted."""
    name = getattr(fn, "__name__", "your fit")
    try:
        got = _call(fn, (X,))
    except _NotAnsweredError:
        return _report(name, 1, ["not answered yet: replace `raise NotImplementedError()` with your code"])
    except Exception as exc:
        return _report(name, 1, [f"your function raised {type(exc).__name__}: {exc}"])
    if not (isinstance(got, tuple) and len(got) == 3):
        return _report(name, 1, ["return a triple (pi, mu, Sigma)"])
    return fitted_params(*got, X, K, name=name)
