"""Choosing K: parameter counts, BIC and AIC.

Derived in notebooks/05 (and used in notebooks/04 for the four covariance types).
"""

from __future__ import annotations

import numpy as np

from ._validation import check_covariance_type, check_int, check_n_components, check_params, check_X
from .em import log_likelihood, responsibilities


def n_covariance_parameters(K: int, D: int, covariance_type: str) -> int:
    """Free numbers in the covariances: full K D(D+1)/2, tied D(D+1)/2, diag K D, spherical K."""
    return {
        "full": K * D * (D + 1) // 2,
        "tied": D * (D + 1) // 2,
        "diag": K * D,
        "spherical": K,
    }[covariance_type]


def n_parameters(K: int, D: int, covariance_type: str = "full") -> int:
    """P = (K - 1) weights + K D means + the covariance parameters.

    Only K - 1 weights are free because they must sum to 1.
    """
    K = check_n_components(K)
    D = check_int(D, "D", minimum=1)
    check_covariance_type(covariance_type)
    return (K - 1) + K * D + n_covariance_parameters(K, D, covariance_type)


def bic(X, p) -> float:
    r"""BIC = -2 log L(theta) + P log N; lower is better."""
    X = check_X(X)
    N, D = X.shape
    p = check_params(p, D)
    return -2.0 * log_likelihood(X, p) + n_parameters(p.K, D, p.covariance_type) * np.log(N)


def aic(X, p) -> float:
    r"""AIC = -2 log L(theta) + 2 P; lower is better."""
    X = check_X(X)
    p = check_params(p, X.shape[1])
    return -2.0 * log_likelihood(X, p) + 2.0 * n_parameters(p.K, p.D, p.covariance_type)


def responsibility_entropy(gamma) -> float:
    r"""EN(gamma) = -sum_n sum_k gamma_nk log gamma_nk; 0 when every point belongs to one component.

    Terms with gamma_nk = 0 count 0 (the limit of g log g), so no log(0) is taken.
    """
    gamma = np.asarray(gamma, dtype=float)                       # (N, K)
    if gamma.ndim != 2 or np.any(gamma < 0) or not np.allclose(gamma.sum(axis=1), 1.0):
        raise ValueError("gamma must be an (N, K) array of responsibilities, rows summing to 1")
    safe = np.where(gamma > 0, gamma, 1.0)                       # log 1 = 0 for the empty terms
    return float(-np.sum(gamma * np.log(safe)))


def icl(X, p) -> float:
    r"""ICL = BIC + 2 EN(gamma): BIC plus twice the entropy of the responsibilities; lower is better.

    The entropy charges components that overlap: it is 0 for well-separated ones and
    grows when points are shared, so ICL prefers components that form distinct groups
    (Biernacki, Celeux and Govaert, 2000). Derived in notebooks/05, section 10.
    """
    X = check_X(X)
    p = check_params(p, X.shape[1])
    return bic(X, p) + 2.0 * responsibility_entropy(responsibilities(X, p))


def mean_and_standard_error(scores, axis: int = 0):
    r"""mean = (1/S) sum_s x_s and SE = sd(x) / sqrt(S), over S splits (ddof = 1).

    The standard error says how far the mean over these splits could move with other splits;
    differences between models are best compared split by split (paired). Used in notebooks/05.
    """
    scores = np.asarray(scores, dtype=float)                     # (S, ...) one row per split
    S = scores.shape[axis]
    if S < 2:
        raise ValueError(f"scores needs at least 2 splits along axis {axis} for a standard error, got {S}")
    return scores.mean(axis=axis), scores.std(axis=axis, ddof=1) / np.sqrt(S)


def one_standard_error_rule(Ks, mean, se):
    r"""K_1SE = the smallest K with mean(K) >= max_K mean - SE(K_best); higher scores are better.

    The simplest model whose score is within one standard error of the best one
    (Hastie, Tibshirani and Friedman, section 7.10). Used in notebooks/05.
    """
    Ks, mean, se = (np.asarray(a) for a in (Ks, mean, se))       # (M,) each
    if not (Ks.shape == mean.shape == se.shape) or Ks.ndim != 1:
        raise ValueError("Ks, mean and se must be 1-D arrays of the same length")
    best = int(np.argmax(mean))
    ok = mean >= mean[best] - se[best]
    return Ks[ok].min()
