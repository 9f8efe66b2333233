"""kmeans against scikit-learn's Lloyd from the same centres; soft k-means' limits."""

import numpy as np
import pytest
from helpers import anisotropic_mixture
from sklearn.cluster import KMeans

import gmm_teach as gt
from gmm_teach.kmeans import assign_step


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("K", [2, 4, 6])
def test_kmeans_matches_sklearn_lloyd(seed, K):
    X, _, _ = anisotropic_mixture(K=4, D=3, N=400, seed=seed)
    init = gt.kmeans_plusplus(X, K, seed=seed)
    ours = gt.kmeans(X, K, init=init)
    sk = KMeans(n_clusters=K, init=init, n_init=1, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(ours.labels, sk.labels_)
    np.testing.assert_allclose(ours.centers, sk.cluster_centers_, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours.inertia, sk.inertia_, rtol=1e-10)
    assert ours.n_iter == sk.n_iter_


def test_kmeans_history_is_lloyds_steps():
    X, _, _ = anisotropic_mixture(K=3, D=2, N=300, seed=1)
    r = gt.kmeans(X, 3, seed=0)
    assert len(r.history) == r.n_iter and r.converged
    inertias = [step.inertia for step in r.history] + [r.inertia]
    assert np.all(np.diff(inertias) <= 1e-9)  # Lloyd never increases the inertia
    first = r.history[0]
    np.testing.assert_array_equal(first.labels, assign_step(X, first.centers))
    centers, labels, inertia, history = r  # unpacks like the DESIGN contract
    assert centers.shape == (3, 2) and labels.shape == (300,)


def test_kmeans_plusplus_picks_distinct_data_points():
    X, _, _ = anisotropic_mixture(K=3, D=2, N=200, seed=2)
    C = gt.kmeans_plusplus(X, 5, seed=0)
    assert C.shape == (5, 2)
    assert all(np.any(np.all(X == c, axis=1)) for c in C)
    assert len(np.unique(C, axis=0)) == 5


def test_kmeans_plusplus_spreads_out_over_restarts():
    # Three tight far-apart groups: k-means++ should nearly always seed one in each.
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(c, 0.1, size=(100, 2)) for c in ([0, 0], [20, 0], [0, 20])])
    hits = 0
    for seed in range(50):
        C = gt.kmeans_plusplus(X, 3, seed=seed)
        hits += len({tuple(np.round(c / 20)) for c in C}) == 3
    assert hits >= 45


def test_empty_cluster_is_relocated():
    X, _, _ = anisotropic_mixture(K=3, D=2, N=300, seed=3)
    init = np.array([X.mean(axis=0), X.mean(axis=0) + 0.1, [1e3, 1e3]])  # the last claims nothing
    r = gt.kmeans(X, 3, init=init)
    assert set(np.unique(r.labels)) == {0, 1, 2}
    assert np.isfinite(r.centers).all()
    sk = KMeans(n_clusters=3, init=init, n_init=1, algorithm="lloyd").fit(X)
    assert abs(r.inertia - sk.inertia_) / sk.inertia_ < 0.05  # same spirit; exact tie-breaks differ


def test_soft_kmeans_tends_to_kmeans_as_beta_grows():
    X, _, _ = anisotropic_mixture(K=3, D=2, N=400, seed=4)
    init = gt.kmeans_plusplus(X, 3, seed=1)
    hard = gt.kmeans(X, 3, init=init)
    gaps = []
    for beta in (0.01, 0.1, 1.0, 10.0, 1e3):
        soft = gt.soft_kmeans(X, 3, beta, init=init)
        gaps.append(np.abs(soft.centers - hard.centers).max())
    assert gaps[-1] < 1e-8
    assert gaps[-2] < gaps[0]
    stiff = gt.soft_kmeans(X, 3, 1e3, init=init)
    np.testing.assert_array_equal(stiff.labels, hard.labels)
    assert np.all((stiff.responsibilities < 1e-12) | (stiff.responsibilities > 1 - 1e-12))


def test_soft_kmeans_with_tiny_beta_puts_every_centre_at_the_mean():
    X, _, _ = anisotropic_mixture(K=3, D=2, N=300, seed=5)
    r = gt.soft_kmeans(X, 3, 1e-9, seed=0)
    np.testing.assert_allclose(r.centers, np.repeat(X.mean(axis=0)[None], 3, axis=0), atol=1e-5)
    np.testing.assert_allclose(r.responsibilities, 1 / 3, atol=1e-6)


def test_soft_kmeans_is_em_with_shared_spherical_variance():
    """r_nk = gamma_nk of a GMM with equal weights and Sigma = I / (2 beta)."""
    X, _, _ = anisotropic_mixture(K=3, D=2, N=200, seed=6)
    centers = gt.kmeans_plusplus(X, 3, seed=0)
    beta = 0.3
    p = gt.GMMParams(pi=np.full(3, 1 / 3), mu=centers, Sigma=np.repeat(np.eye(2)[None] / (2 * beta), 3, 0))
    r = gt.soft_kmeans(X, 3, beta, init=centers, max_iter=1)
    np.testing.assert_allclose(r.history[0][1], gt.responsibilities(X, p), atol=1e-12)
