"""GaussianMixture: a thin scikit-learn-style facade over fit_gmm and friends.

Same names and semantics as ``sklearn.mixture.GaussianMixture`` (``score`` is the
MEAN log-likelihood per sample; ``covariances_`` has the shape of its type), so a
lesson can put the two side by side. The maths lives in em.py; see notebooks/08.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
from scipy import linalg

from ._validation import (
    as_float_array,
    as_generator,
    check_covariance_type,
    check_int,
    check_n_components,
    check_positive,
    check_X,
)
from .em import fit_gmm, initial_params, log_mixture_density, responsibilities
from .gaussian import sample_mixture
from .model_selection import aic, bic
from .params import GMMParams

_INIT_NAMES = {"kmeans": "kmeans", "k-means++": "kmeans++", "kmeans++": "kmeans++",
               "random": "random", "random_from_data": "random_from_data"}


class ConvergenceWarning(UserWarning):
    """EM stopped at max_iter before the log-likelihood settled."""


class NotFittedError(ValueError, AttributeError):
    """The model was used before ``fit``."""


def to_sklearn_covariances(Sigma: np.ndarray, covariance_type: str) -> np.ndarray:
    """Full (K, D, D) -> scikit-learn's shape: full (K,D,D), tied (D,D), diag (K,D), spherical (K,)."""
    if covariance_type == "tied":
        return Sigma[0].copy()
    if covariance_type == "diag":
        return np.diagonal(Sigma, axis1=1, axis2=2).copy()
    if covariance_type == "spherical":
        return Sigma[:, 0, 0].copy()
    return Sigma.copy()


def from_sklearn_precisions(precisions, K: int, D: int, covariance_type: str) -> np.ndarray:
    """scikit-learn's precisions_init (inverse covariances, per type) -> full (K, D, D) Sigma."""
    P = as_float_array(precisions, "precisions_init")
    shapes = {"full": (K, D, D), "tied": (D, D), "diag": (K, D), "spherical": (K,)}
    if P.shape != shapes[covariance_type]:
        raise ValueError(
            f"precisions_init must have shape {shapes[covariance_type]} for "
            f"covariance_type={covariance_type!r}, got {P.shape}"
        )
    if covariance_type in ("diag", "spherical"):
        if np.any(P <= 0):
            raise ValueError("precisions_init must be positive")
        var = 1.0 / P.reshape(K, -1) * np.ones((K, D))  # (K, D)
        return var[:, :, None] * np.eye(D)
    full = np.repeat(P[None], K, axis=0) if covariance_type == "tied" else P  # (K, D, D)
    try:
        return np.stack([linalg.cho_solve(linalg.cho_factor(Pk, lower=True), np.eye(D)) for Pk in full])
    except linalg.LinAlgError:
        raise ValueError("precisions_init must be positive definite") from None


