"""The M-step's covariance update, one small estimator per covariance type.

Each estimator takes the data X (N, D), responsibilities gamma (N, K), the soft
counts N_k (K,), the new means mu (K, D) and reg_covar, and returns Sigma as
(K, D, D), whatever its structure. All are centred ("two-pass"): they sum
gamma (x - mu)(x - mu)^T rather than computing E[x x^T] - mu mu^T, which loses
positive definiteness to cancellation when the data sit far from the origin.

Derived in notebooks/03 (full) and notebooks/04 (the other three).
"""

from __future__ import annotations

import numpy as np

from ._validation import check_correlation, check_positive


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


def full_covariances(X, gamma, N_k, mu, reg_covar):
    r"""Sigma_k = (1/N_k) sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T + reg_covar I."""
    K, D = mu.shape
    Sigma = np.empty((K, D, D))  # (K, D, D)
    for k in range(K):
        diff = X - mu[k]  # (N, D)
        Sigma[k] = (gamma[:, k, None] * diff).T @ diff / N_k[k]
    return _add_to_diagonal(Sigma, reg_covar)


def tied_covariance(X, gamma, N_k, mu, reg_covar):
    r"""Sigma = (1/N) sum_k sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T + reg_covar I, shared."""
    K, D = mu.shape
    S = np.zeros((D, D))  # (D, D)
    for k in range(K):
        diff = X - mu[k]  # (N, D)
        S += (gamma[:, k, None] * diff).T @ diff
    S /= N_k.sum()
    return _add_to_diagonal(np.repeat(S[None], K, axis=0), reg_covar)


def diag_variances(X, gamma, N_k, mu, reg_covar):
    r"""sigma_kd^2 = (1/N_k) sum_n gamma_nk (x_nd - mu_kd)^2 + reg_covar; returns (K, D)."""
    K, D = mu.shape
    var = np.empty((K, D))  # (K, D)
    for k in range(K):
        var[k] = gamma[:, k] @ (X - mu[k]) ** 2 / N_k[k]
    return var + reg_covar


def diag_covariances(X, gamma, N_k, mu, reg_covar):
    r"""Sigma_k = diag(sigma_k1^2, ..., sigma_kD^2): each feature's own variance, no correlation."""
    var = diag_variances(X, gamma, N_k, mu, reg_covar)  # (K, D)
    return var[:, :, None] * np.eye(mu.shape[1])  # (K, D, D)


def spherical_covariances(X, gamma, N_k, mu, reg_covar):
    r"""Sigma_k = sigma_k^2 I with sigma_k^2 = (1/D) sum_d sigma_kd^2: one variance per component."""
    var = diag_variances(X, gamma, N_k, mu, reg_covar).mean(axis=1)  # (K,)
    return var[:, None, None] * np.eye(mu.shape[1])  # (K, D, D)


def covariance_from_scatter(S, N_k, covariance_type="full", reg_covar=1e-6) -> np.ndarray:
    r"""Sigma_k = S_k / N_k (full), sum_k S_k / N (tied), diag(S_k) / N_k (diag), tr(S_k) / (D N_k) (spherical).

    S_k = sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T is component k's (expected) scatter,
    (K, D, D); for "diag" and "spherical" its diagonal alone, (K, D), is enough. Each type
    maximises the expected log-likelihood under its constraint, as the estimators above do,
    plus reg_covar on the diagonal. The fast, streaming and missing-value M-steps build S
    their own way and share this last step.
    """
    K, D = S.shape[:2]
    eye = np.eye(D)
    if covariance_type == "full":
        return S / N_k[:, None, None] + reg_covar * eye  # (K, D, D)
    if covariance_type == "tied":
        return np.repeat((S.sum(axis=0) / N_k.sum())[None], K, axis=0) + reg_covar * eye
    if S.ndim == 3:
        S = np.diagonal(S, axis1=1, axis2=2)  # (K, D): the variances' part of the scatter
    var = S / N_k[:, None] + reg_covar  # (K, D): diagonal variances
    if covariance_type == "spherical":
        var = np.repeat(var.mean(axis=1, keepdims=True), D, axis=1)  # (K, D)
    return var[:, :, None] * eye  # (K, D, D)


COVARIANCE_ESTIMATORS = {
    "full": full_covariances,
    "tied": tied_covariance,
    "diag": diag_covariances,
    "spherical": spherical_covariances,
}
