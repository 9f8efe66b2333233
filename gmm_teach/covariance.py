"""The M-step's covariance update: a scatter, then one small estimator per covariance type.

One path for every EM in the library. First each component's scatter
S_k = sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T, centred ("two-pass": about the new
means, rather than E[x x^T] - mu mu^T, which loses positive definiteness to
cancellation when the data sit far from the origin). ``scatter`` computes it here;
the fast, streaming and missing-value M-steps build it their own way. Then the
estimator of the covariance type turns (S, N_k, reg_covar) into Sigma as (K, D, D),
whatever its structure.

Derived in notebooks/03 (full) and notebooks/04 (the other three).
"""

from __future__ import annotations

import numpy as np

from ._validation import check_correlation, check_covariance_type, check_positive


def from_sd_rho(sigma_x, sigma_y, rho) -> np.ndarray:
    r"""Sigma = [[sigma_x^2, rho sigma_x sigma_y], [rho sigma_x sigma_y, sigma_y^2]]: the definition of rho; (2, 2).

    sigma_x, sigma_y > 0 are the standard deviations of x and y, -1 < rho < 1 their
    correlation; then Sigma is symmetric positive definite. The ellipse explorer
    (notebooks/04) draws it.
    """
    sigma_x = check_positive(sigma_x, "sigma_x")
    sigma_y = check_positive(sigma_y, "sigma_y")
    rho = check_correlation(rho)
    cov_xy = rho * sigma_x * sigma_y
    return np.array([[sigma_x**2, cov_xy], [cov_xy, sigma_y**2]])  # (2, 2)


def _add_to_diagonal(Sigma: np.ndarray, reg_covar: float) -> np.ndarray:
    """Sigma_k + reg_covar * I, for a (K, D, D) stack."""
    D = Sigma.shape[-1]
    Sigma[..., np.arange(D), np.arange(D)] += reg_covar
    return Sigma


def scatter(X, gamma, mu) -> np.ndarray:
    r"""S_k = sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T, each component's weighted scatter; (K, D, D)."""
    K, D = mu.shape
    S = np.empty((K, D, D))  # (K, D, D)
    for k in range(K):
        diff = X - mu[k]  # (N, D)
        S[k] = (gamma[:, k, None] * diff).T @ diff
    return S


def full_covariances(S, N_k, reg_covar):
    r"""Sigma_k = S_k / N_k + reg_covar I = (1/N_k) sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T + reg_covar I."""
    return _add_to_diagonal(S / N_k[:, None, None], reg_covar)  # (K, D, D)


def tied_covariance(S, N_k, reg_covar):
    r"""Sigma = (1/N) sum_k S_k + reg_covar I, one matrix shared by every component (N = sum_k N_k)."""
    K = S.shape[0]
    shared = S.sum(axis=0) / N_k.sum()  # (D, D)
    return _add_to_diagonal(np.repeat(shared[None], K, axis=0), reg_covar)  # (K, D, D)


def diag_variances(S, N_k, reg_covar):
    r"""sigma_kd^2 = (1/N_k) sum_n gamma_nk (x_nd - mu_kd)^2 + reg_covar = (S_k)_dd / N_k + reg_covar; (K, D).

    S may be the full scatter (K, D, D) or its diagonal alone (K, D): nothing else is used.
    """
    if S.ndim == 3:
        S = np.diagonal(S, axis1=1, axis2=2)  # (K, D)
    return S / N_k[:, None] + reg_covar  # (K, D)


def diag_covariances(S, N_k, reg_covar):
    r"""Sigma_k = diag(sigma_k1^2, ..., sigma_kD^2): each feature's own variance, no correlation."""
    var = diag_variances(S, N_k, reg_covar)  # (K, D)
    return var[:, :, None] * np.eye(var.shape[1])  # (K, D, D)


def spherical_covariances(S, N_k, reg_covar):
    r"""Sigma_k = sigma_k^2 I with sigma_k^2 = (1/D) sum_d sigma_kd^2: one variance per component."""
    var = diag_variances(S, N_k, reg_covar).mean(axis=1)  # (K,)
    D = S.shape[-1]
    return var[:, None, None] * np.eye(D)  # (K, D, D)


COVARIANCE_ESTIMATORS = {
    "full": full_covariances,
    "tied": tied_covariance,
    "diag": diag_covariances,
    "spherical": spherical_covariances,
}


def covariance_from_scatter(S, N_k, covariance_type="full", reg_covar=1e-6) -> np.ndarray:
    r"""Sigma = estimator[covariance_type](S, N_k, reg_covar) from the scatter S (K, D, D), or its diagonal (K, D).

    Each type's estimator maximises the expected log-likelihood under its constraint.
    An unknown covariance_type is a ValueError naming the four there are.
    """
    check_covariance_type(covariance_type)
    return COVARIANCE_ESTIMATORS[covariance_type](S, N_k, reg_covar)
