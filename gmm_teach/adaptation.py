"""MAP adaptation of a mixture's means to new data (the GMM-UBM recipe of speaker recognition).

Reynolds, Quatieri & Dunn (2000), "Speaker verification using adapted Gaussian
mixture models", Digital Signal Processing 10, 19-41. Used in notebooks/10.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_params, check_positive, check_X
from .em import e_step, soft_counts
from .params import GMMParams


def adaptation_coefficients(N_k, r: float) -> np.ndarray:
    r"""alpha_k = N_k / (N_k + r): how much component k trusts the new data over the prior.

    Parameters
    ----------
    N_k : (K,) soft counts of new data points per component (>= 0).
    r : relevance factor (>= 0), in points: with N_k = r the two sources count equally.

    Returns
    -------
    (K,) coefficients in [0, 1]; a component with no new data keeps its prior (alpha = 0).
    """
    N_k = np.asarray(N_k, dtype=float)
    if N_k.ndim != 1 or not np.all(np.isfinite(N_k)) or np.any(N_k < 0):
        raise ValueError("N_k must be a 1-D array of soft counts >= 0")
    r = check_positive(r, "r", allow_zero=True)
    with np.errstate(invalid="ignore"):
        alpha = N_k / (N_k + r)  # (K,)
    return np.where(N_k + r > 0, alpha, 0.0)


def map_adapt_means(X, prior: GMMParams, r: float = 16.0) -> GMMParams:
    r"""mu_k' = alpha_k xbar_k + (1 - alpha_k) mu_k,  xbar_k = sum_n gamma_nk x_n / N_k,  alpha_k = N_k / (N_k + r).

    Parameters
    ----------
    X : (N, D) the new data (e.g. one speaker's, or one group's).
    prior : the background mixture (the UBM); its weights and covariances are kept.
    r : relevance factor (>= 0). r = 0 gives the ML M-step means for X (one EM
        step from the prior); r -> infinity keeps the prior's means.

    Returns
    -------
    GMMParams with the adapted means.

    Notes
    -----
    gamma_nk are the prior's responsibilities for the new points. It is the
    maximum a posteriori estimate of the means under a Gaussian prior centred on
    the UBM's means with covariance Sigma_k / r (one EM step). notebooks/10.
    """
    X = check_X(X)
    check_params(prior, X.shape[1], name="prior")
    gamma, _ = e_step(X, prior)  # (N, K)
    N_k = gamma.sum(axis=0)  # (K,)
    xbar = (gamma.T @ X) / soft_counts(N_k)[:, None]  # (K, D), as the M-step divides
    alpha = adaptation_coefficients(N_k, r)[:, None]  # (K, 1)
    mu = alpha * xbar + (1 - alpha) * prior.mu  # (K, D)
    return GMMParams(prior.pi, mu, prior.Sigma, prior.covariance_type)
