"""Checks for exercise set 03 (lesson 03): the E-step, the M-step updates, the EM loop."""

from __future__ import annotations

import numpy as np

from ..em import e_step as _e_step
from ..em import fit_gmm as _fit_gmm
from ..params import GMMParams
from ._engine import Case, CheckResult, _anisotropic_2d, _close, _gamma_for, _has_nan, compare_arrays, run_cases

__all__ = ["e_step", "m_step_weights", "m_step_means", "m_step_covariances", "em"]


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
