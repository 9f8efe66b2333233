"""Choosing K: parameter counts, BIC and AIC.

Derived in notebooks/05 (and used in notebooks/04 for the four covariance types).
"""

from __future__ import annotations

import numpy as np

from ._validation import check_covariance_type, check_int, check_n_components, check_params, check_X
from .em import log_likelihood


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
