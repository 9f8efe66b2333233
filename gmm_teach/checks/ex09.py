"""Checks for exercise set 09 (lesson 09, EM for big data): the sufficient statistics of a chunk,
merging two chunks' statistics, the M-step from statistics alone, and streaming EM over chunks,
which must give in-memory EM's answer."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from ..em import fit_gmm as _fit_gmm
from ..gaussian import log_gaussian as _log_gaussian
from ..params import GMMParams
from .engine import Case, CheckResult, check, compare_arrays, hint, run_cases
from .fixtures import close

__all__ = ["chunk_stats", "merge_stats", "m_step_from_stats", "streaming_em"]

TINY = 1e-300  # added to N_k before dividing, as the exercise says: a component without points gives 0, not NaN


# ---------------------------------------------------------------- independent references


def _gamma(X, pi, mu, Sigma):
    """Responsibilities in log space, from log N(x | mu_k, Sigma_k) (gaussian.py), (n, K)."""
    log_joint = np.column_stack([np.log(pi[k]) + _log_gaussian(X, mu[k], Sigma[k]) for k in range(len(pi))])
    return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))


def _stats_from_gamma(X, gamma):
    """(N_k, xbar_k, S_k): soft counts, weighted means, scatter about each xbar_k."""
    N_k = gamma.sum(axis=0)  # (K,)
    xbar = gamma.T @ X / (N_k + TINY)[:, None]  # (K, D)
    R = X[None, :, :] - xbar[:, None, :]  # (K, n, D)
    S = np.einsum("nk,kni,knj->kij", gamma, R, R)  # (K, D, D)
    return N_k, xbar, S


def _stats(X, pi, mu, Sigma):
    return _stats_from_gamma(X, _gamma(X, pi, mu, Sigma))


def _merge(a, b):
    (Na, ma, Sa), (Nb, mb, Sb) = a, b
    N = Na + Nb
    d = mb - ma  # (K, D)
    w = (Na * Nb / (N + TINY))[:, None, None]
    return N, (Na[:, None] * ma + Nb[:, None] * mb) / (N + TINY)[:, None], Sa + Sb + w * d[:, :, None] * d[:, None, :]


def _m_step(N_k, xbar, S, reg_covar):
    D = xbar.shape[1]
    return N_k / N_k.sum(), xbar, S / (N_k + TINY)[:, None, None] + reg_covar * np.eye(D)


def _data(seed=0, N=120):
    """Anisotropic 2-D data from three tilted components, and parameters a few EM steps from the truth."""
    rng = np.random.default_rng(seed)
    mu = np.array([[0.0, 0.0], [5.0, 1.5], [1.0, 6.0]])
    Sigma = np.array([[[3.0, 1.3], [1.3, 1.0]], [[0.6, -0.35], [-0.35, 0.9]], [[1.2, 0.2], [0.2, 0.25]]])
    z = rng.choice(3, size=N, p=[0.5, 0.3, 0.2])
    X = mu[z] + np.einsum("nij,nj->ni", np.linalg.cholesky(Sigma)[z], rng.standard_normal((N, 2)))
    start = (np.array([0.4, 0.35, 0.25]), mu + rng.normal(0, 0.5, size=mu.shape), Sigma * 1.5)
    return X, start


def _data_3d(seed=5, N=90):
    """3-D data, features on different scales and far from the origin."""
    rng = np.random.default_rng(seed)
    A = np.array([[1.0, 0.0, 0.0], [0.8, 0.5, 0.0], [0.1, -0.3, 0.2]]) * np.array([100.0, 1.0, 0.1])[:, None]
    z = rng.choice(2, size=N)
    X = np.array([[1000.0, 5.0, -2.0], [1150.0, 6.0, -2.5]])[z] + rng.standard_normal((N, 3)) @ A.T
    start = (np.array([0.5, 0.5]), X[[0, 1]] + 0.1, np.stack([np.cov(X.T) for _ in range(2)]))
    return X, start


def _parts(got, n_parts):
    if not (isinstance(got, (tuple, list)) and len(got) == n_parts):
        return None
    return [np.asarray(g, dtype=float) for g in got]


def _compare_parts(names):
    """Compare a tuple answer part by part, naming the part that is wrong."""
    def compare(got, case):
        parts = _parts(got, len(names))
        if parts is None:
            return f"return a tuple of {len(names)}: ({', '.join(names)})"
        for name, g, e in zip(names, parts, case.expected, strict=True):
            problem = compare_arrays(g, e, case.rtol, case.atol, name)
            if problem:
                return f"{name}: {problem}"
        return None
    return compare


def _part_close(got, expected, index, rtol=1e-6) -> bool:
    try:
        return close(got[index], expected, rtol)
    except (TypeError, IndexError, KeyError):
        return False


# ---------------------------------------------------------------- Q1 statistics of a chunk

STATS = ("N_k", "xbar", "S")


def _hard(X, pi, mu, Sigma):
    return np.eye(len(pi))[_gamma(X, pi, mu, Sigma).argmax(axis=1)]


@hint("compute the responsibilities in log space (log pi_k + log N, minus logsumexp over k): "
      "far from every component the densities underflow to 0 and 0/0 is NaN")
def stats_not_in_log_space(got, case) -> bool:
    return bool(np.isnan(_parts(got, 3)[0]).any())


@hint("use the soft responsibilities gamma_nk, not a hard assignment to the likeliest component")
def stats_hard(got, case) -> bool:
    return _part_close(got, _stats_from_gamma(case.args[0], _hard(*case.args))[0], 0)


@hint("xbar_k is the weighted MEAN: divide sum_n gamma_nk x_n by N_k")
def stats_sum_not_mean(got, case) -> bool:
    return _part_close(got, _gamma(*case.args).T @ case.args[0], 1)


@hint("S_k is the scatter about the chunk's own xbar_k, not about the current mu_k")
def stats_about_old_means(got, case) -> bool:
    return _part_close(got, _scatter_about(case.args[0], _gamma(*case.args), case.args[2]), 2)


@hint("S_k is a SUM, sum_n gamma_nk (x_n - xbar_k)(x_n - xbar_k)^T: do not divide it by N_k")
def stats_divided(got, case) -> bool:
    return _part_close(got, case.expected[2] / (case.expected[0] + TINY)[:, None, None], 2)


CHUNK_STATS_HINTS = [stats_not_in_log_space, stats_hard, stats_sum_not_mean, stats_about_old_means, stats_divided]


def _chunk_cases():
    X, (pi, mu, Sigma) = _data()
    X3, (pi3, mu3, Sigma3) = _data_3d()
    far = np.vstack([X[:20], [[400.0, -300.0]]])  # every density underflows to 0 at this point
    return [Case("40 anisotropic 2-D points, K = 3", (X[:40].copy(), pi, mu.copy(), Sigma),
                 _stats(X[:40], pi, mu, Sigma)),
            Case("3-D data far from the origin on very different scales, K = 2", (X3.copy(), pi3, mu3.copy(), Sigma3),
                 _stats(X3, pi3, mu3, Sigma3), rtol=1e-7, atol=1e-9),
            Case("20 points and one far outlier at (400, -300)", (far.copy(), pi, mu.copy(), Sigma),
                 _stats(far, pi, mu, Sigma))]


@check
def chunk_stats(fn) -> CheckResult:
    """Q: (N_k, xbar_k, S_k) of one chunk under fixed parameters; S_k is the scatter about xbar_k."""
    return run_cases("chunk_stats", fn, _chunk_cases(), CHUNK_STATS_HINTS, compare=_compare_parts(STATS))


def _scatter_about(X, gamma, centre):
    R = X[None, :, :] - centre[:, None, :]  # (K, n, D)
    return np.einsum("nk,kni,knj->kij", gamma, R, R)


# ---------------------------------------------------------------- Q2 merging two chunks


@hint("adding the scatters is not enough: each is about its own chunk's mean, so add the "
      "between-chunk term N_A N_B / N (xbar_A - xbar_B)(xbar_A - xbar_B)^T")
def merge_without_between_term(got, case) -> bool:
    return _part_close(got, case.args[0][2] + case.args[1][2], 2)


@hint("the merged mean weights each chunk by its soft count: (N_A xbar_A + N_B xbar_B) / N")
def merge_unweighted_mean(got, case) -> bool:
    return _part_close(got, (case.args[0][1] + case.args[1][1]) / 2, 1)


MERGE_STATS_HINTS = [merge_without_between_term, merge_unweighted_mean]


def _merge_cases():
    X, (pi, mu, Sigma) = _data(seed=1)
    X3, (pi3, mu3, Sigma3) = _data_3d(seed=6)
    cases = []
    for label, A, B, params in (("two chunks of 2-D points, 60 + 25, K = 3", X[:60], X[60:85], (pi, mu, Sigma)),
                                ("two chunks of 3-D points far from the origin, 50 + 40, K = 2", X3[:50], X3[50:],
                                 (pi3, mu3, Sigma3)),
                                ("a chunk of 2-D points and a chunk of ONE point", X[:30], X[30:31], (pi, mu, Sigma))):
        a, b = _stats(A, *params), _stats(B, *params)
        cases.append(Case(label, (a, b), _stats(np.vstack([A, B]), *params), rtol=1e-7, atol=1e-8))
    return cases


@check
def merge_stats(fn) -> CheckResult:
    """Q: the statistics of A and B together, from those of A and of B."""
    return run_cases("merge_stats", fn, _merge_cases(), MERGE_STATS_HINTS, compare=_compare_parts(STATS))


# ---------------------------------------------------------------- Q3 the M-step from statistics


def _eye(case):
    return case.args[3] * np.eye(case.args[1].shape[1])


@hint("pi_k = N_k / N with N = sum_k N_k, so the weights sum to 1")
def weights_not_normalised(got, case) -> bool:
    return not np.isclose(_parts(got, 3)[0].sum(), 1.0)


@hint("Sigma_k = S_k / N_k: S_k is a sum over the points, divide it by the soft count")
def scatter_as_covariance(got, case) -> bool:
    return _part_close(got, case.args[2] + _eye(case), 2)


@hint("divide S_k by its own component's N_k, not by the total N")
def divided_by_total(got, case) -> bool:
    return _part_close(got, case.args[2] / case.args[0].sum() + _eye(case), 2)


@hint("add reg_covar to the diagonal of every Sigma_k")
def forgot_floor(got, case) -> bool:
    return _part_close(got, case.args[2] / case.args[0][:, None, None], 2)


M_STEP_FROM_STATS_HINTS = [weights_not_normalised, scatter_as_covariance, divided_by_total, forgot_floor]


@check
def m_step_from_stats(fn) -> CheckResult:
    """Q: pi_k = N_k / N, mu_k = xbar_k, Sigma_k = S_k / N_k + reg_covar I, from the statistics alone."""
    X, (pi, mu, Sigma) = _data(seed=2)
    X3, (pi3, mu3, Sigma3) = _data_3d(seed=7)
    s2, s3 = _stats(X, pi, mu, Sigma), _stats(X3, pi3, mu3, Sigma3)
    cases = [Case("statistics of 120 2-D points, K = 3, reg_covar = 1e-6", (*s2, 1e-6), _m_step(*s2, 1e-6)),
             Case("statistics of 90 3-D points, K = 2, reg_covar = 0.01", (*s3, 0.01), _m_step(*s3, 0.01),
                  rtol=1e-8, atol=1e-10)]
    return run_cases("m_step_from_stats", fn, cases, M_STEP_FROM_STATS_HINTS,
                     compare=_compare_parts(("pi", "mu", "Sigma")))


# ---------------------------------------------------------------- Q4 streaming EM


def _in_memory(chunks, pi, mu, Sigma, n_iter, reg_covar):
    p = _fit_gmm(np.vstack(chunks), len(pi), init=GMMParams(pi, mu, Sigma), max_iter=n_iter, tol=0,
                 reg_covar=reg_covar).params
    return p.pi, p.mu, p.Sigma


def _one_step_per_chunk(chunks, pi, mu, Sigma, n_iter, reg_covar):
    for _ in range(n_iter):
        for X in chunks:
            pi, mu, Sigma = _m_step(*_stats(X, pi, mu, Sigma), reg_covar)
    return pi, mu, Sigma


def _stats_once(chunks, pi, mu, Sigma, n_iter, reg_covar):
    total = _stats(chunks[0], pi, mu, Sigma)
    for X in chunks[1:]:
        total = _merge(total, _stats(X, pi, mu, Sigma))
    return _m_step(*total, reg_covar)


def _last_chunk_only(chunks, pi, mu, Sigma, n_iter, reg_covar):
    for _ in range(n_iter):
        pi, mu, Sigma = _m_step(*_stats(chunks[-1], pi, mu, Sigma), reg_covar)
    return pi, mu, Sigma


@hint("one M-step per ITERATION, after the statistics of ALL chunks are merged: an M-step after "
      "every chunk is a different (online) algorithm")
def em_step_per_chunk(got, case) -> bool:
    return _part_close(got, _one_step_per_chunk(*case.args)[1], 1)


@hint("recompute the statistics in every iteration under the CURRENT parameters: statistics "
      "from the start give only the first iteration")
def em_stats_once(got, case) -> bool:
    return _part_close(got, _stats_once(*case.args)[1], 1)


@hint("merge the statistics of every chunk (merge_stats), do not overwrite them with the last chunk's")
def em_last_chunk_wins(got, case) -> bool:
    return _part_close(got, _last_chunk_only(*case.args)[1], 1)


STREAMING_EM_HINTS = [em_step_per_chunk, em_stats_once, em_last_chunk_wins]


def _streaming_cases():
    X, (pi, mu, Sigma) = _data(seed=3, N=150)
    X3, (pi3, mu3, Sigma3) = _data_3d(seed=8)
    cases = []
    for label, chunks, start, n_iter, reg in (
            ("150 2-D points in 4 chunks, K = 3, 5 iterations", np.array_split(X, 4), (pi, mu, Sigma), 5, 1e-6),
            ("90 3-D points in 3 unequal chunks, K = 2, 8 iterations", [X3[:10], X3[10:70], X3[70:]],
             (pi3, mu3, Sigma3), 8, 1e-6),
            ("150 2-D points in ONE chunk, K = 3, 1 iteration", [X], (pi, mu, Sigma), 1, 1e-3)):
        args = ([c.copy() for c in chunks], *start, n_iter, reg)
        cases.append(Case(label, args, _in_memory(*args), rtol=1e-7, atol=1e-8))
    return cases


@check
def streaming_em(fn) -> CheckResult:
    """Q: n_iter EM iterations, each one pass over the chunks, equal to in-memory EM from the same start."""
    return run_cases("streaming_em", fn, _streaming_cases(), STREAMING_EM_HINTS,
                     compare=_compare_parts(("pi", "mu", "Sigma")))
