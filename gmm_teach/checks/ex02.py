"""Checks for exercise set 02 (lesson 02): k-means steps, k-means++, soft k-means."""

from __future__ import annotations

import numpy as np

from ..kmeans import assign_step as _assign_step
from ..kmeans import soft_assign as _soft_assign
from .engine import Case, CheckResult, Hint, check, hint, run_cases
from .fixtures import anisotropic_2d, close, fmt, nan_in_answer

__all__ = ["assign_clusters", "update_centers", "kmeans_plusplus", "soft_assign"]


def _blobs_small(seed=3):
    X, _, _, _ = anisotropic_2d(seed, N=60)
    return X


@hint("return one label per point, shape (N,): take argmin over the centres (axis=1)")
def labels_not_one_per_point(got, case) -> bool:
    return np.shape(got) != (len(case.args[0]),)


@hint("you picked the farthest centre: use argmin, not argmax")
def picked_farthest(got, case) -> bool:
    X, centers = case.args
    return close(got, np.argmax(((X[:, None] - centers[None]) ** 2).sum(-1), axis=1))


ASSIGN_CLUSTERS_HINTS = [labels_not_one_per_point, picked_farthest]


@check
def assign_clusters(fn) -> CheckResult:
    """Q: z_n = argmin_k ||x_n - m_k||^2; returns (N,) integer labels."""
    X = _blobs_small()
    C1 = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    C2 = np.array([[10.0, 10.0], [0.5, 0.5]])
    cases = [Case("60 points, 3 centres", (X, C1), _assign_step(X, C1)),
             Case("60 points, 2 centres, one far away", (X, C2), _assign_step(X, C2))]
    return run_cases("assign_clusters", fn, cases, ASSIGN_CLUSTERS_HINTS)


def _means_ref(X, labels, K):
    return np.array([X[labels == k].mean(axis=0) for k in range(K)])


@hint("you summed the points: divide by how many there are in each cluster")
def summed_not_averaged(got, case) -> bool:
    X, labels, K = case.args
    return close(got, np.array([X[labels == k].sum(0) for k in range(K)]))


@hint("return one centre per row, shape ({case.args[2]}, D)")
def centres_as_columns(got, case) -> bool:
    X, _, K = case.args
    return np.shape(got) == (np.shape(X)[1], K)


UPDATE_CENTERS_HINTS = [summed_not_averaged, centres_as_columns]


@check
def update_centers(fn) -> CheckResult:
    """Q: m_k = mean of the points assigned to k; returns (K, D)."""
    X = _blobs_small()
    labels3 = _assign_step(X, np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]]))
    labels2 = (X[:, 0] > 1.5).astype(int)
    cases = [Case("60 points, 3 clusters", (X, labels3, 3), _means_ref(X, labels3, 3)),
             Case("60 points, 2 clusters", (X, labels2, 2), _means_ref(X, labels2, 2))]
    return run_cases("update_centers", fn, cases, UPDATE_CENTERS_HINTS)


def _kmeanspp_problem(got, case) -> str | None:
    fn, X = case.extra["fn"], case.args[0]
    got = np.asarray(got, dtype=float)
    if got.shape != (case.args[1], X.shape[1]):
        return f"return K centres as a ({case.args[1]}, {X.shape[1]}) array, got shape {got.shape}"
    if not all(np.any(np.all(X == c, axis=1)) for c in got):
        return "every k-means++ centre must be one of the data points"
    if len(np.unique(got, axis=0)) != len(got):
        return "the centres must be different points"
    # X = [0, 1, 10]: after a uniformly chosen first centre, the second is drawn with
    # probability proportional to D(x)^2, so the pairs have known frequencies.
    line = np.array([[0.0], [1.0], [10.0]])
    counts = np.zeros((3, 3))
    n = 3000
    for seed in range(n):
        first, second = np.asarray(fn(line, 2, np.random.default_rng(seed)), dtype=float)[:, 0]
        counts[int(np.flatnonzero(line[:, 0] == first)[0]), int(np.flatnonzero(line[:, 0] == second)[0])] += 1
    d2 = (line - line.T) ** 2
    expected = d2 / d2.sum(axis=1, keepdims=True) / 3  # P(first = i, second = j)
    worst = np.max(np.abs(counts / n - expected) / np.sqrt(expected * (1 - expected) / n + 1e-12))
    if worst > 5:
        return (f"on points x = [0, 1, 10], the pair (first, second) should come up with frequencies "
                f"{fmt(expected.ravel())}, got {fmt((counts / n).ravel())}")
    return None


@hint("the first centre is uniform, but later ones must favour far points: p(x) = D(x)^2 / sum D^2, where D is the "
      "distance to the NEAREST chosen centre")
def not_weighted_by_distance(got, case) -> bool:
    return "frequencies" in (_kmeanspp_problem(got, case) or "")


KMEANS_PLUSPLUS_HINTS = [not_weighted_by_distance]


@check
def kmeans_plusplus(fn) -> CheckResult:
    """Q: k-means++ seeding: first centre uniform, each next one with probability proportional to D(x)^2."""
    X = _blobs_small()
    cases = [Case("60 points, K = 3, rng seed 0", (X, 3, np.random.default_rng(0)), None, extra={"fn": fn})]
    return run_cases("kmeans_plusplus", fn, cases, KMEANS_PLUSPLUS_HINTS, compare=_kmeanspp_problem)


def _soft_assign_dist(X, C, beta):
    d = np.sqrt(((X[:, None] - C[None]) ** 2).sum(-1))
    e = np.exp(-beta * (d - d.min(axis=1, keepdims=True)))
    return e / e.sum(axis=1, keepdims=True)


nan_from_underflow = Hint(nan_in_answer, "with a stiff beta every exp(-beta d^2) underflows to 0 and 0/0 = NaN: "
                                         "subtract each row's largest exponent first (or use scipy.special.logsumexp "
                                         "/ softmax)")


@hint("use the SQUARED distance ||x - m||^2 in the exponent")
def distance_not_squared(got, case) -> bool:
    return close(got, _soft_assign_dist(*case.args))


SOFT_ASSIGN_HINTS = [nan_from_underflow, distance_not_squared]


@check
def soft_assign(fn) -> CheckResult:
    """Q: r_nk = exp(-beta ||x_n - m_k||^2) / sum_j exp(-beta ||x_n - m_j||^2); returns (N, K)."""
    X = _blobs_small()
    C = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    cases = [Case("60 points, 3 centres, beta = 0.5", (X, C, 0.5), _soft_assign(X, C, 0.5)),
             Case("beta = 0.01 (very soft)", (X, C, 0.01), _soft_assign(X, C, 0.01)),
             Case("beta = 1000 (very stiff)", (X, C, 1000.0), _soft_assign(X, C, 1000.0), atol=1e-9)]
    return run_cases("soft_assign", fn, cases, SOFT_ASSIGN_HINTS)
