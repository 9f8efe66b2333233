"""GaussianMixture: a thin scikit-learn-style facade over fit_gmm and friends.

Same names and semantics as ``sklearn.mixture.GaussianMixture`` (``score`` is the
MEAN log-likelihood per sample; ``covariances_`` has the shape of its type), so a
lesson can put the two side by side. The maths lives in em.py; see notebooks/08.
"""

from __future__ import annotations

import functools
import inspect
import numbers
import sys
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
    check_X_2d,
)
from .em import best_of, fit_gmm, initial_params, log_mixture_density, responsibilities
from .gaussian import sample_mixture
from .model_selection import aic, bic
from .params import GMMParams

_INIT_NAMES = {"kmeans": "kmeans", "k-means++": "kmeans++", "kmeans++": "kmeans++",
               "random": "random", "random_from_data": "random_from_data"}


class ConvergenceWarning(UserWarning):
    """EM stopped at max_iter before the log-likelihood settled."""


class NotFittedError(ValueError, AttributeError):
    """The model was used before ``fit``.

    Raised as a subclass of scikit-learn's own NotFittedError too when scikit-learn
    is imported, so ``except sklearn.exceptions.NotFittedError`` catches it.
    """


def not_fitted_error(message: str) -> NotFittedError:
    """A NotFittedError that is also scikit-learn's, if scikit-learn is already imported."""
    sklearn_exceptions = sys.modules.get("sklearn.exceptions")
    if sklearn_exceptions is None:
        return NotFittedError(message)
    return _both_not_fitted(sklearn_exceptions.NotFittedError)(message)


