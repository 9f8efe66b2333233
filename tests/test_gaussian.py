"""log_gaussian, sampling and ellipse mass against scipy.stats."""

import numpy as np
import pytest
from helpers import random_spd
from scipy import stats

import gmm_teach as gt


@pytest.mark.parametrize("D", range(1, 11))
def test_log_gaussian_matches_scipy(D, rng):
    for _ in range(3):
        Sigma = random_spd(D, rng, low=0.01, high=100.0)
        mu = rng.normal(scale=5, size=D)
        X = rng.multivariate_normal(mu, Sigma, size=50) + rng.normal(scale=3, size=(50, D))
        expected = stats.multivariate_normal(mu, Sigma).logpdf(X)
        np.testing.assert_allclose(gt.log_gaussian(X, mu, Sigma), np.atleast_1d(expected), rtol=1e-10)


def test_log_gaussian_one_feature_forms():
    x = np.array([60.0, 65.0, 71.5])
    expected = stats.norm(65.0, 3.0).logpdf(x)
    for X in (x, x[:, None]):
        for mu, Sigma in ((65.0, 9.0), ([65.0], [[9.0]])):
            np.testing.assert_allclose(gt.log_gaussian(X, mu, Sigma), expected, rtol=1e-12)


def test_log_gaussian_is_finite_far_away():
    # exp(-0.5 * 1e16) underflows to 0 in probability space; in log space it is just a number.
    out = gt.log_gaussian([[1e8, -1e8]], [0.0, 0.0], [[1.0, 0.3], [0.3, 2.0]])
    assert np.isfinite(out).all() and out[0] < -1e15


def test_sample_gaussian_moments(rng):
    Sigma = random_spd(3, rng)
    mu = np.array([1.0, -2.0, 3.0])
    X = gt.sample_gaussian(mu, Sigma, 200_000, seed=0)
    np.testing.assert_allclose(X.mean(axis=0), mu, atol=0.05)
    np.testing.assert_allclose(np.cov(X.T), Sigma, atol=0.05 * np.abs(Sigma).max())


def test_sample_mixture_follows_the_generative_story(rng):
    p = gt.GMMParams(pi=[0.2, 0.8], mu=[[0.0, 0.0], [10.0, 0.0]], Sigma=[random_spd(2, rng), np.eye(2)])
    X, z = gt.sample_mixture(p, 50_000, seed=1)
    assert X.shape == (50_000, 2) and z.shape == (50_000,)
    assert abs(np.mean(z == 0) - 0.2) < 0.01
    np.testing.assert_allclose(X[z == 1].mean(axis=0), [10.0, 0.0], atol=0.03)
    # Same seed, same draw.
    np.testing.assert_array_equal(gt.sample_mixture(p, 100, seed=3)[0], gt.sample_mixture(p, 100, seed=3)[0])


@pytest.mark.parametrize("D", [1, 2, 3, 5])
def test_prob_inside_ellipse_is_the_chi2_cdf(D):
    k = np.array([0.5, 1.0, 2.0, 3.0])
    np.testing.assert_allclose(gt.prob_inside_ellipse(k, D), stats.chi2(D).cdf(k**2), rtol=1e-12)


def test_prob_inside_ellipse_2d_numbers():
    # In 2-D the k-sigma ellipse holds 1 - exp(-k^2/2): 39.3 %, 86.5 %, 98.9 % (not 68/95/99.7).
    np.testing.assert_allclose(gt.prob_inside_ellipse([1, 2, 3]), 1 - np.exp(-np.array([1, 4, 9]) / 2))
    np.testing.assert_allclose(np.round(gt.prob_inside_ellipse([1, 2, 3]), 3), [0.393, 0.865, 0.989])
    np.testing.assert_allclose(gt.prob_inside_ellipse([1, 2, 3], D=1), [0.6827, 0.9545, 0.9973], atol=1e-4)


def test_prob_inside_ellipse_by_monte_carlo(rng):
    Sigma = random_spd(2, rng)
    X = gt.sample_gaussian([0, 0], Sigma, 100_000, seed=2)
    d2 = np.einsum("nd,de,ne->n", X, np.linalg.inv(Sigma), X)
    for k in (1, 2, 3):
        assert abs(np.mean(d2 <= k**2) - gt.prob_inside_ellipse(k)) < 0.005
