"""Checks for exercise set 01 (lesson 01, heights): densities, sampling, the posterior."""

from __future__ import annotations

import numpy as np

from ..em import e_step as _e_step
from ..gaussian import log_gaussian as _log_gaussian
from ..params import GMMParams
from .engine import Case, CheckResult, Hint, check, hint, run_cases
from .fixtures import HEIGHTS, MU_H, PI_H, SIGMA_H, close, fmt, has_nan, nan_in_answer

__all__ = ["log_normal_pdf", "mixture_pdf", "sample_mixture", "posterior"]


# ---------------------------------------------------------------- Q1 the log-density


def _log_normal_ref(x, mu, sigma):
    return _log_gaussian(np.asarray(x, float), mu, sigma**2)


@hint("you returned the density itself; return its logarithm")
def returned_density(got, case) -> bool:
    return close(got, np.exp(case.expected))


@hint("sigma is the standard deviation: the formula needs sigma**2")
def used_sigma_as_variance(got, case) -> bool:
    x, mu, sigma = case.args
    return close(got, _log_normal_ref(x, mu, np.sqrt(sigma)))


@hint("far from the mean the density underflows to 0 and log(0) = -inf: write the log-density directly, "
      "-0.5*log(2*pi*sigma**2) - (x-mu)**2/(2*sigma**2)")
def log_of_underflow(got, case) -> bool:
    return bool(np.isinf(np.asarray(got, dtype=float)).any())


LOG_NORMAL_PDF_HINTS = [returned_density, used_sigma_as_variance, log_of_underflow]


@check
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
    return run_cases("log_normal_pdf", fn, cases, LOG_NORMAL_PDF_HINTS)


# ---------------------------------------------------------------- Q2 the mixture density


def _heights_case(reference) -> Case:
    """The six heights under the lesson's two-component mixture, answered by ``reference``."""
    return Case("x = [58, 63.5, 65, 67.2, 70, 74.5], pi = [0.45, 0.55], mu = [64.5, 69.5], sigma = [2.4, 2.6]",
                (HEIGHTS, PI_H, MU_H, SIGMA_H), reference(HEIGHTS, PI_H, MU_H, SIGMA_H))


def _mixture_ref(x, pi, mu, sigma):
    return np.exp(np.array([np.log(p) + _log_normal_ref(x, m, s) for p, m, s in zip(pi, mu, sigma, strict=True)])
                  ).sum(axis=0)


@hint("you forgot the weights: each component's density is multiplied by its pi_k")
def forgot_weights(got, case) -> bool:
    x, pi, mu, sigma = case.args
    return close(got, _mixture_ref(x, np.ones(len(pi)), mu, sigma))


@hint("you averaged the components: weight them by pi_k instead of 1/K")
def averaged_components(got, case) -> bool:
    x, pi, mu, sigma = case.args
    return close(got, _mixture_ref(x, np.full(len(pi), 1 / len(pi)), mu, sigma))


@hint("return one density per x, shape (N,): sum over components")
def did_not_sum_components(got, case) -> bool:
    return np.ndim(got) == 2


MIXTURE_PDF_HINTS = [forgot_weights, averaged_components, did_not_sum_components]


@check
def mixture_pdf(fn) -> CheckResult:
    """Q: p(x) = sum_k pi_k N(x | mu_k, sigma_k^2)."""
    cases = [
        _heights_case(_mixture_ref),
        Case("three components, pi = [0.2, 0.3, 0.5]", (HEIGHTS, np.array([0.2, 0.3, 0.5]),
             np.array([60.0, 66.0, 71.0]), np.array([1.5, 2.0, 3.0])),
             _mixture_ref(HEIGHTS, [0.2, 0.3, 0.5], [60.0, 66.0, 71.0], [1.5, 2.0, 3.0])),
    ]
    return run_cases("mixture_pdf", fn, cases, MIXTURE_PDF_HINTS)


