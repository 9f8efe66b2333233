"""Mixtures with labels: supervised fits (QDA / LDA) and semi-supervised EM.

With every label known, fitting one Gaussian per class is the M-step with one-hot
responsibilities, and classifying a new point is the E-step (Bayes' rule with the
class priors pi_k). With only some labels known, EM keeps the labelled points'
responsibilities fixed at their one-hot labels and lets the E-step fill in the
rest; the M-step is the usual one, on both. Derived in notebooks/07.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_gamma, check_n_components, check_settings, check_X
from .covariance import covariance_from_scatter, scatter
from .em import (
    FitResult,
    em_loop,
    initial_params,
    log_joint,
    m_step,
    normalise,
    warn_if_collapsed,
)
from .params import GMMParams

UNLABELLED = -1  # the label of a point whose class is unknown


def check_labels(y, N: int, K: int, name: str = "y_partial", allow_unlabelled: bool = True) -> np.ndarray:
    """Return labels as an int array (N,) with values in 0..K-1 (and -1 = unlabelled if allowed)."""
    if isinstance(y, (str, bytes)):
        raise TypeError(f"{name} must be an array of integer labels, got a {type(y).__name__}")
    y_arr = as_float_array(y, name)
    if y_arr.shape != (N,):
        raise ValueError(f"{name} must have shape (N,) = ({N},), one label per row of X, got shape {y_arr.shape}")
    if np.asarray(y).dtype == bool or not np.all(np.isfinite(y_arr)) or np.any(y_arr != np.round(y_arr)):
        raise TypeError(f"{name} must hold whole-number labels 0..K-1 (and -1 for unlabelled), got {y_arr[:5]}")
    lowest = UNLABELLED if allow_unlabelled else 0
    if y_arr.size and (y_arr.min() < lowest or y_arr.max() > K - 1):
        allowed = f"-1 (unlabelled) or 0..{K - 1}" if allow_unlabelled else f"0..{K - 1}"
        raise ValueError(f"{name} must hold labels {allowed} for K={K}; found {int(y_arr.min())}..{int(y_arr.max())}")
    return y_arr.astype(int)


def one_hot(y, K: int) -> np.ndarray:
    r"""gamma_nk = [y_n = k]: each point wholly responsible to its own class; returns (N, K).

    With these responsibilities, ``m_step(X, one_hot(y, K))`` is the supervised
    maximum-likelihood fit: pi_k = class frequency, mu_k = class mean, Sigma_k =
    class covariance (divided by N_k, not N_k - 1). Full covariances give QDA,
    tied gives LDA. Derived in notebooks/07.
    """
    K = check_n_components(K)
    y_arr = as_float_array(y, "y")
    if y_arr.ndim != 1:
        raise ValueError(f"y must be a 1-D array of N class labels, got shape {y_arr.shape}")
    y = check_labels(y, y_arr.shape[0], K, name="y", allow_unlabelled=False)
    return np.eye(K)[y]  # (N, K)


def clamp_labels(gamma, y_partial) -> np.ndarray:
    r"""gamma_nk <- [y_n = k] for labelled points (y_n >= 0); unlabelled rows (y_n = -1) keep gamma_nk.

    Parameters
    ----------
    gamma : (N, K) responsibilities from an E-step.
    y_partial : (N,) labels, -1 where the class is unknown.

    Returns
    -------
    (N, K) responsibilities, a new array.
    """
    gamma = as_float_array(gamma, "gamma")
    if gamma.ndim != 2:
        raise ValueError(f"gamma must have shape (N, K), got shape {gamma.shape}")
    N, K = gamma.shape
    gamma = check_gamma(gamma, N)
    y_partial = check_labels(y_partial, N, K)
    labelled = y_partial != UNLABELLED  # (N,)
    out = gamma.copy()  # (N, K)
    out[labelled] = np.eye(K)[y_partial[labelled]]
    return out


def log_likelihood_semisupervised(X, y_partial, p: GMMParams) -> float:
    r"""log L = sum_{labelled} log pi_{y_n} N(x_n | mu_{y_n}, Sigma_{y_n}) + sum_{unlabelled} log p(x_n).

    A labelled point contributes its joint density with its own class; an unlabelled
    point its mixture density. This is what semi-supervised EM increases.
    """
    return e_step_semisupervised(X, y_partial, p)[1]


def e_step_semisupervised(X, y_partial, p: GMMParams):
    r"""gamma_nk = [y_n = k] for labelled points, p(z_n = k | x_n, theta) for unlabelled ones.

    Returns
    -------
    gamma : (N, K) responsibilities; labelled rows are one-hot.
    log_likelihood : float, ``log_likelihood_semisupervised`` at ``p``.
    """
    log_pxz = log_joint(X, p)  # (N, K), checks X and p
    y_partial = check_labels(y_partial, *log_pxz.shape)
    labelled = y_partial != UNLABELLED  # (N,)
    gamma, log_px = normalise(log_pxz)  # (N, K), (N,)
    ll = np.sum(log_pxz[labelled, y_partial[labelled]]) + np.sum(log_px[~labelled])
    return clamp_labels(gamma, y_partial), float(ll)


def initial_params_from_labels(X, y_partial, K: int, covariance_type="full", reg_covar=1e-6) -> GMMParams:
    r"""theta_0 from the labels: mu_k = mean of the points labelled k, Sigma_k = the data's covariance, pi_k = 1/K.

    Every component starts as wide as the whole data set, so a class with one or
    two labelled points does not start as a spike around them.
    """
    X = check_X(X)
    N, D = X.shape
    y_partial = check_labels(y_partial, N, check_n_components(K, N))
    absent = [k for k in range(K) if not np.any(y_partial == k)]
    if absent:
        raise ValueError(f"init='labels' needs at least one labelled point of every class; y_partial has none "
                         f"of class(es) {absent}. Label some, or pass init='kmeans++'.")
    mu = np.stack([X[y_partial == k].mean(axis=0) for k in range(K)])  # (K, D)
    S = scatter(X, np.ones((N, 1)), X.mean(axis=0, keepdims=True))  # (1, D, D): one component holding all the data
    everything = covariance_from_scatter(S, np.array([float(N)]), covariance_type, reg_covar)  # (1, D, D)
    return GMMParams(np.full(K, 1.0 / K), mu, np.repeat(everything, K, axis=0), covariance_type)


def fit_semisupervised(X, y_partial, K: int, init="labels", covariance_type: str = "full", max_iter: int = 100,
                       tol: float = 1e-3, reg_covar: float = 1e-6, seed=None) -> FitResult:
    r"""Semi-supervised EM: gamma_nk = [y_n = k] if labelled, else the E-step's; then the usual M-step.

    Parameters
    ----------
    X : (N, D) data.
    y_partial : (N,) class labels 0..K-1, -1 where unknown. Component k is class k.
    K : number of classes (components).
    init : "labels" (default; see ``initial_params_from_labels``), any ``fit_gmm``
        init string, or a GMMParams start.
    covariance_type, max_iter, tol, reg_covar, seed : as in ``fit_gmm``.

    Returns
    -------
    FitResult; ``log_likelihoods`` are ``log_likelihood_semisupervised`` values, and
    ``gamma`` has the labelled rows one-hot. No labels at all is ``fit_gmm``; every
    point labelled is the supervised fit ``m_step(X, one_hot(y, K))``.

    Notes
    -----
    Derived in notebooks/07.
    """
    X = check_X(X)
    N = X.shape[0]
    y_partial = check_labels(y_partial, N, check_n_components(K, N))
    max_iter, tol, reg_covar = check_settings(covariance_type, max_iter, tol, reg_covar)
    by_labels = isinstance(init, str) and init == "labels"
    p = (initial_params_from_labels(X, y_partial, K, covariance_type, reg_covar) if by_labels
         else initial_params(X, K, init, covariance_type, reg_covar, seed))
    result = em_loop(p, lambda q: e_step_semisupervised(X, y_partial, q),
                     lambda gamma: m_step(X, gamma, covariance_type, reg_covar), N, max_iter, tol)
    warn_if_collapsed(X, result.params, result.gamma, reg_covar)
    return result