@functools.cache
def _both_not_fitted(sklearn_not_fitted):
    return type("NotFittedError", (NotFittedError, sklearn_not_fitted), {"__module__": __name__})


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
    check_covariance_type(covariance_type)
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

    It follows scikit-learn's estimator conventions without importing it:
    ``clone``, ``get_params``/``set_params``, ``GridSearchCV`` and
    ``cross_val_score`` work (``score`` is the held-out mean log-likelihood), and
    ``check_estimator`` passes. Errors are scikit-learn's: ValueError for 1-D X,
    one sample, text or complex data (the error is a TypeError too); NotFittedError
    (also scikit-learn's class once it is imported) before ``fit``, checked first.

    Deliberate differences from ``sklearn.mixture.GaussianMixture``:

    ========================  ===================================  ===================================
    what                      scikit-learn                         gmm_teach
    ========================  ===================================  ===================================
    ``lower_bound_``          mean log-likelihood at the last      mean log-likelihood of the
                              E-step (before the last M-step)      returned parameters
    per-iteration record      ``lower_bounds_`` (means)            ``result_.log_likelihoods``
                                                                   (totals, start included) and
                                                                   ``result_.history``
    ``random_state``          None, int, RandomState               also a numpy Generator; the starts
                                                                   draw from a Generator, so the same
                                                                   int gives other (equally good) fits
    ``init_params="kmeans"``  sklearn.cluster.KMeans               ``gt.kmeans`` (the lesson 02 code)
    ``n_init`` with           keeps the last start                 keeps the start with the highest
    ``max_iter=0``                                                 log-likelihood
    ``sample()``              rows grouped by component            rows in the order drawn
    dtype                     keeps float32                        computes in float64
    collapse, reg_covar=0     ValueError at any iteration          ValueError at the start; later EM
                                                                   stops, keeps the last valid
                                                                   parameters, DegenerateFitWarning
    ``warm_start``,           supported                            not supported (``set_params``
    ``verbose``                                                    names the valid parameters)
    pandas input              sets ``feature_names_in_``           converts to an array, no names
    base class                ``BaseEstimator`` (HTML repr,        none: the protocol by hand, so
                              metadata routing)                    ``import gmm_teach`` stays light
    ========================  ===================================  ===================================
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

    # scikit-learn's estimator protocol, implemented without importing scikit-learn:
    # scikit-learn calls these, so it is installed whenever they run.
    _estimator_type = "DensityEstimator"  # read by scikit-learn < 1.6

    def __sklearn_tags__(self):
        """Tags for scikit-learn >= 1.6: a density estimator, no target, dense 2-D input without NaN."""
        from sklearn.utils import Tags, TargetTags

        return Tags(estimator_type="density_estimator", target_tags=TargetTags(required=False),
                    transformer_tags=None, regressor_tags=None, classifier_tags=None)

    def _more_tags(self):
        """Tags for scikit-learn < 1.6."""
        return {"requires_y": False, "X_types": ["2darray"], "allow_nan": False}

    def __sklearn_is_fitted__(self):
        return hasattr(self, "params_")

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
        X = check_X_2d(X, "X", minimum_rows=2)
        K = check_n_components(self.n_components, X.shape[0], name="n_components")
        check_covariance_type(self.covariance_type)
        check_positive(self.tol, "tol", allow_zero=True)
        max_iter = check_int(self.max_iter, "max_iter", minimum=0)
        rng = as_generator(self.random_state, name="random_state")
        best = best_of(lambda start_rng: fit_gmm(
            X, K, init=self._start(X, K, start_rng), covariance_type=self.covariance_type,
            max_iter=max_iter, tol=self.tol, reg_covar=self.reg_covar), self.n_init, rng)
        if not best.converged and max_iter > 0:  # max_iter = 0 asks for the start alone, as in scikit-learn
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
        # scikit-learn leaves lower_bound_ at -inf when max_iter = 0 (no EM iteration ran)
        self.lower_bound_ = result.log_likelihoods[-1] / N if self.max_iter > 0 else -np.inf
        self.n_features_in_ = p.D

    def fit_predict(self, X, y=None):
        return self.fit(X).predict(X)

    # -- using the fit -----------------------------------------------------------
    def _fitted(self) -> GMMParams:
        if not hasattr(self, "params_"):
            raise not_fitted_error("This GaussianMixture instance is not fitted yet. Call 'fit' with "
                                   "appropriate arguments before using this estimator.")
        return self.params_

    def _fitted_X(self, X):
        """(the fitted GMMParams, X checked as scikit-learn checks it) for the methods that use a fit."""
        p = self._fitted()
        return p, check_X_2d(X, "X", n_features=p.D)

    def score_samples(self, X):
        """log p(x_n) for each sample; (N,)."""
        p, X = self._fitted_X(X)
        return log_mixture_density(X, p)

    def score(self, X, y=None):
        """The MEAN log-likelihood per sample, (1/N) sum_n log p(x_n), as in scikit-learn."""
        return float(np.mean(self.score_samples(X)))

    def predict_proba(self, X):
        """Responsibilities gamma_nk = p(z_n = k | x_n); (N, K)."""
        p, X = self._fitted_X(X)
        return responsibilities(X, p)

    def predict(self, X):
        """The most responsible component for each sample; (N,)."""
        return np.argmax(self.predict_proba(X), axis=1)

    def bic(self, X):
        """Bayesian information criterion, -2 log L + n_parameters log N (lower is better)."""
        p, X = self._fitted_X(X)
        return bic(X, p)

    def aic(self, X):
        """Akaike information criterion, -2 log L + 2 n_parameters (lower is better)."""
        p, X = self._fitted_X(X)
        return aic(X, p)

    def sample(self, n_samples=1):
        """Draw n_samples from the fitted mixture; returns (X, component labels)."""
        p = self._fitted()  # NotFittedError before any complaint about n_samples, as in scikit-learn
        if isinstance(n_samples, numbers.Integral) and not isinstance(n_samples, bool) and n_samples < 1:
            raise ValueError(f"Invalid value for 'n_samples': {n_samples}. The sampling requires at least one sample.")
        n_samples = check_int(n_samples, "n_samples", minimum=1)
        return sample_mixture(p, n_samples, seed=as_generator(self.random_state, name="random_state"))
