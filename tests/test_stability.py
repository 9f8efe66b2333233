"""Numerical stability: extreme scales, far outliers, duplicates and collapse. Never a NaN."""

import warnings

import numpy as np
import pytest
from helpers import TYPES, anisotropic_mixture

import gmm_teach as gt


def assert_all_finite(r):
    p = r.params
    for arr in (p.pi, p.mu, p.Sigma, r.gamma, r.log_likelihoods):
        assert np.isfinite(arr).all()
    np.testing.assert_allclose(r.gamma.sum(axis=1), 1.0, atol=1e-12)


@pytest.fixture(scope="module")
def data():
    return anisotropic_mixture(K=3, D=2, N=400, seed=5)[0]


@pytest.mark.parametrize("covariance_type", TYPES)
@pytest.mark.parametrize("scale", [1e6, 1e-6])
def test_scaled_data(data, covariance_type, scale):
    r = gt.fit_gmm(data * scale, 3, covariance_type=covariance_type, seed=0)
    assert_all_finite(r)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_scaling_up_changes_nothing_but_units(data, covariance_type):
    """At 1e6 the tiny reg_covar is negligible: the same responsibilities as unscaled."""
    base = gt.fit_gmm(data, 3, covariance_type=covariance_type, seed=0, tol=0, max_iter=30)
    p0 = base.history[0]
    scaled_start = gt.GMMParams(pi=p0.pi, mu=p0.mu * 1e6, Sigma=p0.Sigma * 1e12, covariance_type=covariance_type)
    big = gt.fit_gmm(data * 1e6, 3, init=scaled_start, covariance_type=covariance_type, tol=0, max_iter=30)
    assert_all_finite(big)
    np.testing.assert_allclose(big.gamma, base.gamma, atol=1e-5)  # reg_covar's share differs
    np.testing.assert_allclose(big.params.mu / 1e6, base.params.mu, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_a_point_1e8_away(data, covariance_type):
    X = np.vstack([data, [[1e8, -1e8]]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gt.DegenerateFitWarning)  # the outlier may get its own spike
        r = gt.fit_gmm(X, 3, covariance_type=covariance_type, seed=0)
    assert_all_finite(r)
    p = gt.fit_gmm(data, 3, seed=0).params
    gamma, ll = gt.e_step(X, p)
    assert np.isfinite(gamma).all() and np.isfinite(ll)


def test_naive_probability_space_would_fail_but_we_do_not(data):
    p = gt.fit_gmm(data, 3, seed=0).params
    x = np.array([[1e4, 1e4]])
    with np.errstate(all="ignore"):
        dens = np.array([p.pi[k] * np.exp(gt.log_gaussian(x, p.mu[k], p.Sigma[k])) for k in range(3)])
        naive = dens / dens.sum(axis=0)
    assert np.isnan(naive).all()  # 0 / 0
    gamma, _ = gt.e_step(x, p)
    assert np.isfinite(gamma).all() and gamma.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_many_duplicated_points(covariance_type):
    rng = np.random.default_rng(0)
    X = np.vstack([np.tile([[1.0, 2.0]], (300, 1)), rng.normal(size=(100, 2)) * [3, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gt.DegenerateFitWarning)  # a spike on the duplicates is expected
        r = gt.fit_gmm(X, 3, covariance_type=covariance_type, seed=0)
    assert_all_finite(r)


def test_only_duplicates_warns_and_stays_finite():
    X = np.tile([[1.0, 2.0]], (50, 1))
    with pytest.warns(gt.DegenerateFitWarning) as caught:
        r = gt.fit_gmm(X, 2, seed=0)
    messages = " ".join(str(w.message) for w in caught)
    assert "no points" in messages and "collapsed" in messages
    assert_all_finite(r)
    heavy = r.params.pi > 1e-9
    np.testing.assert_allclose(r.params.mu[heavy], [[1.0, 2.0]])


def test_singular_covariance_stops_em_with_a_warning():
    """reg_covar = 0 and three points on a line: the covariance becomes exactly singular."""
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [10.0, -3.0], [11.0, -1.0], [12.0, -4.0]])
    start = gt.GMMParams(pi=[0.5, 0.5], mu=[[1.0, 1.0], [11.0, -2.0]], Sigma=[np.eye(2), np.eye(2)])
    with pytest.warns(gt.DegenerateFitWarning, match="singular"):
        r = gt.fit_gmm(X, 2, init=start, reg_covar=0.0, tol=0, max_iter=50)
    assert not r.converged and r.n_iter < 50
    assert_all_finite(r)
    assert len(r.history) == len(r.log_likelihoods) == r.n_iter + 1


def test_collapse_onto_one_point_warns_and_the_likelihood_shoots_up():
    """An isolated point, a narrow component on it, reg_covar = 0: the textbook singularity."""
    X, _ = gt.datasets.heights(n=300)
    X = np.vstack([X, [[84.0]]])
    start = gt.GMMParams(pi=[0.05, 0.95], mu=[84.0, 67.0], Sigma=[4.0, 10.0])
    with pytest.warns(gt.DegenerateFitWarning, match="collapsed"):
        r = gt.fit_gmm(X, 2, init=start, reg_covar=0.0, tol=0, max_iter=20)
    assert_all_finite(r)
    assert r.params.Sigma[0, 0, 0] < 1e-20  # a spike on the point
    assert r.log_likelihoods[-1] - r.log_likelihoods[0] > 50
    # The same start with the default reg_covar still spikes (variance 1e-6) and says so.
    with pytest.warns(gt.DegenerateFitWarning, match="only reg_covar"):
        gt.fit_gmm(X, 2, init=start, tol=0, max_iter=20)


def test_good_data_fit_is_quiet():
    X, _ = gt.datasets.blobs()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gt.fit_gmm(X, 3, seed=0)


def test_positive_log_likelihood_is_fine():
    """Densities can exceed 1: tightly packed data give a positive log-likelihood."""
    X = gt.sample_gaussian([0.0], [[1e-4]], 500, seed=0)
    r = gt.fit_gmm(X, 1, seed=0)
    assert r.log_likelihoods[-1] > 0


def test_zero_weight_component_is_never_chosen(data):
    p = gt.GMMParams(pi=[0.0, 1.0], mu=[[0.0, 0.0], [1.0, 1.0]], Sigma=[np.eye(2), np.eye(2)])
    gamma, ll = gt.e_step(data, p)
    assert np.all(gamma[:, 0] == 0) and np.isfinite(ll)


def test_kmeans_on_duplicates_and_extremes():
    X = np.vstack([np.tile([[5.0, 5.0]], (20, 1)), [[1e8, 0.0]], np.zeros((10, 2))])
    r = gt.kmeans(X, 3, seed=0)
    assert np.isfinite(r.centers).all() and np.isfinite(r.inertia)
    s = gt.soft_kmeans(X, 3, beta=1e6, seed=0)
    assert np.isfinite(s.centers).all() and np.isfinite(s.responsibilities).all()


def test_log_sum_exp_of_a_row_of_minus_infinity_is_minus_infinity():
    from gmm_teach.em import log_sum_exp

    out = log_sum_exp(np.array([[-np.inf, -np.inf], [0.0, np.log(3.0)]]))
    assert out[0] == -np.inf and np.isclose(out[1], np.log(4.0))
