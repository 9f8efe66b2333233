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
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from .em import e_step as _e_step
from .em import fit_gmm as _fit_gmm
from .gaussian import log_gaussian as _log_gaussian
from .kmeans import assign_step as _assign_step
from .kmeans import soft_assign as _soft_assign
from .model_selection import n_parameters as _n_parameters
from .params import GMMParams

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


# ---------------------------------------------------------------- ex01: heights


def _log_normal_ref(x, mu, sigma):
    return _log_gaussian(np.asarray(x, float), mu, sigma**2)


def log_normal_pdf(fn) -> CheckResult:
    """Q: log N(x | mu, sigma^2) for an array x; sigma is the standard deviation."""
    cases = [
        Case("x = [58, 63.5, 65, 67.2, 70, 74.5], mu = 65, sigma = 3", (HEIGHTS, 65.0, 3.0),
             _log_normal_ref(HEIGHTS, 65.0, 3.0)),
        Case("x = [1.70, 1.75], mu = 1.72, sigma = 0.07 (metres)", (np.array([1.70, 1.75]), 1.72, 0.07),
             _log_normal_ref([1.70, 1.75], 1.72, 0.07)),
        Case("a far height x = [65, 900], mu = 65, sigma = 3", (np.array([65.0, 900.0]), 65.0, 3.0),
             _log_normal_ref([65.0, 900.0], 65.0, 3.0)),
    ]
    hints = [
        lambda got, c: "you returned the density itself; return its logarithm"
        if _close(got, np.exp(c.expected)) else None,
        lambda got, c: ("sigma is the standard deviation: the formula needs sigma**2" if _close(
            got, _log_normal_ref(c.args[0], c.args[1], np.sqrt(c.args[2]))) else None),
        lambda got, c: ("far from the mean the density underflows to 0 and log(0) = -inf: write the log-density "
                        "directly, -0.5*log(2*pi*sigma**2) - (x-mu)**2/(2*sigma**2)")
        if np.isinf(np.asarray(got, dtype=float)).any() else None,
    ]
    return run_cases("log_normal_pdf", fn, cases, hints)


def _mixture_ref(x, pi, mu, sigma):
    return np.exp(np.array([np.log(p) + _log_normal_ref(x, m, s) for p, m, s in zip(pi, mu, sigma, strict=True)])
                  ).sum(axis=0)


def mixture_pdf(fn) -> CheckResult:
    """Q: p(x) = sum_k pi_k N(x | mu_k, sigma_k^2)."""
    cases = [
        Case("x = [58, 63.5, 65, 67.2, 70, 74.5], pi = [0.45, 0.55], mu = [64.5, 69.5], sigma = [2.4, 2.6]",
             (HEIGHTS, PI_H, MU_H, SIGMA_H), _mixture_ref(HEIGHTS, PI_H, MU_H, SIGMA_H)),
        Case("three components, pi = [0.2, 0.3, 0.5]", (HEIGHTS, np.array([0.2, 0.3, 0.5]),
             np.array([60.0, 66.0, 71.0]), np.array([1.5, 2.0, 3.0])),
             _mixture_ref(HEIGHTS, [0.2, 0.3, 0.5], [60.0, 66.0, 71.0], [1.5, 2.0, 3.0])),
    ]
    hints = [
        lambda got, c: ("you forgot the weights: each component's density is multiplied by its pi_k"
                        if _close(got, _mixture_ref(c.args[0], np.ones(len(c.args[1])), c.args[2], c.args[3]))
                        else None),
        lambda got, c: ("you averaged the components: weight them by pi_k instead of 1/K"
                        if _close(got, _mixture_ref(c.args[0], np.full(len(c.args[1]), 1 / len(c.args[1])),
                                                    c.args[2], c.args[3])) else None),
        lambda got, c: "return one density per x, shape (N,): sum over components" if np.ndim(got) == 2 else None,
    ]
    return run_cases("mixture_pdf", fn, cases, hints)


