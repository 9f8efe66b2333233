"""Mixture discriminant analysis: one Gaussian mixture per class, classified by Bayes' rule.

With one component per class it is QDA (lesson 07); with more, each class may be
several clouds (men's, women's and children's versions of a vowel; several kinds of
radio interference). Hastie & Tibshirani (1996), JRSS B 58, 155-176. notebooks/10, 11.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_int, check_X
from .em import fit_gmm, log_mixture_density, log_sum_exp
from .params import GMMParams


@dataclass(frozen=True)
class MixtureClassifier:
    """Class priors ``priors`` (C,) and one mixture per class ``mixtures[c]``, classes numbered 0..C-1."""

    priors: np.ndarray
    mixtures: tuple

    @property
    def C(self) -> int:
        return len(self.priors)


def _check_labels(y, N: int) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (N,) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError(f"y must be ({N},) integer class labels 0, 1, ..., C-1")
    if np.any(np.bincount(y) == 0):
        raise ValueError("y must use every class 0..C-1 at least once")
    return y


def fit_class_mixture(X, K: int, n_init: int = 4, seed=0, **fit_kwargs) -> GMMParams:
    r"""theta_c = argmax over n_init EM runs of sum_{n: y_n = c} log p(x_n | theta): the best of several starts.

    ``fit_kwargs`` go to ``fit_gmm`` (covariance_type, tol, max_iter, reg_covar). K = 1 needs no EM:
    the answer is the class mean and covariance, so one run is enough.
    """
    n_init = 1 if K == 1 else check_int(n_init, "n_init", minimum=1)
    rng = np.random.default_rng(seed)
    runs = [fit_gmm(X, K, seed=int(s), **fit_kwargs) for s in rng.integers(2**31, size=n_init)]
    return max(runs, key=lambda r: r.log_likelihoods[-1]).params


def fit_mda(X, y, n_components=1, n_init: int = 4, seed=0, **fit_kwargs) -> MixtureClassifier:
    r"""pi_c = N_c / N and p(x | c) = a K_c-component GMM fitted to class c's points alone.

    Parameters
    ----------
    X : (N, D) data; y : (N,) class labels 0..C-1.
    n_components : K_c, one number for every class or a sequence of C numbers.
    n_init, seed : restarts per class (the best log-likelihood wins) and their seed.
    fit_kwargs : passed to ``fit_gmm`` (covariance_type, tol, max_iter, reg_covar).

    Returns
    -------
    MixtureClassifier; classify with ``mda_predict_proba``.
    """
    X = check_X(X)
    y = _check_labels(y, len(X))
    C = int(y.max()) + 1
    Ks = np.broadcast_to(np.asarray(n_components), (C,))
    mixtures = tuple(fit_class_mixture(X[y == c], int(Ks[c]), n_init, seed=seed + c, **fit_kwargs)
                     for c in range(C))
    return MixtureClassifier(np.bincount(y, minlength=C) / len(y), mixtures)


def mda_log_joint(X, model: MixtureClassifier) -> np.ndarray:
    r"""log pi_c + log p(x_n | c), with p(x | c) the class mixture; returns (N, C)."""
    X = check_X(X)
    if not isinstance(model, MixtureClassifier):
        raise TypeError(f"model must be a MixtureClassifier, got {type(model).__name__}")
    return np.column_stack([np.log(model.priors[c]) + log_mixture_density(X, model.mixtures[c])
                            for c in range(model.C)])  # (N, C)


def mda_predict_proba(X, model: MixtureClassifier, priors=None) -> np.ndarray:
    r"""p(c | x) = pi_c p(x | c) / sum_j pi_j p(x | j), in log space; returns (N, C).

    ``priors`` (C,) replaces the training class shares, for a population with other proportions.
    """
    if priors is not None:
        priors = np.asarray(priors, dtype=float)
        if priors.shape != (model.C,) or np.any(priors <= 0) or not np.isclose(priors.sum(), 1):
            raise ValueError(f"priors must be ({model.C},) positive numbers summing to 1")
        model = MixtureClassifier(priors, model.mixtures)
    log_joint = mda_log_joint(X, model)  # (N, C)
    return np.exp(log_joint - log_sum_exp(log_joint)[:, None])


def mda_predict(X, model: MixtureClassifier, priors=None) -> np.ndarray:
    r"""y_hat = argmax_c p(c | x); returns (N,) class labels."""
    return mda_predict_proba(X, model, priors).argmax(axis=1)


__all__ = ["MixtureClassifier", "fit_class_mixture", "fit_mda", "mda_log_joint", "mda_predict",
           "mda_predict_proba"]