class GaussianMixture:
    """A Gaussian mixture fitted by EM, with scikit-learn's interface.

    Parameters are those of ``sklearn.mixture.GaussianMixture``: n_components,
    covariance_type, tol, reg_covar, max_iter, n_init, init_params ("kmeans",
    "k-means++", "random", "random_from_data"), weights_init, means_init,
    precisions_init, random_state.

    Fitted attributes: weights_, means_, covariances_, precisions_,
    precisions_cholesky_, converged_, n_iter_, lower_bound_ (the mean
    log-likelihood of the fitted parameters), n_features_in_, and for teaching
    params_ (a GMMParams) and result_ (the FitResult, with history).
    """

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state

    # -- scikit-learn plumbing ---------------------------------------------
    def get_params(self, deep=True):
        return {name: getattr(self, name) for name in inspect.signature(type(self)).parameters}

    def set_params(self, **params):
        valid = self.get_params()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"unknown parameter {name!r}; valid ones are {sorted(valid)}")
            setattr(self, name, value)
        return self

    def __repr__(self):
        changed = {k: v for k, v in self.get_params().items()
                   if v is not inspect.signature(type(self)).parameters[k].default}
        return f"GaussianMixture({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    # -- fitting ---------------------------------------------------------------
    def _start(self, X, K, rng):
        """The initial GMMParams: init_params, overridden by any *_init given."""
        if self.init_params not in _INIT_NAMES:
            raise ValueError(f"init_params must be one of {sorted(_INIT_NAMES)}, got {self.init_params!r}")
        inits = (self.weights_init, self.means_init, self.precisions_init)
        if all(v is not None for v in inits):
            base = None
        else:
            base = initial_params(X, K, _INIT_NAMES[self.init_params], self.covariance_type,
                                  self.reg_covar, rng)
        if all(v is None for v in inits):
            return base
        D = X.shape[1]
        pi = base.pi if self.weights_init is None else self.weights_init
        mu = base.mu if self.means_init is None else self.means_init
        Sigma = (base.Sigma if self.precisions_init is None
                 else from_sklearn_precisions(self.precisions_init, K, D, self.covariance_type))
        return GMMParams(pi=pi, mu=mu, Sigma=Sigma, covariance_type=self.covariance_type)

    def fit(self, X, y=None):
        """Fit by EM, n_init times from different starts; keep the best log-likelihood."""
        X = check_X(X)
        K = check_n_components(self.n_components, X.shape[0], name="n_components")
        check_covariance_type(self.covariance_type)
        n_init = check_int(self.n_init, "n_init", minimum=1)
        check_positive(self.tol, "tol", allow_zero=True)
        rng = as_generator(self.random_state, name="random_state")
        best = None
        for _ in range(n_init):
            result = fit_gmm(X, K, init=self._start(X, K, rng), covariance_type=self.covariance_type,
                             max_iter=self.max_iter, tol=self.tol, reg_covar=self.reg_covar)
            if best is None or result.log_likelihoods[-1] > best.log_likelihoods[-1]:
                best = result
        if not best.converged:
            warnings.warn(
                "Best performing initialization did not converge. Try different init "
                "parameters, or increase max_iter, tol, or check for degenerate data.",
                ConvergenceWarning, stacklevel=2,
            )
        self._set_fitted(best, X.shape[0])
        return self

    def _set_fitted(self, result, N):
        p = result.params
        self.result_ = result
        self.params_ = p
        self.weights_ = p.pi.copy()
        self.means_ = p.mu.copy()
        self.covariances_ = to_sklearn_covariances(p.Sigma, p.covariance_type)
        inv_L = np.stack([linalg.solve_triangular(L, np.eye(p.D), lower=True) for L in p.cholesky])
        full_precision_chol = np.transpose(inv_L, (0, 2, 1))  # (K, D, D), Sigma^-1 = P P^T
        self.precisions_cholesky_ = to_sklearn_covariances(full_precision_chol, p.covariance_type)
        self.precisions_ = to_sklearn_covariances(inv_L.transpose(0, 2, 1) @ inv_L, p.covariance_type)
        self.converged_ = result.converged
        self.n_iter_ = result.n_iter
        self.lower_bound_ = result.log_likelihoods[-1] / N
        self.n_features_in_ = p.D

    def fit_predict(self, X, y=None):
        return self.fit(X).predict(X)

    # -- using the fit -----------------------------------------------------------
    def _fitted(self) -> GMMParams:
        if not hasattr(self, "params_"):
            raise NotFittedError("This GaussianMixture is not fitted yet: call fit(X) first.")
        return self.params_

    def score_samples(self, X):
        """log p(x_n) for each sample; (N,)."""
        return log_mixture_density(X, self._fitted())

    def score(self, X, y=None):
        """The MEAN log-likelihood per sample, (1/N) sum_n log p(x_n), as in scikit-learn."""
        return float(np.mean(self.score_samples(X)))

    def predict_proba(self, X):
        """Responsibilities gamma_nk = p(z_n = k | x_n); (N, K)."""
        return responsibilities(X, self._fitted())

    def predict(self, X):
        """The most responsible component for each sample; (N,)."""
        return np.argmax(self.predict_proba(X), axis=1)

    def bic(self, X):
        return bic(X, self._fitted())

    def aic(self, X):
        return aic(X, self._fitted())

    def sample(self, n_samples=1):
        """Draw n_samples from the fitted mixture; returns (X, component labels)."""
        n_samples = check_int(n_samples, "n_samples", minimum=1)
        return sample_mixture(self._fitted(), n_samples, seed=as_generator(self.random_state))