def _sampling_problem(got, case) -> str | None:
    pi, mu, sigma, n = case.args[:4]
    if not (isinstance(got, tuple) and len(got) == 2):
        return "return a pair (x, z): the heights and the component each came from"
    x, z = (np.asarray(a) for a in got)
    if x.shape != (n,) or z.shape != (n,):
        return f"x and z should both have shape ({n},), got {x.shape} and {z.shape}"
    if not np.issubdtype(z.dtype, np.integer) or z.min() < 0 or z.max() >= len(pi):
        return f"z should hold component numbers 0..{len(pi) - 1}"
    freq = np.bincount(z, minlength=len(pi)) / n
    if np.any(np.abs(freq - pi) > 4 * np.sqrt(pi * (1 - pi) / n) + 1e-3):
        return f"components should be chosen with probabilities pi = {_fmt(pi)}, got frequencies {_fmt(freq)}"
    for k in range(len(pi)):
        xk = x[z == k]
        if abs(xk.mean() - mu[k]) > 5 * sigma[k] / np.sqrt(len(xk)) or abs(xk.std() / sigma[k] - 1) > 0.05:
            return (f"heights from component {k} should have mean {mu[k]} and sd {sigma[k]}, "
                    f"got mean {xk.mean():.3f} and sd {xk.std():.3f}")
    again = case.extra["fn"](pi, mu, sigma, n, np.random.default_rng(case.extra["seed"]))
    if not np.array_equal(np.asarray(again[0]), x):
        return "the same seed should give the same sample: use the rng you are given for every random draw"
    return None


def _spread_is_variance(got, sigma) -> bool:
    try:
        x, z = (np.asarray(a) for a in got)
        return abs(x[z == 1].std() / sigma[1] ** 2 - 1) < 0.05
    except Exception:
        return False


def sample_mixture(fn) -> CheckResult:
    """Q: draw n heights from the mixture: z ~ Categorical(pi), then x ~ N(mu_z, sigma_z^2)."""
    pi, mu, sigma = np.array([0.3, 0.7]), np.array([64.0, 70.0]), np.array([2.5, 3.0])
    cases = [Case("pi = [0.3, 0.7], mu = [64, 70], sigma = [2.5, 3.0], n = 20000, rng seed 7",
                  (pi, mu, sigma, 20_000, np.random.default_rng(7)), None, extra={"fn": fn, "seed": 7})]
    hints = [lambda got, c: ("sigma is the standard deviation: rng.normal(mu, sigma) takes it as it is"
                             if _spread_is_variance(got, c.args[2]) else None)]
    return run_cases("sample_mixture", fn, cases, hints, compare=_sampling_problem)


def _posterior_ref(x, pi, mu, sigma):
    X = np.asarray(x, float)[:, None]
    return _e_step(X, GMMParams(pi=pi, mu=mu, Sigma=np.asarray(sigma) ** 2))[0]


def posterior(fn) -> CheckResult:
    """Q: gamma_nk = p(group k | x_n) by Bayes' rule; shape (N, K), rows sum to 1."""
    cases = [
        Case("x = [58, 63.5, 65, 67.2, 70, 74.5], pi = [0.45, 0.55], mu = [64.5, 69.5], sigma = [2.4, 2.6]",
             (HEIGHTS, PI_H, MU_H, SIGMA_H), _posterior_ref(HEIGHTS, PI_H, MU_H, SIGMA_H)),
        Case("unequal weights pi = [0.9, 0.1]", (HEIGHTS, np.array([0.9, 0.1]), MU_H, SIGMA_H),
             _posterior_ref(HEIGHTS, [0.9, 0.1], MU_H, SIGMA_H)),
        Case("a far height x = [65, 400] (a typo in the data)", (np.array([65.0, 400.0]), PI_H, MU_H, SIGMA_H),
             _posterior_ref([65.0, 400.0], PI_H, MU_H, SIGMA_H)),
    ]
    hints = [
        lambda got, c: ("far from every component both densities underflow to 0 and 0/0 = NaN: work with "
                        "log-densities and normalise with scipy.special.logsumexp" if _has_nan(got) else None),
        lambda got, c: ("you forgot the weights pi_k in Bayes' rule" if _close(
            got, _posterior_ref(c.args[0], np.full(2, 0.5), c.args[2], c.args[3])) else None),
        lambda got, c: ("each row (one height) must sum to 1: divide by the sum over components (axis=1)"
                        if np.ndim(got) == 2 and not _has_nan(got)
                        and not np.allclose(np.sum(got, axis=1), 1) else None),
    ]
    return run_cases("posterior", fn, cases, hints)


