"""EM for data that do not fit in memory: sufficient statistics that add up over chunks.

The M-step never needs the responsibilities themselves, only three sums per
component: N_k = sum_n gamma_nk, sum_n gamma_nk x_n and sum_n gamma_nk x_n x_n^T.
Sums over the whole data set are sums of sums over chunks, so one EM iteration
can read the data a chunk at a time (from a file on disk, a database, or many
machines), reduce each chunk to K (1 + D + D^2) numbers, add them up and do one
M-step. The result is the in-memory EM's, to rounding.

Raw second moments lose digits: E[x x^T] - mu mu^T subtracts two large, nearly
equal numbers when the data sit far from the origin. So the second-order sum is
taken about the current means m_k (known before the pass), S_k = sum_n gamma_nk
(x_n - m_k)(x_n - m_k)^T, and corrected by the small step mu_k - m_k afterwards.

Derived in notebooks/09.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_covariance_type, check_positive, check_settings, check_X
from .covariance import covariance_from_scatter
from .em import FitResult, _check_not_collapsed, em_loop
from .fast import _scatter
from .fast import e_step as fast_e_step
from .params import GMMParams


@dataclass(frozen=True)
class SufficientStats:
    r"""What the M-step needs from a set of points, under fixed parameters theta (E-step done).

    N_k : (K,) soft counts sum_n gamma_nk.
    sum_x : (K, D) sums sum_n gamma_nk x_n.
    scatter : (K, D, D) sums sum_n gamma_nk (x_n - m_k)(x_n - m_k)^T about m = ``centre``.
    centre : (K, D) the means m_k of theta, the same for every chunk of one pass.
    log_likelihood : sum_n log p(x_n | theta), the total over these points.
    n : number of points.

    Two SufficientStats of the same pass add up with ``+``.
    """

    N_k: np.ndarray
    sum_x: np.ndarray
    scatter: np.ndarray
    centre: np.ndarray
    log_likelihood: float
    n: int

    def __add__(self, other: SufficientStats) -> SufficientStats:
        if not np.array_equal(self.centre, other.centre):
            raise ValueError("can only add SufficientStats computed under the same parameters (one EM pass)")
        return SufficientStats(self.N_k + other.N_k, self.sum_x + other.sum_x, self.scatter + other.scatter,
                               self.centre, self.log_likelihood + other.log_likelihood, self.n + other.n)


def sufficient_stats(X, p: GMMParams) -> SufficientStats:
    r"""E-step on one chunk, reduced to N_k = sum gamma_nk, sum gamma_nk x_n, sum gamma_nk (x_n - mu_k)(x_n - mu_k)^T.

    Parameters
    ----------
    X : (n, D) one chunk of the data (any array, e.g. a slice of a np.memmap).
    p : the current parameters theta; their means are the centre of the scatter.

    Returns
    -------
    SufficientStats of this chunk; K (1 + D + D^2) + 1 numbers, whatever n is.
    """
    X = check_X(X)  # (n, D) float64 in memory: reads a memory-mapped chunk from disk
    gamma, ll = fast_e_step(X, p)  # (n, K); checks X and p
    return SufficientStats(
        N_k=gamma.sum(axis=0),  # (K,)
        sum_x=gamma.T @ X,  # (K, D)
        scatter=_scatter(X, gamma, p.mu, diagonal_only=False),  # (K, D, D)
        centre=p.mu,
        log_likelihood=ll,
        n=X.shape[0],
    )


def m_step_from_stats(stats: SufficientStats, covariance_type: str = "full", reg_covar: float = 1e-6) -> GMMParams:
    r"""pi_k = N_k / N;  mu_k = sum gamma_nk x_n / N_k;  Sigma_k = [S_k - N_k d_k d_k^T] / N_k with d_k = mu_k - m_k.

    The same M-step as em.m_step, from the sums alone: S_k is the scatter about
    the old means m_k, and moving it to the new means subtracts N_k d_k d_k^T
    (the parallel-axis theorem); d_k is small, so nothing cancels badly.
    """
    check_covariance_type(covariance_type)
    reg_covar = check_positive(reg_covar, "reg_covar", allow_zero=True)
    n_k = stats.N_k  # (K,)
    N_k = n_k + 10 * np.finfo(float).eps  # (K,), as em.m_step
    mu = stats.sum_x / N_k[:, None]  # (K, D)
    d = mu - stats.centre  # (K, D)
    S = stats.scatter - n_k[:, None, None] * d[:, :, None] * d[:, None, :]  # (K, D, D), about mu
    Sigma = covariance_from_scatter(S, N_k, covariance_type, reg_covar)  # (K, D, D)
    _check_not_collapsed(Sigma, N_k)
    return GMMParams(pi=N_k / N_k.sum(), mu=mu, Sigma=Sigma, covariance_type=covariance_type)


def pass_over_chunks(chunks, p: GMMParams) -> SufficientStats:
    """The E-step of one EM iteration over data given as chunks: sum of each chunk's statistics."""
    total = None
    for X in chunks:
        stats = sufficient_stats(X, p)
        total = stats if total is None else total + stats
    if total is None:
        raise ValueError("chunks must hold at least one chunk of data")
    return total


def fit_gmm_chunked(chunks, init: GMMParams, covariance_type: str = "full", max_iter: int = 100,
                    tol: float = 1e-3, reg_covar: float = 1e-6) -> FitResult:
    r"""EM as em.fit_gmm from the start ``init``, reading the data chunk by chunk in every iteration.

    Parameters
    ----------
    chunks : a sequence of (n_i, D) arrays read once per iteration, e.g. a list of
        slices of a np.memmap (a slice reads nothing until it is used).
    init : GMMParams, the starting parameters.
    covariance_type, max_iter, tol, reg_covar : as em.fit_gmm.

    Returns
    -------
    FitResult as em.fit_gmm's, with ``gamma=None``: the responsibilities of all the
    points are never held in memory.
    """
    if not isinstance(init, GMMParams):
        raise TypeError(f"init must be a GMMParams, got {type(init).__name__}")
    max_iter, tol, reg_covar = check_settings(covariance_type, max_iter, tol, reg_covar)

    def one_pass(q):
        stats = pass_over_chunks(chunks, q)
        return stats, stats.log_likelihood

    N = sum(len(X) for X in chunks)  # the lengths of memmap slices read no data
    return em_loop(init, one_pass, lambda stats: m_step_from_stats(stats, covariance_type, reg_covar),
                   N, max_iter, tol, gamma_of=lambda stats: None)
