"""The multivariate Gaussian: log-density via Cholesky, sampling, ellipse mass.

Derived in notebooks/01 (1-D) and notebooks/04 (D dimensions).
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, special

from ._validation import as_float_array, as_generator, check_covariance, check_int, check_mean, check_params, check_X


def cholesky_factor(Sigma, name: str = "Sigma") -> np.ndarray:
    """L with Sigma = L L^T, lower triangular; raises if Sigma is not SPD.

    Why Cholesky: it exists exactly when Sigma is symmetric positive definite,
    and it gives both the log-determinant and Mahalanobis distances without
    ever forming inv(Sigma) or det(Sigma), which over/underflow.
    """
    Sigma = np.asarray(Sigma, dtype=float)
    if not np.allclose(Sigma, Sigma.T, rtol=1e-8, atol=1e-12 * np.abs(Sigma).max()):
        raise ValueError(f"{name} must be symmetric, got {np.array2string(Sigma, precision=4)}")
    try:
        return linalg.cholesky(Sigma, lower=True)  # (D, D)
    except linalg.LinAlgError:
        eigvals = np.linalg.eigvalsh(Sigma)
        raise ValueError(
            f"{name} must be positive definite (a covariance with all eigenvalues > 0); "
            f"its smallest eigenvalue is {eigvals.min():.3g}"
        ) from None


def mahalanobis_sq(X, mu, L) -> np.ndarray:
    """(x_n - mu)^T Sigma^{-1} (x_n - mu) = |L^{-1} (x_n - mu)|^2, with Sigma = L L^T.

    L^{-1} is triangular and D x D, so inverting it is cheap and stable; one
    matrix product then serves all N points at once.

    Returns
    -------
    (N,) array of squared distances.
    """
    L_inv = linalg.solve_triangular(L, np.eye(L.shape[0]), lower=True)  # (D, D)
    Z = (X - mu) @ L_inv.T  # (N, D): rows are z_n = L^{-1} (x_n - mu)
    return np.einsum("nd,nd->n", Z, Z)  # (N,)


def log_gaussian_cholesky(X, mu, L) -> np.ndarray:
    r"""log N(x_n | mu, L L^T) = -1/2 [D log 2pi + log|Sigma| + |L^{-1} (x_n - mu)|^2]; returns (N,).

    The one Gaussian log-density of the library: log_gaussian, the E-step's log_joint,
    the missing-value E-step and the fast E-step's constant all call it. With the
    Cholesky factor, log|Sigma| = 2 sum_d log L_dd: no determinant, no inverse.
    """
    D = L.shape[0]
    log_det = 2.0 * np.sum(np.log(np.diag(L)))
    return -0.5 * (D * np.log(2 * np.pi) + log_det + mahalanobis_sq(X, mu, L))  # (N,)


def log_gaussian(X, mu, Sigma) -> np.ndarray:
    r"""log N(x_n | mu, Sigma) = -1/2 [D log 2pi + log|Sigma| + (x_n-mu)^T Sigma^{-1} (x_n-mu)].

    Parameters
    ----------
    X : (N, D) array, or (N,) for one feature.
    mu : (D,) mean.
    Sigma : (D, D) covariance, symmetric positive definite (a variance if D = 1).

    Returns
    -------
    (N,) array of log-densities.

    Notes
    -----
    Computed in log space with a Cholesky factor: log|Sigma| = 2 sum_d log L_dd.
    Derived in notebooks/04 (the 1-D case in notebooks/01).
    """
    X = check_X(X)
    N, D = X.shape
    mu = check_mean(mu, D)
    L = cholesky_factor(check_covariance(Sigma, D))  # (D, D)
    return log_gaussian_cholesky(X, mu, L)  # (N,)


def sample_gaussian(mu, Sigma, n: int, seed=None) -> np.ndarray:
    """x = mu + L z with z ~ N(0, I) and Sigma = L L^T.

    Returns
    -------
    (n, D) array of samples.
    """
    mu = np.atleast_1d(as_float_array(mu, "mu"))
    if mu.ndim != 1:
        raise ValueError(f"mu must have shape (D,), got shape {mu.shape}")
    D = mu.shape[0]
    L = cholesky_factor(check_covariance(Sigma, D))
    n = check_int(n, "n", minimum=0)
    Z = as_generator(seed).standard_normal((n, D))  # (n, D)
    return mu + Z @ L.T


def prob_inside_ellipse(n_std, D: int = 2) -> np.ndarray:
    r"""P(|x - mu|_Mahalanobis <= k) = P(chi^2_D <= k^2); in 2-D this is 1 - exp(-k^2/2).

    So the 1, 2, 3 sigma ellipses of a 2-D Gaussian hold 39.3 %, 86.5 %, 98.9 % of
    its mass; "1 sigma holds 68 %" is the D = 1 case only.

    Notes
    -----
    Derived in notebooks/04.
    """
    k = as_float_array(n_std, "n_std")
    if np.any(k < 0):
        raise ValueError("n_std must be >= 0")
    D = check_int(D, "D", minimum=1)
    return special.gammainc(D / 2.0, k**2 / 2.0)  # the chi^2_D CDF at k^2


def sample_mixture(p, n: int, seed=None):
    """The generative story: z_n ~ Categorical(pi), then x_n ~ N(mu_{z_n}, Sigma_{z_n}).

    Parameters
    ----------
    p : GMMParams.
    n : number of samples.
    seed : int, None or numpy Generator.

    Returns
    -------
    X : (n, D) samples, in the order drawn.
    z : (n,) the component each sample came from.

    Notes
    -----
    Told in notebooks/01.
    """
    p = check_params(p)
    n = check_int(n, "n", minimum=0)
    rng = as_generator(seed)
    z = rng.choice(p.K, size=n, p=p.pi)  # (n,)
    X = np.empty((n, p.D))  # (n, D)
    for k in range(p.K):
        X[z == k] = sample_gaussian(p.mu[k], p.Sigma[k], int(np.sum(z == k)), rng)
    return X, z