# ---------------------------------------------------------------- ex02: k-means

def _blobs_small(seed=3):
    X, _, _, _ = _anisotropic_2d(seed, N=60)
    return X


def assign_clusters(fn) -> CheckResult:
    """Q: z_n = argmin_k ||x_n - m_k||^2; returns (N,) integer labels."""
    X = _blobs_small()
    C1 = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    C2 = np.array([[10.0, 10.0], [0.5, 0.5]])
    cases = [Case("60 points, 3 centres", (X, C1), _assign_step(X, C1)),
             Case("60 points, 2 centres, one far away", (X, C2), _assign_step(X, C2))]
    hints = [
        lambda got, c: ("return one label per point, shape (N,): take argmin over the centres (axis=1)"
                        if np.shape(got) != (len(c.args[0]),) else None),
        lambda got, c: ("you picked the farthest centre: use argmin, not argmax"
                        if _close(got, np.argmax(((c.args[0][:, None] - c.args[1][None]) ** 2).sum(-1), axis=1))
                        else None),
    ]
    return run_cases("assign_clusters", fn, cases, hints)


def _means_ref(X, labels, K):
    return np.array([X[labels == k].mean(axis=0) for k in range(K)])


def update_centers(fn) -> CheckResult:
    """Q: m_k = mean of the points assigned to k; returns (K, D)."""
    X = _blobs_small()
    labels3 = _assign_step(X, np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]]))
    labels2 = (X[:, 0] > 1.5).astype(int)
    cases = [Case("60 points, 3 clusters", (X, labels3, 3), _means_ref(X, labels3, 3)),
             Case("60 points, 2 clusters", (X, labels2, 2), _means_ref(X, labels2, 2))]
    hints = [
        lambda got, c: ("you summed the points: divide by how many there are in each cluster"
                        if _close(got, np.array([c.args[0][c.args[1] == k].sum(0) for k in range(c.args[2])]))
                        else None),
        lambda got, c: (f"return one centre per row, shape ({c.args[2]}, D)"
                        if np.shape(got) == (np.shape(c.args[0])[1], c.args[2]) else None),
    ]
    return run_cases("update_centers", fn, cases, hints)


def _kmeanspp_problem(got, case) -> str | None:
    fn, X = case.extra["fn"], case.args[0]
    got = np.asarray(got, dtype=float)
    if got.shape != (case.args[1], X.shape[1]):
        return f"return K centres as a ({case.args[1]}, {X.shape[1]}) array, got shape {got.shape}"
    if not all(np.any(np.all(X == c, axis=1)) for c in got):
        return "every k-means++ centre must be one of the data points"
    if len(np.unique(got, axis=0)) != len(got):
        return "the centres must be different points"
    # X = [0, 1, 10]: after a uniformly chosen first centre, the second is drawn with
    # probability proportional to D(x)^2, so the pairs have known frequencies.
    line = np.array([[0.0], [1.0], [10.0]])
    counts = np.zeros((3, 3))
    n = 3000
    for seed in range(n):
        first, second = np.asarray(fn(line, 2, np.random.default_rng(seed)), dtype=float)[:, 0]
        counts[int(np.flatnonzero(line[:, 0] == first)[0]), int(np.flatnonzero(line[:, 0] == second)[0])] += 1
    d2 = (line - line.T) ** 2
    expected = d2 / d2.sum(axis=1, keepdims=True) / 3  # P(first = i, second = j)
    worst = np.max(np.abs(counts / n - expected) / np.sqrt(expected * (1 - expected) / n + 1e-12))
    if worst > 5:
        return (f"on points x = [0, 1, 10], the pair (first, second) should come up with frequencies "
                f"{_fmt(expected.ravel())}, got {_fmt((counts / n).ravel())}")
    return None