# ---------------------------------------------------------------- Q3 sampling


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
        return f"components should be chosen with probabilities pi = {fmt(pi)}, got frequencies {fmt(freq)}"
    for k in range(len(pi)):
        xk = x[z == k]
        if abs(xk.mean() - mu[k]) > 5 * sigma[k] / np.sqrt(len(xk)) or abs(xk.std() / sigma[k] - 1) > 0.05:
            return (f"heights from component {k} should have mean {mu[k]} and sd {sigma[k]}, "
                    f"got mean {xk.mean():.3f} and sd {xk.std():.3f}")
    again = case.extra["fn"](pi, mu, sigma, n, np.random.default_rng(case.extra["seed"]))
    if not np.array_equal(np.asarray(again[0]), x):
        return "the same seed should give the same sample: use the rng you are given for every random draw"
    return None


@hint("sigma is the standard deviation: rng.normal(mu, sigma) takes it as it is")
def spread_is_variance(got, case) -> bool:
    x, z = (np.asarray(a) for a in got)
    sigma = case.args[2]
    return abs(x[z == 1].std() / sigma[1] ** 2 - 1) < 0.05


SAMPLE_MIXTURE_HINTS = [spread_is_variance]


@check
def sample_mixture(fn) -> CheckResult:
    """Q: draw n heights from the mixture: z ~ Categorical(pi), then x ~ N(mu_z, sigma_z^2)."""
    pi, mu, sigma = np.array([0.3, 0.7]), np.array([64.0, 70.0]), np.array([2.5, 3.0])
    cases = [Case("pi = [0.3, 0.7], mu = [64, 70], sigma = [2.5, 3.0], n = 20000, rng seed 7",
                  (pi, mu, sigma, 20_000, np.random.default_rng(7)), None, extra={"fn": fn, "seed": 7})]
    return run_cases("sample_mixture", fn, cases, SAMPLE_MIXTURE_HINTS, compare=_sampling_problem)


# ---------------------------------------------------------------- Q4 the posterior


def _posterior_ref(x, pi, mu, sigma):
    X = np.asarray(x, float)[:, None]
    return _e_step(X, GMMParams(pi=pi, mu=mu, Sigma=np.asarray(sigma) ** 2))[0]


nan_from_underflow = Hint(nan_in_answer, "far from every component both densities underflow to 0 and 0/0 = NaN: work "
                                         "with log-densities and normalise with scipy.special.logsumexp")


@hint("you forgot the weights pi_k in Bayes' rule")
def forgot_weights_in_bayes(got, case) -> bool:
    x, pi, mu, sigma = case.args
    return close(got, _posterior_ref(x, np.full(2, 0.5), mu, sigma))


@hint("each row (one height) must sum to 1: divide by the sum over components (axis=1)")
def rows_do_not_sum_to_one(got, case) -> bool:
    return np.ndim(got) == 2 and not has_nan(got) and not np.allclose(np.sum(got, axis=1), 1)


POSTERIOR_HINTS = [nan_from_underflow, forgot_weights_in_bayes, rows_do_not_sum_to_one]


@check
def posterior(fn) -> CheckResult:
    """Q: gamma_nk = p(group k | x_n) by Bayes' rule; shape (N, K), rows sum to 1."""
    cases = [
        _heights_case(_posterior_ref),
        Case("unequal weights pi = [0.9, 0.1]", (HEIGHTS, np.array([0.9, 0.1]), MU_H, SIGMA_H),
             _posterior_ref(HEIGHTS, [0.9, 0.1], MU_H, SIGMA_H)),
        Case("a far height x = [65, 400] (a typo in the data)", (np.array([65.0, 400.0]), PI_H, MU_H, SIGMA_H),
             _posterior_ref([65.0, 400.0], PI_H, MU_H, SIGMA_H)),
    ]
    return run_cases("posterior", fn, cases, POSTERIOR_HINTS)
