"""What the checks of every exercise set share: tolerant comparisons, short printing, reference data.

Public on purpose (``from .fixtures import close, fmt``): a check module and a hint
predicate compare a learner's answer with these, never with a private helper of another
module.
"""

from __future__ import annotations

import numpy as np

from ..em import e_step as _e_step
from ..em import fit_gmm as _fit_gmm
from ..params import GMMParams

# ---------------------------------------------------------------- comparisons


def close(a, b, rtol=1e-6) -> bool:
    """True when a and b are numbers of the same shape, equal to rtol; never raises."""
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=1e-12))
    except (TypeError, ValueError):
        return False


def has_nan(got) -> bool:
    """True when got reads as numbers and one of them is NaN; never raises."""
    try:
        return bool(np.isnan(np.asarray(got, dtype=float)).any())
    except (TypeError, ValueError):
        return False


def nan_in_answer(got, case) -> bool:
    """A hint predicate: the answer holds NaN (typically 0/0 after densities underflowed)."""
    return has_nan(got)


def fmt(value) -> str:
    """A value as a learner reads it in one line: 4 significant digits, or the shape when it is big."""
    arr = np.asarray(value)
    if arr.dtype == object or arr.size > 12:
        return f"array of shape {arr.shape}" if arr.dtype != object else repr(value)[:80]
    with np.printoptions(precision=4, suppress=False, threshold=12):
        return np.array2string(arr, separator=", ") if arr.ndim else f"{arr.item():.6g}"


# ---------------------------------------------------------------- reference data

HEIGHTS = np.array([58.0, 63.5, 65.0, 67.2, 70.0, 74.5])
PI_H, MU_H, SIGMA_H = np.array([0.45, 0.55]), np.array([64.5, 69.5]), np.array([2.4, 2.6])


def anisotropic_2d(seed=0, N=40):
    """N points from three tilted 2-D Gaussians, and the (pi, mu, Sigma) they came from."""
    rng = np.random.default_rng(seed)
    mu = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    Sigma = np.array([[[3.0, 1.2], [1.2, 1.0]], [[0.5, -0.3], [-0.3, 0.8]], [[1.0, 0.0], [0.0, 0.2]]])
    pi = np.array([0.5, 0.3, 0.2])
    z = rng.choice(3, size=N, p=pi)
    X = np.array([rng.multivariate_normal(mu[k], Sigma[k]) for k in z])
    return X, pi, mu, Sigma


def gamma_for(X, pi, mu, Sigma):
    """The reference responsibilities gamma (N, K) of X under (pi, mu, Sigma)."""
    return _e_step(X, GMMParams(pi=pi, mu=mu, Sigma=Sigma))[0]


_REFERENCE_FITS: dict = {}


def reference_fit(X, K) -> GMMParams:
    """The best of four EM runs, computed once per dataset and K."""
    key = (np.asarray(X, dtype=float).tobytes(), np.shape(X), K)
    if key not in _REFERENCE_FITS:
        fits = [_fit_gmm(X, K, seed=s, tol=1e-8, max_iter=3000) for s in range(4)]
        _REFERENCE_FITS[key] = max(fits, key=lambda r: r.log_likelihoods[-1]).params
    return _REFERENCE_FITS[key]


def m_step_data(seed=2):
    """40 anisotropic 2-D points X and their reference responsibilities gamma (40, 3)."""
    X, pi, mu, Sigma = anisotropic_2d(seed)
    return X, gamma_for(X, pi, mu, Sigma)


def full_covariances(X, gamma, mu):
    """Sigma_k = (1/N_k) sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T, stacked (K, D, D)."""
    N_k = gamma.sum(0)
    return np.stack([(gamma[:, k, None] * (X - mu[k])).T @ (X - mu[k]) / N_k[k] for k in range(len(mu))])
