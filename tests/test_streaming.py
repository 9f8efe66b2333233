"""Streaming EM: sufficient statistics summed over chunks give the in-memory EM's parameters to 1e-10."""

import warnings

import numpy as np
import pytest
from helpers import TYPES, anisotropic_mixture, start_params

import gmm_teach as gt
from gmm_teach import streaming


def uneven_chunks(X, cuts=(0.23, 0.2301, 0.61)):
    """Chunks of very different sizes, one of them a single row."""
    edges = [0, *(int(c * len(X)) for c in cuts), len(X)]
    edges[2] = edges[1] + 1
    return [X[a:b] for a, b in zip(edges[:-1], edges[1:], strict=True)]


def assert_close(q, p, rtol=1e-10):
    np.testing.assert_allclose(q.pi, p.pi, rtol=rtol, atol=1e-14)
    np.testing.assert_allclose(q.mu, p.mu, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(q.Sigma, p.Sigma, rtol=rtol, atol=1e-12)


@pytest.fixture(scope="module")
def data():
    X, _, _ = anisotropic_mixture(K=3, D=3, N=2000, seed=21)
    return X + 50.0  # away from the origin: raw second moments would lose digits here


@pytest.mark.parametrize("covariance_type", TYPES)
def test_one_pass_equals_the_in_memory_iteration(data, covariance_type):
    p = start_params(data, 3, covariance_type, seed=3)
    stats = streaming.pass_over_chunks(uneven_chunks(data), p)
    gamma, ll = gt.e_step(data, p)
    assert stats.n == len(data)
    np.testing.assert_allclose(stats.N_k, gamma.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(stats.sum_x, gamma.T @ data, rtol=1e-12)
    np.testing.assert_allclose(stats.log_likelihood, ll, rtol=1e-12)
    assert_close(streaming.m_step_from_stats(stats, covariance_type), gt.m_step(data, gamma, covariance_type))


@pytest.mark.parametrize("covariance_type", TYPES)
def test_chunked_fit_equals_in_memory_fit(data, covariance_type):
    p0 = start_params(data, 3, covariance_type, seed=5)
    ours = gt.fit_gmm(data, 3, init=p0, covariance_type=covariance_type, max_iter=40, tol=0)
    chunked = streaming.fit_gmm_chunked(uneven_chunks(data), p0, covariance_type, max_iter=40, tol=0)
    assert chunked.n_iter == ours.n_iter == 40 and chunked.gamma is None
    assert_close(chunked.params, ours.params)
    np.testing.assert_allclose(chunked.log_likelihoods, ours.log_likelihoods, rtol=1e-10)
    assert len(chunked.history) == len(chunked.log_likelihoods) == 41


def test_convergence_rule_matches(data):
    p0 = start_params(data, 3, "full", seed=6)
    ours = gt.fit_gmm(data, 3, init=p0, tol=1e-4, max_iter=500)
    chunked = streaming.fit_gmm_chunked(uneven_chunks(data), p0, tol=1e-4, max_iter=500)
    assert chunked.converged and ours.converged and chunked.n_iter == ours.n_iter
    assert_close(chunked.params, ours.params)


def test_memory_mapped_file(tmp_path, data):
    path = tmp_path / "X.npy"
    np.save(path, data)
    X_disk = np.load(path, mmap_mode="r")
    chunks = [X_disk[i:i + 300] for i in range(0, len(X_disk), 300)]
    p0 = start_params(data, 3, "full", seed=7)
    chunked = streaming.fit_gmm_chunked(chunks, p0, max_iter=15, tol=0)
    assert_close(chunked.params, gt.fit_gmm(data, 3, init=p0, max_iter=15, tol=0).params)


def test_float32_chunks_are_read_as_float64(data):
    data32 = data.astype(np.float32)
    p = start_params(data, 3, "diag", seed=8)
    stats = streaming.sufficient_stats(data32, p)
    gamma, ll = gt.e_step(data32.astype(np.float64), p)
    np.testing.assert_allclose(stats.log_likelihood, ll, rtol=1e-12)


def test_stats_of_different_passes_do_not_add(data):
    p = start_params(data, 3, "full", seed=1)
    q = start_params(data, 3, "full", seed=2)
    with pytest.raises(ValueError, match="same parameters"):
        streaming.sufficient_stats(data[:10], p) + streaming.sufficient_stats(data[10:20], q)


def test_bad_input():
    p = gt.GMMParams(pi=[1.0], mu=[[0.0, 0.0]], Sigma=[np.eye(2)])
    with pytest.raises(ValueError, match="chunks must hold at least one chunk"):
        streaming.pass_over_chunks([], p)
    with pytest.raises(TypeError, match="init must be a GMMParams"):
        streaming.fit_gmm_chunked([np.zeros((3, 2))], "kmeans++")
    with pytest.raises(ValueError, match=r"X must contain only finite numbers"):
        streaming.sufficient_stats(np.array([[0.0, np.nan]]), p)
    with pytest.raises(ValueError, match="p has D=2 features but X has 3 columns"):
        streaming.sufficient_stats(np.zeros((4, 3)), p)
    with pytest.raises(ValueError, match="covariance_type must be one of"):
        streaming.fit_gmm_chunked([np.zeros((3, 2))], p, covariance_type="round")


def test_collapse_stops_with_the_same_warning():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [10.0, -3.0], [11.0, -1.0], [12.0, -4.0]])
    start = gt.GMMParams(pi=[0.5, 0.5], mu=[[1.0, 1.0], [11.0, -2.0]], Sigma=[np.eye(2), np.eye(2)])
    with pytest.warns(gt.DegenerateFitWarning, match="singular"):
        r = streaming.fit_gmm_chunked([X[:4], X[4:]], start, reg_covar=0.0, tol=0, max_iter=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = gt.fit_gmm(X, 2, init=start, reg_covar=0.0, tol=0, max_iter=50)
    assert r.n_iter == ours.n_iter and not r.converged


# ---- stochastic (mini-batch) EM


def test_recentre_matches_the_scatter_computed_directly(data):
    p = start_params(data, 3, "full", seed=3)
    c = p.mu + np.array([[3.0, -1.0, 0.5], [0.0, 2.0, -4.0], [1.0, 1.0, 1.0]])
    moved = streaming.recentre_stats(streaming.sufficient_stats(data, p), c)
    gamma = gt.e_step(data, p)[0]
    direct = np.stack([(gamma[:, k, None] * (data - c[k])).T @ (data - c[k]) for k in range(3)])  # oracle
    np.testing.assert_allclose(moved.scatter, direct, rtol=1e-10)
    np.testing.assert_array_equal(moved.centre, c)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_blend_of_two_halves_is_the_m_step_of_the_whole(data, covariance_type):
    # rho = 1/2 on two equal halves, statistics taken under DIFFERENT parameters: the blend is the
    # sum of the two sets of sums, so its M-step is the one-hot-free M-step of each half's own gamma
    p, q = start_params(data, 3, "full", seed=3), start_params(data, 3, "full", seed=4)
    A, B = data[:1000], data[1000:]
    blended = streaming.blend_stats(streaming.sufficient_stats(A, p), streaming.sufficient_stats(B, q), 0.5)
    gamma = np.vstack([gt.e_step(A, p)[0], gt.e_step(B, q)[0]])  # (N, K)
    expected = gt.m_step(data, gamma, covariance_type)
    assert_close(streaming.m_step_from_stats(blended, covariance_type), expected, rtol=1e-9)


def test_stochastic_em_with_rho_one_and_one_batch_is_one_em_iteration(data):
    p = start_params(data, 3, "full", seed=3)
    history = streaming.stochastic_em([data, data], p, rho=lambda t: 1.0)
    assert len(history) == 3
    once = gt.m_step(data, gt.e_step(data, p)[0])
    assert_close(history[1], once)
    assert_close(history[2], gt.m_step(data, gt.e_step(data, once)[0]))  # rho = 1: plain EM on each batch


def test_stochastic_em_gets_near_the_in_memory_optimum(data):
    p = start_params(data, 3, "full", seed=3)
    best = gt.fit_gmm(data, 3, init=p, tol=1e-10, max_iter=500).params
    rng = np.random.default_rng(0)
    batches = [data[rng.choice(len(data), 100, replace=False)] for _ in range(300)]
    last = streaming.stochastic_em(batches, p)[-1]
    order = gt.checks.align_components(last.mu, best.mu)
    np.testing.assert_allclose(last.mu[order], best.mu, atol=0.3)  # near, not equal: it is noisy
    assert not np.allclose(last.mu[order], best.mu, atol=1e-6)


def test_blend_rejects_bad_rho(data):
    p = start_params(data, 3, "full", seed=3)
    s = streaming.sufficient_stats(data[:50], p)
    for rho in (0.0, 1.5, -0.1):
        with pytest.raises(ValueError, match="rho"):
            streaming.blend_stats(s, s, rho)
