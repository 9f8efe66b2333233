"""k-means (hard clustering) and soft k-means (stiffness beta).

Derived in notebooks/02. Soft k-means is EM for a mixture with equal weights and
one shared spherical covariance sigma^2 I, with beta = 1 / (2 sigma^2); as
beta -> infinity its responsibilities become 0/1 and it turns into k-means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from scipy.special import log_softmax

from ._validation import (
    as_float_array,
    as_generator,
    check_finite,
    check_int,
    check_n_components,
    check_positive,
    check_X,
)


def squared_distances(X, centers) -> np.ndarray:
    """||x_n - m_k||^2 for every point and centre; returns (N, K)."""
    diff = X[:, None, :] - centers[None, :, :]  # (N, K, D)
    return np.einsum("nkd,nkd->nk", diff, diff)  # (N, K)


def kmeans_plusplus(X, K: int, seed=None) -> np.ndarray:
    """k-means++ seeding: pick each new centre with probability proportional to D(x)^2.

    D(x) is the distance from x to the nearest centre chosen so far, so far-away
    points are likely picks and the seeds spread out over the data.

    Returns
    -------
    (K, D) array of initial centres, all of them data points.

    Notes
    -----
    Arthur and Vassilvitskii (2007). Shown in notebooks/02.
    """
    X = check_X(X)
    N, D = X.shape
    K = check_n_components(K, N)
    rng = as_generator(seed)
    centers = np.empty((K, D))  # (K, D)
    centers[0] = X[rng.integers(N)]
    d2 = squared_distances(X, centers[:1])[:, 0]  # (N,)
    for k in range(1, K):
        total = d2.sum()
        # All points already sit on a centre (duplicates): any point will do.
        idx = rng.integers(N) if total == 0 else rng.choice(N, p=d2 / total)
        centers[k] = X[idx]
        d2 = np.minimum(d2, squared_distances(X, centers[k : k + 1])[:, 0])
    return centers


def assign_step(X, centers) -> np.ndarray:
    """Step 1: z_n = argmin_k ||x_n - m_k||^2, each point to its nearest centre; (N,)."""
    return np.argmin(squared_distances(X, centers), axis=1)


def update_step(X, labels, centers) -> np.ndarray:
    """Step 2: m_k = mean of the points assigned to k; returns (K, D).

    An empty cluster would have no mean; it is moved to the point farthest
    from its own centre (as scikit-learn does), so K clusters stay K.
    """
    K = centers.shape[0]
    new = centers.copy()  # (K, D)
    counts = np.bincount(labels, minlength=K)  # (K,)
    for k in np.flatnonzero(counts):
        new[k] = X[labels == k].mean(axis=0)
    empty = np.flatnonzero(counts == 0)
    if empty.size:
        dist_own = squared_distances(X, centers)[np.arange(len(X)), labels]  # (N,)
        farthest = np.argsort(dist_own)[::-1][: empty.size]
        new[empty] = X[farthest]
    return new


def inertia(X, centers, labels) -> float:
    """J = sum_n ||x_n - m_{z_n}||^2, the quantity k-means decreases."""
    return float(np.sum((X - centers[labels]) ** 2))


class KMeansStep(NamedTuple):
    """One Lloyd iteration: the centres used, the labels they gave, their inertia."""

    centers: np.ndarray  # (K, D)
    labels: np.ndarray  # (N,)
    inertia: float


@dataclass
class KMeansResult:
    """What kmeans returns: final centres, labels, inertia and the steps taken."""

    centers: np.ndarray  # (K, D)
    labels: np.ndarray  # (N,)
    inertia: float
    history: list = field(repr=False)  # list of KMeansStep
    n_iter: int = 0
    converged: bool = False

    def __iter__(self):
        """Unpack as ``centers, labels, inertia, history = gt.kmeans(X, K)``."""
        return iter((self.centers, self.labels, self.inertia, self.history))


def _initial_centers(X, K, init, rng) -> np.ndarray:
    if isinstance(init, str):
        if init in ("kmeans++", "k-means++"):
            return kmeans_plusplus(X, K, rng)
        if init == "random":
            return X[rng.choice(len(X), size=K, replace=False)].copy()
        raise ValueError(f"init must be 'kmeans++', 'random' or a (K, D) array of centres, got {init!r}")
    centers = as_float_array(init, "init")
    if centers.shape != (K, X.shape[1]):
        raise ValueError(f"init centres must have shape (K, D) = ({K}, {X.shape[1]}), got {centers.shape}")
    check_finite(centers, "init")
    return centers.copy()


def kmeans(X, K: int, seed=0, init="kmeans++", max_iter: int = 300, tol: float = 1e-4) -> KMeansResult:
    """Lloyd's algorithm: repeat (1) assign each point to its nearest centre, (2) move centres to means.

    Parameters
    ----------
    X : (N, D) data.
    K : number of clusters, 1 <= K <= N.
    seed : int, None or numpy Generator for the seeding.
    init : "kmeans++" (default), "random" (K distinct data points) or a (K, D) array.
    max_iter : most Lloyd iterations.
    tol : stop when the centres move less than ``tol`` times the mean feature
        variance (squared), or when no label changes (as scikit-learn does).

    Returns
    -------
    KMeansResult with ``centers`` (K, D), ``labels`` (N,), ``inertia``, ``history``
    (one KMeansStep per iteration), ``n_iter``, ``converged``.

    Notes
    -----
    Derived in notebooks/02.
    """
    X = check_X(X)
    K = check_n_components(K, X.shape[0])
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_positive(tol, "tol", allow_zero=True) * X.var(axis=0).mean()
    centers = _initial_centers(X, K, init, as_generator(seed))  # (K, D)
    history, labels_old, converged = [], None, False
    for n_iter in range(1, max_iter + 1):
        labels = assign_step(X, centers)  # (N,)
        history.append(KMeansStep(centers, labels, inertia(X, centers, labels)))
        new_centers = update_step(X, labels, centers)
        shift = np.sum((new_centers - centers) ** 2)
        centers = new_centers
        if (labels_old is not None and np.array_equal(labels, labels_old)) or shift <= tol:
            converged = True
            break
        labels_old = labels
    labels = assign_step(X, centers)  # labels that match the final centres
    return KMeansResult(centers, labels, inertia(X, centers, labels), history, n_iter, converged)


def beta_from_sigma(sigma) -> float:
    r"""beta = 1 / (2 sigma^2): the stiffness of soft k-means whose mixture has covariance sigma^2 I."""
    sigma = check_positive(sigma, "sigma")
    return 1.0 / (2.0 * sigma**2)


def sigma_from_beta(beta) -> float:
    r"""sigma = 1 / sqrt(2 beta): the standard deviation of the mixture soft k-means with stiffness beta is EM for."""
    beta = check_positive(beta, "beta")
    return 1.0 / np.sqrt(2.0 * beta)


def soft_assign(X, centers, beta: float) -> np.ndarray:
    r"""r_nk = exp(-beta ||x_n - m_k||^2) / sum_j exp(-beta ||x_n - m_j||^2); returns (N, K).

    Computed in log space (a log-softmax), so a stiff beta cannot overflow.
    """
    return np.exp(log_softmax(-beta * squared_distances(X, centers), axis=1))  # (N, K)


def soft_update(X, r, centers) -> np.ndarray:
    r"""m_k = sum_n r_nk x_n / sum_n r_nk; returns (K, D).

    A centre that no point claims at all (every r_nk underflowed to 0 under a
    stiff beta) has no mean and stays where it was.
    """
    R_k = r.sum(axis=0)  # (K,) soft counts
    claimed = R_k > 0
    new = centers.copy()  # (K, D)
    new[claimed] = (r[:, claimed].T @ X) / R_k[claimed, None]
    return new


@dataclass
class SoftKMeansResult:
    """What soft_kmeans returns: centres, responsibilities and (centres, r) per iteration."""

    centers: np.ndarray  # (K, D)
    responsibilities: np.ndarray  # (N, K)
    history: list = field(repr=False)  # list of (centers, responsibilities)
    n_iter: int = 0
    converged: bool = False

    def __iter__(self):
        """Unpack as ``centers, responsibilities, history = gt.soft_kmeans(X, K, beta)``."""
        return iter((self.centers, self.responsibilities, self.history))

    @property
    def labels(self) -> np.ndarray:
        """The most responsible centre for each point; (N,)."""
        return np.argmax(self.responsibilities, axis=1)


def soft_kmeans(X, K: int, beta: float, seed=0, init="kmeans++", max_iter: int = 300, tol: float = 1e-8):
    r"""Soft k-means with stiffness beta: alternate soft_assign and soft_update.

    Parameters
    ----------
    X : (N, D) data.
    K : number of clusters.
    beta : stiffness > 0, in 1 / (units of X)^2. Small beta: every point shared by
        all centres; large beta: hard k-means.
    seed, init : as for ``kmeans`` (the same seed gives the same starting centres).
    max_iter : most iterations.
    tol : stop when no centre moves more than ``tol`` (in units of X).

    Returns
    -------
    SoftKMeansResult with ``centers`` (K, D), ``responsibilities`` (N, K), ``history``.

    Notes
    -----
    MacKay, Information Theory, Inference and Learning Algorithms, ch. 20;
    Bishop PRML section 9.3.2. Shown in notebooks/02.
    """
    X = check_X(X)
    K = check_n_components(K, X.shape[0])
    beta = check_positive(beta, "beta")
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_positive(tol, "tol", allow_zero=True)
    centers = _initial_centers(X, K, init, as_generator(seed))  # (K, D)
    history, converged = [], False
    for n_iter in range(1, max_iter + 1):
        r = soft_assign(X, centers, beta)  # (N, K)
        history.append((centers, r))
        new_centers = soft_update(X, r, centers)
        moved = np.max(np.abs(new_centers - centers))
        centers = new_centers
        if moved <= tol:
            converged = True
            break
    return SoftKMeansResult(centers, soft_assign(X, centers, beta), history, n_iter, converged)
