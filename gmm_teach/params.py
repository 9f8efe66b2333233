"""GMMParams: the parameters theta = (pi, mu, Sigma) of a Gaussian mixture."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_covariance_type, check_finite
from .gaussian import cholesky_factor


@dataclass(frozen=True, eq=False)
class GMMParams:
    r"""p(x) = sum_k pi_k N(x | mu_k, Sigma_k), the parameters of a K-component mixture.

    Parameters
    ----------
    pi : (K,) mixing weights, each >= 0, summing to 1.
    mu : (K, D) component means. For one feature, a (K,) vector is accepted.
    Sigma : (K, D, D) covariances, each symmetric positive definite. For one
        feature, a (K,) vector of variances is accepted.
    covariance_type : "full", "tied", "diag" or "spherical". ``Sigma`` is always
        stored full; the type says which structure it has (tied: one matrix shared
        by all components; diag: diagonal; spherical: a multiple of the identity),
        which the M-step keeps and which BIC counts.

    The arrays are read-only copies, so a history of parameters cannot be
    changed by accident.

    Notes
    -----
    Introduced in notebooks/01 (1-D) and notebooks/04 (2-D).
    """

    pi: np.ndarray
    mu: np.ndarray
    Sigma: np.ndarray
    covariance_type: str = "full"

    def __post_init__(self):
        check_covariance_type(self.covariance_type)
        pi = _check_pi(self.pi)
        K = pi.shape[0]
        mu = _check_mu(self.mu, K)
        Sigma = _check_Sigma(self.Sigma, K, mu.shape[1], self.covariance_type)
        L = np.stack([cholesky_factor(Sigma[k], name=f"Sigma[{k}]") for k in range(K)])
        for name, arr in (("pi", pi), ("mu", mu), ("Sigma", Sigma), ("_L", L)):
            arr = np.array(arr, dtype=float)  # own copy
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)

    @property
    def cholesky(self) -> np.ndarray:
        """L_k with Sigma_k = L_k L_k^T, lower triangular; (K, D, D)."""
        return self._L

    @property
    def K(self) -> int:
        """Number of components."""
        return self.pi.shape[0]

    @property
    def D(self) -> int:
        """Number of features."""
        return self.mu.shape[1]

    def __repr__(self) -> str:
        def show(arr):
            text = np.array2string(arr, precision=4, suppress_small=True, separator=", ")
            return text.replace("\n", "\n" + " " * 10)

        sigma = show(self.Sigma.reshape(self.K, -1) if self.D == 1 else self.Sigma)
        return (
            f"GMMParams(K={self.K}, D={self.D}, covariance_type={self.covariance_type!r},\n"
            f"  pi    = {show(self.pi)},\n"
            f"  mu    = {show(self.mu)},\n"
            f"  Sigma = {sigma})"
        )

    def __eq__(self, other) -> bool:
        if not isinstance(other, GMMParams):
            return NotImplemented
        return (
            self.covariance_type == other.covariance_type
            and self.pi.shape == other.pi.shape
            and self.mu.shape == other.mu.shape
            and np.array_equal(self.pi, other.pi)
            and np.array_equal(self.mu, other.mu)
            and np.array_equal(self.Sigma, other.Sigma)
        )

    __hash__ = None  # arrays: equality by value, so not hashable


def _check_pi(pi) -> np.ndarray:
    pi = np.atleast_1d(as_float_array(pi, "pi"))
    if pi.ndim != 1:
        raise ValueError(f"pi must be a 1-D array of K weights, got shape {pi.shape}")
    if pi.shape[0] < 1:
        raise ValueError("pi must hold at least one weight (K >= 1)")
    check_finite(pi, "pi")
    if np.any(pi < 0):
        raise ValueError(f"pi must hold weights >= 0, got {pi}")
    if abs(pi.sum() - 1.0) > 1e-6:
        raise ValueError(f"pi must sum to 1 (mixing weights are probabilities), got sum {pi.sum():.6g}")
    return pi


def _check_mu(mu, K: int) -> np.ndarray:
    mu = as_float_array(mu, "mu")
    if mu.ndim == 1 and mu.shape[0] == K:
        mu = mu[:, None]  # K means of one feature
    if mu.ndim != 2 or mu.shape[0] != K:
        raise ValueError(f"mu must have shape (K, D) with K = len(pi) = {K}, got shape {mu.shape}")
    check_finite(mu, "mu")
    return mu


def _check_Sigma(Sigma, K: int, D: int, covariance_type: str) -> np.ndarray:
    Sigma = as_float_array(Sigma, "Sigma")
    if D == 1 and Sigma.shape == (K,):
        Sigma = Sigma[:, None, None]  # K variances of one feature
    if Sigma.shape != (K, D, D):
        raise ValueError(
            f"Sigma must have shape (K, D, D) = ({K}, {D}, {D}), got shape {Sigma.shape}"
            + (" (one feature: a (K,) vector of variances also works)" if D == 1 else "")
        )
    check_finite(Sigma, "Sigma")
    _check_structure(Sigma, covariance_type)
    return Sigma


def _check_structure(Sigma: np.ndarray, covariance_type: str) -> None:
    """Sigma must have the structure its covariance type promises."""
    K, D, _ = Sigma.shape
    off_diagonal = ~np.eye(D, dtype=bool)
    scale = np.abs(Sigma).max()
    if covariance_type in ("diag", "spherical") and np.any(Sigma[:, off_diagonal] != 0):
        raise ValueError(
            f"Sigma must be diagonal for covariance_type={covariance_type!r} "
            "(off-diagonal entries must be 0)"
        )
    if covariance_type == "spherical":
        diagonals = np.diagonal(Sigma, axis1=1, axis2=2)  # (K, D)
        if not np.allclose(diagonals, diagonals[:, :1], rtol=1e-10, atol=0):
            raise ValueError(
                "Sigma must be a multiple of the identity for covariance_type='spherical' "
                "(equal variances on the diagonal)"
            )
    if covariance_type == "tied" and not np.allclose(Sigma, Sigma[0], rtol=1e-10, atol=1e-14 * scale):
        raise ValueError("Sigma must be the same matrix for every component for covariance_type='tied'")
