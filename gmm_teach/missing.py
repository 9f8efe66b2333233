"""EM for a Gaussian mixture when some feature values are missing (NaN in X).

A point with missing features is scored by the density of what was observed: the
marginal of a Gaussian drops the missing rows and columns of mu_k and Sigma_k. The
M-step needs what the missing values would contribute: their conditional mean
E[x_m | x_o, k] and, for the covariances, their conditional covariance. With no
value missing, every function here gives exactly what em.py gives. Derived in
notebooks/07.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import linalg

from ._validation import (
    as_float_array,
    check_covariance,
    check_covariance_type,
    check_finite,
    check_mean,
    check_params,
    check_positive,
    check_settings,
)
from .covariance import covariance_from_scatter
from .em import (
    FitResult,
    check_not_collapsed,
    em_loop,
    initial_params,
    log_sum_exp,
    normalise,
    soft_counts,
    warn_if_collapsed,
)
from .gaussian import cholesky_factor, log_gaussian_cholesky
from .params import GMMParams


def check_X_missing(X, name: str = "X", every_column: bool = False) -> np.ndarray:
    """Data (N, D) where NaN marks a missing value; every row (and, to fit, every column) needs a value."""
    X = as_float_array(X, name)
    if X.ndim == 1:
        X = X[:, None]  # N values of one feature
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array of shape (N, D), got shape {X.shape}")
    if np.isinf(X).any():
        raise ValueError(f"{name} must hold finite numbers or NaN (missing); found inf")
    observed = ~np.isnan(X)  # (N, D)
    if not observed.any(axis=1).all():
        n = int(np.argmin(observed.any(axis=1)))
        raise ValueError(f"row {n} of {name} has every feature missing: it carries no information, drop it")
    if every_column and not observed.any(axis=0).all():
        d = int(np.argmin(observed.any(axis=0)))
        raise ValueError(f"column {d} of {name} is missing in every row: nothing to estimate it from, drop it")
    return X


def missing_patterns(X) -> list:
    """Group the rows of X by which features they have; returns [(rows, observed), ...].

    ``rows`` indexes the points sharing the boolean mask ``observed`` (D,). Points
    with the same pattern share the same sub-matrices of Sigma, so each pattern
    needs one Cholesky factor per component, not one per point.
    """
    observed = ~np.isnan(check_X_missing(X))  # (N, D)
    masks, which = np.unique(observed, axis=0, return_inverse=True)
    which = which.ravel()
    return [(np.flatnonzero(which == i), masks[i]) for i in range(len(masks))]


def mean_impute(X) -> np.ndarray:
    """x_nd <- the mean of feature d over the rows where it is observed, for every missing x_nd."""
    X = check_X_missing(X, every_column=True)
    return np.where(np.isnan(X), np.nanmean(X, axis=0), X)  # (N, D)


def marginal_and_conditional(x_o, mu, Sigma, observed):
    r"""log N(x_o | mu_o, Sigma_oo);  E[x_m | x_o] = mu_m + Sigma_mo Sigma_oo^{-1} (x_o - mu_o);  Cov[x_m | x_o].

    The marginal density of the observed features drops the missing rows and
    columns of mu and Sigma; the conditional covariance is
    Sigma_mm - Sigma_mo Sigma_oo^{-1} Sigma_om, the same for every point.

    Parameters
    ----------
    x_o : (n, |o|) observed values of n points that share the pattern ``observed``.
    mu : (D,) mean; Sigma : (D, D) covariance of the complete vector x.
    observed : (D,) boolean mask, True where a feature is observed (m: the others).

    Returns
    -------
    log_density : (n,); mean : (n, |m|) conditional means; cov : (|m|, |m|).
    """
    o, m = observed, ~observed
    L = np.linalg.cholesky(Sigma[np.ix_(o, o)])  # Sigma_oo = L L^T: solve with it, never inv
    log_density = log_gaussian_cholesky(x_o, mu[o], L)  # (n,)
    A = linalg.cho_solve((L, True), Sigma[np.ix_(o, m)])  # (|o|, |m|) = Sigma_oo^{-1} Sigma_om
    return log_density, mu[m] + (x_o - mu[o]) @ A, Sigma[np.ix_(m, m)] - Sigma[np.ix_(m, o)] @ A


def conditional_gaussian(x_o, mu, Sigma, observed):
    r"""E[x_m|x_o] = mu_m + Sigma_mo Sigma_oo^-1 (x_o - mu_o);  Cov[x_m|x_o] = Sigma_mm - Sigma_mo Sigma_oo^-1 Sigma_om.

    Parameters
    ----------
    x_o : (n, |o|) observed values of n points sharing the pattern ``observed``, or (|o|,) for one point.
    mu : (D,) mean; Sigma : (D, D) covariance of the complete vector x.
    observed : (D,) boolean mask, True where a feature is observed.

    Returns
    -------
    mean : (n, |m|) conditional means, one row per point; cov : (|m|, |m|), the same for all.
    """
    mu = check_mean(mu, np.size(mu))
    observed = _check_observed(observed, mu.size)
    Sigma = check_covariance(Sigma, mu.size)
    cholesky_factor(Sigma)  # symmetric positive definite, or an error naming Sigma
    x_o = np.atleast_2d(as_float_array(x_o, "x_o"))  # (n, |o|)
    if x_o.ndim != 2 or x_o.shape[1] != observed.sum():
        raise ValueError(f"x_o must have one column per observed feature ({observed.sum()}), got shape {x_o.shape}")
    check_finite(x_o, "x_o")
    return marginal_and_conditional(x_o, mu, Sigma, observed)[1:]


def _check_observed(observed, D: int) -> np.ndarray:
    observed = np.asarray(observed)
    if observed.dtype != bool or observed.shape != (D,):
        raise TypeError(f"observed must be a boolean mask of shape (D,) = ({D},), "
                        f"got dtype {observed.dtype} and shape {observed.shape}")
    if not observed.any():
        raise ValueError("observed must mark at least one feature as observed (True)")
    return observed


def log_joint_missing(X, p: GMMParams) -> np.ndarray:
    r"""log p(x_{n,o}, z_n = k) = log pi_k + log N(x_{n,o} | mu_{k,o}, Sigma_{k,oo}): observed features only; (N, K).

    The marginal of a Gaussian over some of its features is the Gaussian with the
    other rows and columns of mu and Sigma dropped: no integral to compute.
    """
    X = check_X_missing(X)
    N, D = X.shape
    p = check_params(p, D)
    out = np.empty((N, p.K))  # (N, K)
    for rows, o in missing_patterns(X):
        for k in range(p.K):
            out[rows, k] = marginal_and_conditional(X[np.ix_(rows, o)], p.mu[k], p.Sigma[k], o)[0]
    with np.errstate(divide="ignore"):  # a weight of 0 gives log 0 = -inf: never chosen
        return out + np.log(p.pi)


def log_likelihood_missing(X, p: GMMParams) -> float:
    r"""log L(theta) = sum_n log sum_k pi_k N(x_{n,o} | mu_{k,o}, Sigma_{k,oo}), the observed-data log-likelihood."""
    return float(np.sum(log_sum_exp(log_joint_missing(X, p))))


@dataclass(frozen=True)
class ExpectedStatistics:
    """What the M-step needs from the E-step when values are missing.

    ``X_hat[k]`` is X with each missing value replaced by E[x_m | x_o, z_n = k];
    ``cond_cov[k]`` is sum_n gamma_nk Cov[x_n | x_o, z_n = k], zero in the rows and
    columns of features a point has observed.
    """

    gamma: np.ndarray = field(repr=False)  # (N, K)
    X_hat: np.ndarray = field(repr=False)  # (K, N, D)
    cond_cov: np.ndarray  # (K, D, D)
    log_likelihood: float


def e_step_missing(X, p: GMMParams) -> ExpectedStatistics:
    r"""gamma_nk from the observed features; E[x_m | x_o, k] and its covariance for the M-step.

    Returns
    -------
    ExpectedStatistics with gamma (N, K), X_hat (K, N, D), cond_cov (K, D, D) and the
    total observed-data log-likelihood at ``p``.
    """
    X = check_X_missing(X)
    N, D = X.shape
    p = check_params(p, D)
    log_pxz, X_hat, covs = np.empty((N, p.K)), np.repeat(X[None], p.K, axis=0), []  # (N, K), (K, N, D)
    for rows, o in missing_patterns(X):
        for k in range(p.K):  # one Cholesky of Sigma_oo per pattern and component serves all three
            log_pxz[rows, k], mean, cov = marginal_and_conditional(X[np.ix_(rows, o)], p.mu[k], p.Sigma[k], o)
            X_hat[k][np.ix_(rows, ~o)] = mean
            covs.append((rows, ~o, k, cov))
    with np.errstate(divide="ignore"):  # a weight of 0 gives log 0 = -inf
        log_pxz += np.log(p.pi)
    gamma, log_px = normalise(log_pxz)  # (N, K), (N,): as em.e_step
    cond_cov = np.zeros((p.K, D, D))  # (K, D, D)
    for rows, m, k, cov in covs:
        cond_cov[k][np.ix_(m, m)] += gamma[rows, k].sum() * cov
    return ExpectedStatistics(gamma, X_hat, cond_cov, float(np.sum(log_px)))


def m_step_missing(stats: ExpectedStatistics, covariance_type: str = "full", reg_covar: float = 1e-6) -> GMMParams:
    r"""mu_k = sum_n gamma_nk x̂_nk / N_k;  Sigma_k = (1/N_k) sum_n gamma_nk [(x̂_nk - mu_k)(x̂_nk - mu_k)^T + Cov_nk].

    x̂_nk is x_n completed with E[x_m | x_o, k] and Cov_nk = Cov[x_n | x_o, k]. The
    covariance term is what mean imputation forgets: a filled-in value is a guess,
    and its uncertainty adds to the spread.
    """
    if not isinstance(stats, ExpectedStatistics):
        raise TypeError(f"stats must be the ExpectedStatistics from e_step_missing, got {type(stats).__name__}")
    check_covariance_type(covariance_type)
    reg_covar = check_positive(reg_covar, "reg_covar", allow_zero=True)
    gamma, X_hat = stats.gamma, stats.X_hat  # (N, K), (K, N, D)
    N_k = soft_counts(gamma.sum(axis=0))  # (K,)
    mu = np.stack([gamma[:, k] @ X_hat[k] for k in range(len(N_k))]) / N_k[:, None]  # (K, D)
    diffs = X_hat - mu[:, None, :]  # (K, N, D)
    S = np.einsum("nk,knd,kne->kde", gamma, diffs, diffs) + stats.cond_cov  # (K, D, D) expected scatter
    Sigma = covariance_from_scatter(S, N_k, covariance_type, reg_covar)
    check_not_collapsed(Sigma, N_k)
    return GMMParams(pi=N_k / N_k.sum(), mu=mu, Sigma=Sigma, covariance_type=covariance_type)


def impute(X, p: GMMParams) -> np.ndarray:
    r"""x_m <- E[x_m | x_o] = sum_k gamma_nk E[x_m | x_o, z_n = k]: each missing value by the mixture's best guess."""
    X = check_X_missing(X)
    stats = e_step_missing(X, p)
    guess = np.einsum("nk,knd->nd", stats.gamma, stats.X_hat)  # (N, D)
    return np.where(np.isnan(X), guess, X)  # observed values exactly as they were


