"""Input checks shared by the library.

Every public function checks its arguments here, so a learner who passes the
wrong thing gets an error that names the argument and says what was expected,
instead of a NumPy traceback from deep inside the maths.
"""

from __future__ import annotations

import numbers
import os
import sys
import warnings

import numpy as np

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
GAMMA_MAX = 1 + 1e-8  # a responsibility may round a little above 1
ROW_SUM_TOL = 1e-6 + 1e-5  # |sum_k gamma_nk - 1| allowed: np.allclose(row_sums, 1, atol=1e-6)


class NotNumbersError(TypeError, ValueError):
    """The data are not real numbers (text, complex, ragged lists).

    Both a TypeError (the kind of value is wrong) and a ValueError (what scikit-learn
    raises for the same input), so code written for either catches it.
    """


def as_float_array(value, name: str) -> np.ndarray:
    """Convert ``value`` to a float64 array, or raise a NotNumbersError naming ``name``."""
    if isinstance(value, (str, bytes)):
        raise NotNumbersError(f"{name} must be an array of numbers, got a {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and other oddities
        raise NotNumbersError(f"{name} must be an array of numbers: {exc}") from None
    if arr.dtype == object:
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError) as exc:
            raise NotNumbersError(
                f"{name} must be an array of numbers, got values like {arr.flat[0]!r} ({exc})"
            ) from None
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise NotNumbersError(f"{name} must be an array of numbers, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise NotNumbersError(f"{name} must be real, got complex values (Complex data not supported)")
    return arr.astype(np.float64, copy=False)


def check_finite(arr: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = f" (first at index {tuple(int(i) for i in bad)})" if arr.ndim else ""
        raise ValueError(f"{name} must contain only finite numbers; found NaN or inf{where}")


def check_X(X, name: str = "X") -> np.ndarray:
    """Return data as a finite float array of shape (N, D); 1-D input becomes (N, 1)."""
    X = as_float_array(X, name)
    if X.ndim == 1:
        X = X[:, None]  # N values of one feature
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (N, D) (or 1-D with N values), "
            f"got {X.ndim}-D with shape {X.shape}"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must have at least one row and one column, got shape {X.shape}")
    check_finite(X, name)
    return X


def check_X_2d(X, name: str = "X", minimum_rows: int = 1, n_features=None) -> np.ndarray:
    """check_X, but as strict as scikit-learn: 2-D only, N >= minimum_rows, D == n_features if given."""
    arr = as_float_array(X, name)
    if arr.ndim == 1:
        raise ValueError(f"Expected 2D array, got 1D array instead: {name} must have shape (n_samples, "
                         "n_features). Reshape your data with X.reshape(-1, 1) if it has a single feature.")
    if arr.ndim == 2 and 0 in arr.shape:
        what = "sample" if arr.shape[0] == 0 else "feature"
        raise ValueError(f"{name} must have at least one row and one column: found 0 {what}(s) "
                         f"(shape={arr.shape}) while a minimum of 1 is required.")
    X = check_X(arr, name)
    if X.shape[0] < minimum_rows:
        raise ValueError(f"{name} has n_samples={X.shape[0]}; at least {minimum_rows} are needed")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"{name} has {X.shape[1]} features, but GaussianMixture is expecting "
                         f"{n_features} features as input")
    return X


def check_params(p, D: int | None = None, name: str = "p"):
    """A GMMParams (with D features, if D is given), or a TypeError/ValueError saying so."""
    from .params import GMMParams  # here, not at the top: params.py itself imports this module

    if not isinstance(p, GMMParams):
        raise TypeError(f"{name} must be a GMMParams (the mixture's parameters pi, mu, Sigma), "
                        f"got {type(p).__name__}")
    if D is not None and p.D != D:
        raise ValueError(f"{name} has D={p.D} features but X has {D} columns")
    return p


def check_mean(mu, D: int, name: str = "mu") -> np.ndarray:
    """A (D,) mean of finite numbers."""
    mu = np.atleast_1d(as_float_array(mu, name))
    if mu.shape != (D,):
        raise ValueError(f"{name} must have shape (D,) = ({D},), got shape {mu.shape}")
    check_finite(mu, name)
    return mu


def check_covariance(Sigma, D: int, name: str = "Sigma") -> np.ndarray:
    """A (D, D) covariance; for D = 1 a single variance is accepted too."""
    Sigma = as_float_array(Sigma, name)
    if D == 1 and Sigma.size == 1:
        Sigma = Sigma.reshape(1, 1)  # a variance
    if Sigma.shape != (D, D):
        raise ValueError(f"{name} must have shape (D, D) = ({D}, {D}), got shape {Sigma.shape}")
    check_finite(Sigma, name)
    return Sigma


def check_n_components(K, N: int | None = None, name: str = "K") -> int:
    """Return K as an int after checking 1 <= K <= N."""
    if isinstance(K, bool) or not isinstance(K, numbers.Integral):
        raise TypeError(f"{name} must be a whole number of components, got {K!r}")
    K = int(K)
    if K < 1:
        raise ValueError(f"{name} must be at least 1, got {K}")
    if N is not None and K > N:
        raise ValueError(
            f"{name}={K} components need at least {K} data points, but X has only {N} rows"
        )
    return K


def check_covariance_type(covariance_type, name: str = "covariance_type") -> str:
    if covariance_type not in COVARIANCE_TYPES:
        raise ValueError(f"{name} must be one of {COVARIANCE_TYPES}, got {covariance_type!r}")
    return covariance_type


def check_positive(value, name: str, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    ok = value >= 0 if allow_zero else value > 0
    if not np.isfinite(value) or not ok:
        expected = "a finite number >= 0" if allow_zero else "a finite number > 0"
        raise ValueError(f"{name} must be {expected}, got {value}")
    return value


def check_correlation(rho, name: str = "rho") -> float:
    """A correlation strictly between -1 and 1 (at +-1 the covariance is singular)."""
    if isinstance(rho, bool) or not isinstance(rho, numbers.Real):
        raise TypeError(f"{name} must be a number, got {rho!r}")
    if not -1.0 < float(rho) < 1.0:
        raise ValueError(f"{name} must be a correlation strictly between -1 and 1, got {rho}")
    return float(rho)


def check_int(value, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def check_gamma_shape(gamma, N: int, name: str = "gamma") -> np.ndarray:
    """Responsibilities' shape: a float array (N, K) with 1 <= K <= N (values unchecked)."""
    gamma = as_float_array(gamma, name)
    if gamma.ndim != 2 or gamma.shape[0] != N:
        raise ValueError(f"{name} must have shape (N, K) = ({N}, K), got shape {gamma.shape}")
    check_n_components(gamma.shape[1], N, name=f"the number of columns of {name} (K)")
    return gamma


def check_gamma(gamma, N: int, name: str = "gamma") -> np.ndarray:
    """Responsibilities: (N, K), entries in [0, 1], rows summing to 1."""
    gamma = check_gamma_shape(gamma, N, name)
    # min and max are two passes without temporaries; a NaN makes both comparisons False.
    if not (gamma.min() >= 0 and gamma.max() <= GAMMA_MAX):
        check_finite(gamma, name)
        raise ValueError(f"{name} must hold probabilities in [0, 1]")
    row_sums = gamma.sum(axis=1)  # (N,)
    worst = int(np.argmax(np.abs(row_sums - 1.0)))
    if not abs(row_sums[worst] - 1.0) <= ROW_SUM_TOL:
        raise ValueError(
            f"each row of {name} must sum to 1 (a point's responsibilities are a "
            f"distribution over components); row {worst} sums to {row_sums[worst]:.6g}"
        )
    return gamma


def as_generator(seed, name: str = "seed") -> np.random.Generator:
    """Accept None, an int or a Generator, as numpy does, and a legacy RandomState, as scikit-learn does.

    A RandomState is asked for one integer seed (so it advances, and the same
    RandomState state always gives the same Generator).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.RandomState):
        return np.random.default_rng(int(seed.randint(np.iinfo(np.int32).max)))
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise TypeError(f"{name} must be None, an int, a numpy Generator or RandomState, got {seed!r}")


def check_settings(covariance_type, max_iter, tol, reg_covar):
    """The EM loop's settings: (max_iter, tol, reg_covar) checked, covariance_type one of COVARIANCE_TYPES."""
    check_covariance_type(covariance_type)
    return (
        check_int(max_iter, "max_iter", minimum=0),
        check_positive(tol, "tol", allow_zero=True),
        check_positive(reg_covar, "reg_covar", allow_zero=True),
    )


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message: str, category) -> None:
    """warnings.warn, pointed at the first line outside gmm_teach: the learner's call, however deep."""
    frame, level = sys._getframe(1), 2  # level 2 = warn's caller
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