def kmeans_plusplus(fn) -> CheckResult:
    """Q: k-means++ seeding: first centre uniform, each next one with probability proportional to D(x)^2."""
    X = _blobs_small()
    cases = [Case("60 points, K = 3, rng seed 0", (X, 3, np.random.default_rng(0)), None, extra={"fn": fn})]
    hints = [lambda got, c: ("the first centre is uniform, but later ones must favour far points: "
                             "p(x) = D(x)^2 / sum D^2, where D is the distance to the NEAREST chosen centre")
             if "frequencies" in (_kmeanspp_problem(got, c) or "") else None]
    return run_cases("kmeans_plusplus", fn, cases, hints, compare=_kmeanspp_problem)


def soft_assign(fn) -> CheckResult:
    """Q: r_nk = exp(-beta ||x_n - m_k||^2) / sum_j exp(-beta ||x_n - m_j||^2); returns (N, K)."""
    X = _blobs_small()
    C = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    cases = [Case("60 points, 3 centres, beta = 0.5", (X, C, 0.5), _soft_assign(X, C, 0.5)),
             Case("beta = 0.01 (very soft)", (X, C, 0.01), _soft_assign(X, C, 0.01)),
             Case("beta = 1000 (very stiff)", (X, C, 1000.0), _soft_assign(X, C, 1000.0), atol=1e-9)]
    hints = [
        lambda got, c: ("with a stiff beta every exp(-beta d^2) underflows to 0 and 0/0 = NaN: subtract each "
                        "row's largest exponent first (or use scipy.special.logsumexp / softmax)"
                        if _has_nan(got) else None),
        lambda got, c: ("use the SQUARED distance ||x - m||^2 in the exponent" if _close(
            got, _soft_assign_dist(c.args[0], c.args[1], c.args[2])) else None),
    ]
    return run_cases("soft_assign", fn, cases, hints)


def _soft_assign_dist(X, C, beta):
    d = np.sqrt(((X[:, None] - C[None]) ** 2).sum(-1))
    e = np.exp(-beta * (d - d.min(axis=1, keepdims=True)))
    return e / e.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- ex03: EM


def e_step(fn) -> CheckResult:
    """Q: the E-step in log space: returns (gamma (N, K), total log-likelihood)."""
    X, pi, mu, Sigma = _anisotropic_2d(1)
    far = np.vstack([X[:5], [[1e4, -1e4]]])
    cases = [
        Case("40 anisotropic 2-D points, K = 3", (X, pi, mu, Sigma), _e_step(X, GMMParams(pi, mu, Sigma))),
        Case("a point 10^4 away from every component", (far, pi, mu, Sigma),
             _e_step(far, GMMParams(pi, mu, Sigma))),
    ]

    def compare(got, case):
        if not (isinstance(got, tuple) and len(got) == 2):
            return "return a pair (gamma, log_likelihood)"
        return (compare_arrays(got[0], case.expected[0], name="gamma")
                or compare_arrays(got[1], case.expected[1], rtol=1e-8, name="the log-likelihood"))

    hints = [
        lambda got, c: ("gamma has NaN: far from every component all densities underflow to 0. Compute log "
                        "pi_k + log N(x | k) and normalise with scipy.special.logsumexp"
                        if isinstance(got, tuple) and _has_nan(got[0]) else None),
        lambda got, c: ("return the TOTAL log-likelihood sum_n log p(x_n), not the mean"
                        if isinstance(got, tuple) and len(got) == 2 and _close(got[1], c.expected[1] / len(c.args[0]))
                        else None),
        lambda got, c: ("include the weights: log pi_k + log N(x_n | mu_k, Sigma_k)"
                        if isinstance(got, tuple) and len(got) == 2
                        and _close(got[0], _gamma_for(c.args[0], np.full(3, 1 / 3), c.args[2], c.args[3]))
                        else None),
    ]
    return run_cases("e_step", fn, cases, hints, compare=compare)