def fit_gmm_missing(X, K: int, init="kmeans++", covariance_type: str = "full", max_iter: int = 100,
                    tol: float = 1e-3, reg_covar: float = 1e-6, seed=None) -> FitResult:
    r"""EM with missing values: E-step on the observed features, M-step on the expected statistics.

    Parameters
    ----------
    X : (N, D) data, NaN where a value is missing.
    K, init, covariance_type, max_iter, tol, reg_covar, seed : as in ``fit_gmm``; an
        init string runs on the mean-imputed data (a start only: EM then ignores it).

    Returns
    -------
    FitResult; ``log_likelihoods`` are observed-data log-likelihoods, which never
    decrease (reg_covar = 0). With nothing missing this is exactly ``fit_gmm``.

    Notes
    -----
    Derived in notebooks/07.
    """
    X = check_X_missing(X, every_column=True)
    N = X.shape[0]
    max_iter, tol, reg_covar = check_settings(covariance_type, max_iter, tol, reg_covar)
    X_filled = mean_impute(X)  # (N, D), only to start from and to judge a collapse
    p = initial_params(X_filled, K, init, covariance_type, reg_covar, seed)

    def expected(q):
        stats = e_step_missing(X, q)
        return stats, stats.log_likelihood

    result = em_loop(p, expected, lambda stats: m_step_missing(stats, covariance_type, reg_covar),
                     N, max_iter, tol, gamma_of=lambda stats: stats.gamma)
    warn_if_collapsed(X_filled, result.params, result.gamma, reg_covar)
    return result
