"""Checks for exercise set 03 (lesson 03): the E-step, the M-step updates, the EM loop."""

from __future__ import annotations

import numpy as np

from ..em import e_step as _e_step
from ..em import fit_gmm as _fit_gmm
from ..params import GMMParams
from .engine import Case, CheckResult, check, compare_arrays, hint, run_cases
from .fixtures import anisotropic_2d, close, full_covariances, gamma_for, has_nan, m_step_data

__all__ = ["e_step", "m_step_weights", "m_step_means", "m_step_covariances", "em"]


# ---------------------------------------------------------------- Q1 the E-step


def _is_pair(got) -> bool:
    return isinstance(got, tuple) and len(got) == 2


def _e_step_problem(got, case) -> str | None:
    if not _is_pair(got):
        return "return a pair (gamma, log_likelihood)"
    return (compare_arrays(got[0], case.expected[0], name="gamma")
            or compare_arrays(got[1], case.expected[1], rtol=1e-8, name="the log-likelihood"))


@hint("gamma has NaN: far from every component all densities underflow to 0. Compute log pi_k + log N(x | k) and "
      "normalise with scipy.special.logsumexp")
def gamma_has_nan(got, case) -> bool:
    return isinstance(got, tuple) and has_nan(got[0])


@hint("return the TOTAL log-likelihood sum_n log p(x_n), not the mean")
def returned_mean_log_likelihood(got, case) -> bool:
    return _is_pair(got) and close(got[1], case.expected[1] / len(case.args[0]))


@hint("include the weights: log pi_k + log N(x_n | mu_k, Sigma_k)")
def forgot_weights(got, case) -> bool:
    X, _, mu, Sigma = case.args
    return _is_pair(got) and close(got[0], gamma_for(X, np.full(3, 1 / 3), mu, Sigma))


E_STEP_HINTS = [gamma_has_nan, returned_mean_log_likelihood, forgot_weights]


@check
def e_step(fn) -> CheckResult:
    """Q: the E-step in log space: returns (gamma (N, K), total log-likelihood)."""
    X, pi, mu, Sigma = anisotropic_2d(1)
    far = np.vstack([X[:5], [[1e4, -1e4]]])
    cases = [
        Case("40 anisotropic 2-D points, K = 3", (X, pi, mu, Sigma), _e_step(X, GMMParams(pi, mu, Sigma))),
        Case("a point 10^4 away from every component", (far, pi, mu, Sigma),
             _e_step(far, GMMParams(pi, mu, Sigma))),
    ]
    return run_cases("e_step", fn, cases, E_STEP_HINTS, compare=_e_step_problem)


# ---------------------------------------------------------------- Q2-Q4 the M-step


@hint("divide the soft counts N_k by N, so the weights sum to 1")
def returned_soft_counts(got, case) -> bool:
    return close(got, case.args[0].sum(0))


@hint("sum over points (axis=0), giving one weight per component")
def summed_over_components(got, case) -> bool:
    return np.shape(got) == (len(case.args[0]),)


M_STEP_WEIGHTS_HINTS = [returned_soft_counts, summed_over_components]


@check
def m_step_weights(fn) -> CheckResult:
    """Q: pi_k = N_k / N with N_k = sum_n gamma_nk."""
    X, gamma = m_step_data()
    cases = [Case("gamma of shape (40, 3)", (gamma,), gamma.sum(0) / len(gamma))]
    return run_cases("m_step_weights", fn, cases, M_STEP_WEIGHTS_HINTS)


@hint("divide by N_k, the soft count of each component, not by N")
def means_divided_by_n(got, case) -> bool:
    X, gamma = case.args
    return close(got, gamma.T @ X / len(X))


@hint("you forgot to divide: mu_k is a weighted MEAN")
def means_not_divided(got, case) -> bool:
    X, gamma = case.args
    return close(got, gamma.T @ X)


M_STEP_MEANS_HINTS = [means_divided_by_n, means_not_divided]


@check
def m_step_means(fn) -> CheckResult:
    """Q: mu_k = sum_n gamma_nk x_n / N_k; returns (K, D)."""
    X, gamma = m_step_data()
    N_k = gamma.sum(0)
    cases = [Case("X (40, 2), gamma (40, 3)", (X, gamma), gamma.T @ X / N_k[:, None])]
    return run_cases("m_step_means", fn, cases, M_STEP_MEANS_HINTS)


@hint("centre the data: use x_n - mu_k, not x_n")
def not_centred(got, case) -> bool:
    X, gamma, mu = case.args
    return close(got, full_covariances(X, gamma, np.zeros_like(mu)))


@hint("divide by N_k (the soft count of component k), not by N")
def covariances_divided_by_n(got, case) -> bool:
    X, gamma, _ = case.args
    return close(np.asarray(got, float) * len(X) / gamma.sum(0)[:, None, None], case.expected, rtol=1e-6)


M_STEP_COVARIANCES_HINTS = [not_centred, covariances_divided_by_n]


@check
def m_step_covariances(fn) -> CheckResult:
    """Q: Sigma_k = (1/N_k) sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T; returns (K, D, D)."""
    X, gamma = m_step_data()
    mu = gamma.T @ X / gamma.sum(0)[:, None]
    cases = [Case("X (40, 2), gamma (40, 3), mu (3, 2)", (X, gamma, mu), full_covariances(X, gamma, mu))]
    return run_cases("m_step_covariances", fn, cases, M_STEP_COVARIANCES_HINTS)


# ---------------------------------------------------------------- Q5 the EM loop


def _em_problem(got, case) -> str | None:
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


@hint("record the log-likelihood from each E-step, BEFORE the M-step of that iteration")
def recorded_after_m_step(got, case) -> bool:
    return (isinstance(got, tuple) and len(got) == 4
            and close(np.asarray(got[3])[:-1], case.expected.log_likelihoods[2:-1]))


EM_HINTS = [recorded_after_m_step]


@check
def em(fn) -> CheckResult:
    """Q: n_iter EM iterations from a start; returns (pi, mu, Sigma, log_likelihoods)."""
    X, pi, mu, Sigma = anisotropic_2d(4, N=120)
    start = GMMParams(pi=np.full(3, 1 / 3), mu=mu + 0.8, Sigma=np.stack([np.eye(2)] * 3))
    ref = _fit_gmm(X, 3, init=start, max_iter=15, tol=0, reg_covar=0.0)
    cases = [Case("120 points, K = 3, 15 iterations from a given start",
                  (X, start.pi.copy(), start.mu.copy(), start.Sigma.copy(), 15), ref)]
    return run_cases("em", fn, cases, EM_HINTS, compare=_em_problem)