def _m_step_data(seed=2):
    X, pi, mu, Sigma = _anisotropic_2d(seed)
    return X, _gamma_for(X, pi, mu, Sigma)


def m_step_weights(fn) -> CheckResult:
    """Q: pi_k = N_k / N with N_k = sum_n gamma_nk."""
    X, gamma = _m_step_data()
    cases = [Case("gamma of shape (40, 3)", (gamma,), gamma.sum(0) / len(gamma))]
    hints = [lambda got, c: "divide the soft counts N_k by N, so the weights sum to 1"
             if _close(got, c.args[0].sum(0)) else None,
             lambda got, c: "sum over points (axis=0), giving one weight per component"
             if np.shape(got) == (len(c.args[0]),) else None]
    return run_cases("m_step_weights", fn, cases, hints)


def m_step_means(fn) -> CheckResult:
    """Q: mu_k = sum_n gamma_nk x_n / N_k; returns (K, D)."""
    X, gamma = _m_step_data()
    N_k = gamma.sum(0)
    cases = [Case("X (40, 2), gamma (40, 3)", (X, gamma), gamma.T @ X / N_k[:, None])]
    hints = [lambda got, c: "divide by N_k, the soft count of each component, not by N"
             if _close(got, c.args[1].T @ c.args[0] / len(c.args[0])) else None,
             lambda got, c: "you forgot to divide: mu_k is a weighted MEAN"
             if _close(got, c.args[1].T @ c.args[0]) else None]
    return run_cases("m_step_means", fn, cases, hints)


def _cov_full_ref(X, gamma, mu):
    N_k = gamma.sum(0)
    return np.stack([(gamma[:, k, None] * (X - mu[k])).T @ (X - mu[k]) / N_k[k] for k in range(len(mu))])


def m_step_covariances(fn) -> CheckResult:
    """Q: Sigma_k = (1/N_k) sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T; returns (K, D, D)."""
    X, gamma = _m_step_data()
    mu = gamma.T @ X / gamma.sum(0)[:, None]
    cases = [Case("X (40, 2), gamma (40, 3), mu (3, 2)", (X, gamma, mu), _cov_full_ref(X, gamma, mu))]
    hints = [lambda got, c: "centre the data: use x_n - mu_k, not x_n"
             if _close(got, _cov_full_ref(c.args[0], c.args[1], np.zeros_like(c.args[2]))) else None,
             lambda got, c: "divide by N_k (the soft count of component k), not by N"
             if _close(np.asarray(got, float) * len(c.args[0]) / c.args[1].sum(0)[:, None, None], c.expected,
                       rtol=1e-6) else None]
    return run_cases("m_step_covariances", fn, cases, hints)


def em(fn) -> CheckResult:
    """Q: n_iter EM iterations from a start; returns (pi, mu, Sigma, log_likelihoods)."""
    X, pi, mu, Sigma = _anisotropic_2d(4, N=120)
    start = GMMParams(pi=np.full(3, 1 / 3), mu=mu + 0.8, Sigma=np.stack([np.eye(2)] * 3))
    ref = _fit_gmm(X, 3, init=start, max_iter=15, tol=0, reg_covar=0.0)
    cases = [Case("120 points, K = 3, 15 iterations from a given start",
                  (X, start.pi.copy(), start.mu.copy(), start.Sigma.copy(), 15), ref)]

    def compare(got, case):
        if not (isinstance(got, tuple) and len(got) == 4):
            return "return (pi, mu, Sigma, log_likelihoods)"
        lls = np.asarray(got[3], dtype=float)
        if lls.shape != (15,):
            return f"log_likelihoods should hold one value per iteration, shape (15,), got {lls.shape}"
        if np.any(np.diff(lls) < -1e-8 * np.abs(lls[:-1])):
            return f"the log-likelihood went DOWN at iteration {int(np.argmax(np.diff(lls) < 0)) + 1}: EM never does"
        ref = case.expected
        return (compare_arrays(lls, ref.log_likelihoods[:-1], rtol=1e-6, name="log_likelihoods")
                or compare_arrays(got[1], ref.params.mu, rtol=1e-5, atol=1e-8, name="mu")
                or compare_arrays(got[0], ref.params.pi, rtol=1e-5, atol=1e-8, name="pi")
                or compare_arrays(got[2], ref.params.Sigma, rtol=1e-5, atol=1e-8, name="Sigma"))

    hints = [lambda got, c: ("record the log-likelihood from each E-step, BEFORE the M-step of that iteration"
                             if isinstance(got, tuple) and len(got) == 4
                             and _close(np.asarray(got[3])[:-1], c.expected.log_likelihoods[2:-1]) else None)]
    return run_cases("em", fn, cases, hints, compare=compare)


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


