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
from .em import FitResult, check_not_collapsed, em_loop, soft_counts
from .fast import e_step as fast_e_step
from .fast import scatter
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
        scatter=scatter(X, gamma, p.mu, diagonal_only=False),  # (K, D, D)
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
    N_k = soft_counts(n_k)  # (K,), as em.m_step
    mu = stats.sum_x / N_k[:, None]  # (K, D)
    d = mu - stats.centre  # (K, D)
    S = stats.scatter - n_k[:, None, None] * d[:, :, None] * d[:, None, :]  # (K, D, D), about mu
    Sigma = covariance_from_scatter(S, N_k, covariance_type, reg_covar)  # (K, D, D)
    check_not_collapsed(Sigma, N_k)
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


# ---- stochastic (mini-batch) EM: one M-step per batch, from a running average of the statistics


def recentre_stats(stats: SufficientStats, centre) -> SufficientStats:
    r"""S_k(c) = S_k(m) + a_k (m_k - c_k)^T + (m_k - c_k) a_k^T + N_k (m_k - c_k)(m_k - c_k)^T, a_k = sum_x_k - N_k m_k.

    The same points' scatter, moved from the centre m = ``stats.centre`` to ``centre`` (K, D),
    so statistics gathered under different parameters can be added (stochastic EM).
    """
    c = np.asarray(centre, dtype=float)  # (K, D)
    if c.shape != stats.centre.shape:
        raise ValueError(f"centre must have shape {stats.centre.shape}, got {c.shape}")
    e = stats.centre - c  # (K, D)
    a = stats.sum_x - stats.N_k[:, None] * stats.centre  # (K, D), sum_n gamma_nk (x_n - m_k)
    S = (stats.scatter + a[:, :, None] * e[:, None, :] + e[:, :, None] * a[:, None, :]
         + stats.N_k[:, None, None] * e[:, :, None] * e[:, None, :])  # (K, D, D)
    return SufficientStats(stats.N_k, stats.sum_x, S, c, stats.log_likelihood, stats.n)


def blend_stats(old: SufficientStats, new: SufficientStats, rho: float) -> SufficientStats:
    r"""s = (1 - rho) s_old + rho (n_old / n_new) s_new: a running average of statistics, about new's centre.

    ``new`` is rescaled to as many points as ``old`` stands for, so rho is the weight of the
    newest mini-batch; rho = 1 forgets the past. Cappé & Moulines (2009), JRSS B 71, 593-613.
    """
    rho = check_positive(rho, "rho")
    if rho > 1:
        raise ValueError(f"rho must be in (0, 1], got {rho}")
    old = recentre_stats(old, new.centre)
    w = rho * old.n / new.n  # weight of each new point
    return SufficientStats((1 - rho) * old.N_k + w * new.N_k, (1 - rho) * old.sum_x + w * new.sum_x,
                           (1 - rho) * old.scatter + w * new.scatter, new.centre,
                           (1 - rho) * old.log_likelihood + w * new.log_likelihood, old.n)


def stochastic_em(batches, init: GMMParams, rho=lambda t: (t + 2) ** -0.6, covariance_type: str = "full",
                  reg_covar: float = 1e-6) -> list:
    r"""s_t = (1 - rho_t) s_{t-1} + rho_t s(batch_t | theta_{t-1});  theta_t = M(s_t): one M-step per mini-batch.

    Parameters
    ----------
    batches : iterable of (n_t, D) arrays, e.g. random mini-batches or the chunks of a file.
    init : GMMParams theta_0.
    rho : t -> step size in (0, 1] for batch t = 0, 1, ...; sum rho_t = infinity and
        sum rho_t^2 < infinity (rho_t = (t + 2)^-a, 1/2 < a <= 1) make it converge.

    Returns
    -------
    list of GMMParams, theta_t after each batch. Unlike streaming EM (fit_gmm_chunked), the
    answer is not the in-memory EM's: it is noisy, and only near it. notebooks/09.
    """
    history, s = [init], None
    for t, X in enumerate(batches):
        new = sufficient_stats(X, history[-1])
        s = new if s is None else blend_stats(s, new, float(rho(t)))
        history.append(m_step_from_stats(s, covariance_type, reg_covar))
    return history