# ---------------------------------------------------------------- ex04: ellipses and covariance types


def _ellipse_ref(cov, n_std):
    lam, V = np.linalg.eigh(cov)
    angle = np.degrees(np.arctan2(V[1, 1], V[0, 1])) % 180
    return np.array([2 * n_std * np.sqrt(lam[1]), 2 * n_std * np.sqrt(lam[0]), angle])


def _ellipse_problem(got, case):
    try:
        width, height, angle = (float(v) for v in got)
    except Exception:
        return "return three numbers: (width, height, angle in degrees)"
    w, h, a = case.expected
    if not np.allclose([width, height], [w, h], rtol=1e-6):
        return f"expected width {w:.4f} and height {h:.4f}, got {width:.4f} and {height:.4f}"
    diff = (angle - a) % 180
    if min(diff, 180 - diff) > 1e-6 and not np.isclose(w, h):
        return f"expected an angle of {a:.2f} degrees (or that plus a multiple of 180), got {angle:.2f}"
    return None


def ellipse(fn) -> CheckResult:
    """Q: covariance -> (width, height, angle): full axes 2 n_std sqrt(lambda), angle of the major axis."""
    R = lambda t: np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])  # noqa: E731
    tilted = R(0.5) @ np.diag([4.0, 0.25]) @ R(0.5).T
    cases = [Case("cov = diag(4, 1), n_std = 1", (np.diag([4.0, 1.0]), 1.0), _ellipse_ref(np.diag([4.0, 1.0]), 1.0)),
             Case("cov = [[2, 1], [1, 2]], n_std = 2", (np.array([[2.0, 1.0], [1.0, 2.0]]), 2.0),
                  _ellipse_ref(np.array([[2.0, 1.0], [1.0, 2.0]]), 2.0)),
             Case("a tilted covariance, n_std = 1", (tilted, 1.0), _ellipse_ref(tilted, 1.0)),
             Case("cov = diag(1, 9): taller than wide, n_std = 1", (np.diag([1.0, 9.0]), 1.0),
                  _ellipse_ref(np.diag([1.0, 9.0]), 1.0))]

    def has(got, expected):
        try:
            return np.allclose([float(v) for v in got][:2], expected, rtol=1e-6)
        except Exception:
            return False

    hints = [
        # width = 2 n sqrt(lambda); with lambda itself it would be 2 n lambda = width^2 / (2 n)
        lambda got, c: "the axes come from the SQUARE ROOTS of the eigenvalues (standard deviations)"
        if has(got, c.expected[:2] ** 2 / (2 * c.args[1])) else None,
        lambda got, c: "width and height are FULL axis lengths: 2 * n_std * sqrt(eigenvalue)"
        if has(got, c.expected[:2] / 2) else None,
        lambda got, c: ("the eigenvectors are the COLUMNS of eigh's second result (V[:, i]), and the major "
                        "axis belongs to the LARGEST eigenvalue (eigh sorts them ascending)")
        if "angle" in (_ellipse_problem(got, c) or "") else None,
    ]
    return run_cases("ellipse", fn, cases, hints, compare=_ellipse_problem)


def _cov_case_data():
    X, gamma = _m_step_data(seed=5)
    N_k = gamma.sum(0)
    mu = gamma.T @ X / N_k[:, None]
    return X, gamma, mu, N_k


def _check_cov(name, fn, expected_fn, extra_hints=()):
    X, gamma, mu, N_k = _cov_case_data()
    expected = expected_fn(X, gamma, mu, N_k)
    cases = [Case("X (40, 2), gamma (40, 3), mu (3, 2)", (X, gamma, mu), expected)]
    hints = [lambda got, c: ("return every component's covariance as a full (K, D, D) stack, like gmm_teach "
                             "stores it" if np.shape(got) != np.shape(c.expected) else None), *extra_hints]
    return run_cases(name, fn, cases, hints)


def _diag_vars(X, gamma, mu, N_k):
    return np.stack([gamma[:, k] @ (X - mu[k]) ** 2 / N_k[k] for k in range(len(mu))])  # (K, D)


def covariance_full(fn) -> CheckResult:
    """Q: full: Sigma_k = (1/N_k) sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T."""
    return _check_cov("covariance_full", fn, lambda X, g, mu, N_k: _cov_full_ref(X, g, mu))


def covariance_diag(fn) -> CheckResult:
    """Q: diag: Sigma_k = diag of the full covariance (off-diagonal 0)."""
    return _check_cov("covariance_diag", fn, lambda X, g, mu, N_k: _diag_vars(X, g, mu, N_k)[:, :, None] * np.eye(2),
                      [lambda got, c: "keep only the diagonal: off-diagonal entries must be 0"
                       if _close(got, _cov_full_ref(*c.args)) else None])


def covariance_spherical(fn) -> CheckResult:
    """Q: spherical: Sigma_k = s_k^2 I with s_k^2 the mean of component k's D variances."""
    return _check_cov("covariance_spherical", fn,
                      lambda X, g, mu, N_k: _diag_vars(X, g, mu, N_k).mean(1)[:, None, None] * np.eye(2),
                      [lambda got, c: "average the D variances into one number per component, times the identity"
                       if _close(np.diagonal(np.asarray(got, float), axis1=1, axis2=2),
                                 _diag_vars(*c.args, c.args[1].sum(0))) else None])


def covariance_tied(fn) -> CheckResult:
    """Q: tied: one Sigma for all, (1/N) sum_k sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T, repeated K times."""
    def tied(X, g, mu, N_k):
        S = sum((g[:, k, None] * (X - mu[k])).T @ (X - mu[k]) for k in range(len(mu))) / N_k.sum()
        return np.repeat(S[None], len(mu), axis=0)
    return _check_cov("covariance_tied", fn, tied,
                      [lambda got, c: "tied is not the average of the full covariances: pool the scatter of all "
                       "components and divide by N" if _close(got, np.repeat(_cov_full_ref(*c.args).mean(0)[None],
                                                                               3, axis=0)) else None])


def n_parameters(fn) -> CheckResult:
    """Q: free parameters of a GMM: (K - 1) weights + K D means + the covariance parameters."""
    # K = 2, D = 3 first: there every mistake gives a different wrong number, so the hint is unambiguous.
    grid = [(K, D, t) for K in (2, 5, 1) for D in (3, 2, 1) for t in ("full", "tied", "diag", "spherical")]
    cases = [Case(f"K = {K}, D = {D}, covariance_type = {t!r}", (K, D, t), _n_parameters(K, D, t))
             for K, D, t in grid]
    hints = [
        lambda got, c: "the K weights sum to 1, so only K - 1 of them are free"
        if _close(got, c.expected + 1) else None,
        lambda got, c: "a D x D covariance is symmetric: it has D(D+1)/2 free numbers, not D^2"
        if c.args[2] in ("full", "tied") and _close(
            got, c.expected + (c.args[0] if c.args[2] == "full" else 1) * c.args[1] * (c.args[1] - 1) // 2) else None,
    ]
    return run_cases("n_parameters", fn, cases, hints,
                     compare=lambda got, c: None if np.isscalar(got) and got == c.expected
                     else f"expected {c.expected}, got {got!r}")
