"""Bad input gets a ValueError or TypeError that names the argument and what was expected."""

import numpy as np
import pytest

import gmm_teach as gt
from gmm_teach import plotting

X_OK = np.random.default_rng(0).normal(size=(20, 2))
P_OK = gt.GMMParams(pi=[0.5, 0.5], mu=[[0.0, 0.0], [1.0, 1.0]], Sigma=[np.eye(2), np.eye(2)])
GAMMA_OK = np.full((20, 2), 0.5)


def with_nan():
    X = X_OK.copy()
    X[3, 1] = np.nan
    return X


def with_inf():
    X = X_OK.copy()
    X[0, 0] = np.inf
    return X


BAD_X = [
    (with_nan(), ValueError, r"X must contain only finite numbers; found NaN or inf \(first at index \(3, 1\)\)"),
    (with_inf(), ValueError, r"X must contain only finite.*inf"),
    (np.zeros((4, 2, 2)), ValueError, r"X must be a 2-D array of shape \(N, D\).*got 3-D"),
    ("heights.csv", TypeError, r"X must be an array of numbers, got a str"),
    ([["a", "b"], ["c", "d"]], TypeError, r"X must be an array of numbers"),
    (np.zeros((0, 2)), ValueError, r"X must have at least one row"),
    ([[1.0, 2.0], [3.0]], TypeError, r"X must be an array of numbers"),
    (np.ones((3, 2)) * 1j, TypeError, r"X must be real"),
]


@pytest.mark.parametrize("X,exc,match", BAD_X)
@pytest.mark.parametrize("call", [
    lambda X: gt.fit_gmm(X, 2),
    lambda X: gt.e_step(X, P_OK),
    lambda X: gt.log_likelihood(X, P_OK),
    lambda X: gt.kmeans(X, 2),
    lambda X: gt.soft_kmeans(X, 2, beta=1.0),
    lambda X: gt.log_gaussian(X, [0.0, 0.0], np.eye(2)),
    lambda X: gt.bic(X, P_OK),
    lambda X: gt.GaussianMixture(2).fit(X),
])
def test_bad_X_everywhere(call, X, exc, match):
    with pytest.raises(exc, match=match):
        call(X)


@pytest.mark.parametrize("K,exc,match", [
    (0, ValueError, r"K must be at least 1, got 0"),
    (-2, ValueError, r"K must be at least 1"),
    (21, ValueError, r"K=21 components need at least 21 data points, but X has only 20 rows"),
    (2.5, TypeError, r"K must be a whole number of components, got 2.5"),
    ("2", TypeError, r"K must be a whole number"),
    (True, TypeError, r"K must be a whole number"),
])
@pytest.mark.parametrize("fit", [gt.fit_gmm, gt.kmeans, lambda X, K: gt.soft_kmeans(X, K, 1.0)])
def test_bad_K(fit, K, exc, match):
    with pytest.raises(exc, match=match):
        fit(X_OK, K)


def test_bad_n_components_in_the_facade():
    with pytest.raises(ValueError, match=r"n_components=30 components need at least 30 data points"):
        gt.GaussianMixture(30).fit(X_OK)


@pytest.mark.parametrize("call", [
    lambda: gt.fit_gmm(X_OK, 2, covariance_type="diagonal"),
    lambda: gt.m_step(X_OK, GAMMA_OK, covariance_type="Full"),
    lambda: gt.GaussianMixture(2, covariance_type="round").fit(X_OK),
    lambda: gt.GMMParams(pi=[1.0], mu=[[0.0]], Sigma=[[[1.0]]], covariance_type="banana"),
    lambda: gt.n_parameters(2, 2, "block"),
])
def test_unknown_covariance_type(call):
    with pytest.raises(ValueError, match=r"covariance_type must be one of \('full', 'tied', 'diag', 'spherical'\)"):
        call()


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(pi=[0.5, 0.6]), ValueError, r"pi must sum to 1 .*got sum 1.1"),
    (dict(pi=[1.2, -0.2]), ValueError, r"pi must hold weights >= 0"),
    (dict(pi=[[0.5, 0.5]]), ValueError, r"pi must be a 1-D array of K weights"),
    (dict(pi=[0.5, np.nan]), ValueError, r"pi must contain only finite"),
    (dict(mu=[[0.0, 0.0]]), ValueError, r"mu must have shape \(K, D\) with K = len\(pi\) = 2, got shape \(1, 2\)"),
    (dict(mu="centre"), TypeError, r"mu must be an array of numbers"),
    (dict(Sigma=np.eye(2)), ValueError, r"Sigma must have shape \(K, D, D\) = \(2, 2, 2\), got shape \(2, 2\)"),
    (dict(Sigma=[np.eye(2), [[1.0, 2.0], [2.0, 1.0]]]), ValueError,
     r"Sigma\[1\] must be positive definite .*smallest eigenvalue is -1"),
    (dict(Sigma=[np.eye(2), [[1.0, 0.5], [0.0, 1.0]]]), ValueError, r"Sigma\[1\] must be symmetric"),
    (dict(Sigma=[np.eye(2), np.zeros((2, 2))]), ValueError, r"Sigma\[1\] must be positive definite"),
    (dict(Sigma=[np.eye(2), [[1.0, 0.3], [0.3, 1.0]]], covariance_type="diag"), ValueError,
     r"Sigma must be diagonal for covariance_type='diag'"),
    (dict(Sigma=[np.eye(2), np.diag([1.0, 2.0])], covariance_type="spherical"), ValueError,
     r"multiple of the identity for covariance_type='spherical'"),
    (dict(Sigma=[np.eye(2), 2 * np.eye(2)], covariance_type="tied"), ValueError,
     r"the same matrix for every component for covariance_type='tied'"),
])
def test_bad_params(kwargs, exc, match):
    args = dict(pi=[0.5, 0.5], mu=[[0.0, 0.0], [1.0, 1.0]], Sigma=[np.eye(2), np.eye(2)]) | kwargs
    with pytest.raises(exc, match=match):
        gt.GMMParams(**args)


def test_params_are_read_only():
    with pytest.raises(ValueError, match="read-only"):
        P_OK.mu[0, 0] = 5.0
    with pytest.raises(AttributeError):
        P_OK.pi = np.array([1.0])


@pytest.mark.parametrize("mu,Sigma,match", [
    ([0.0], np.eye(2), r"mu must have shape \(D,\) = \(2,\), got shape \(1,\)"),
    ([0.0, 0.0], np.eye(3), r"Sigma must have shape \(D, D\) = \(2, 2\), got shape \(3, 3\)"),
    ([0.0, 0.0], [[1.0, 0.0], [0.0, -1.0]], r"Sigma must be positive definite"),
    ([0.0, np.nan], np.eye(2), r"mu must contain only finite"),
])
def test_bad_log_gaussian_arguments(mu, Sigma, match):
    with pytest.raises(ValueError, match=match):
        gt.log_gaussian(X_OK, mu, Sigma)


@pytest.mark.parametrize("gamma,match", [
    (np.full((19, 2), 0.5), r"gamma must have shape \(N, K\) = \(20, K\), got shape \(19, 2\)"),
    (np.full((20, 2), 0.6), r"each row of gamma must sum to 1.*row 0 sums to 1.2"),
    (np.full((20, 2), np.nan), r"gamma must contain only finite"),
    (np.tile([1.5, -0.5], (20, 1)), r"gamma must hold probabilities in \[0, 1\]"),
    (np.ones(20), r"gamma must have shape \(N, K\)"),
])
def test_bad_gamma(gamma, match):
    with pytest.raises(ValueError, match=match):
        gt.m_step(X_OK, gamma)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: gt.m_step(X_OK, GAMMA_OK, reg_covar=-1.0), ValueError, r"reg_covar must be a finite number >= 0"),
    (lambda: gt.fit_gmm(X_OK, 2, tol="small"), TypeError, r"tol must be a number"),
    (lambda: gt.fit_gmm(X_OK, 2, max_iter=-1), ValueError, r"max_iter must be at least 0"),
    (lambda: gt.fit_gmm(X_OK, 2, max_iter=2.5), TypeError, r"max_iter must be a whole number"),
    (lambda: gt.fit_gmm(X_OK, 2, init="best"), ValueError, r"init must be 'kmeans\+\+', 'kmeans'"),
    (lambda: gt.fit_gmm(X_OK, 3, init=P_OK), ValueError, r"init has 2 components but K=3"),
    (lambda: gt.fit_gmm(X_OK, 2, seed="lucky"), TypeError, r"seed must be None, an int, a numpy"),
    (lambda: gt.fit_gmm(X_OK[:, :1], 2, init=P_OK), ValueError, r"p has D=2 features but X has 1 columns"),
    (lambda: gt.e_step(X_OK, {"pi": [1.0]}), TypeError, r"p must be a GMMParams .*, got dict"),
    (lambda: gt.sample_mixture({"pi": [1]}, 5), TypeError, r"p must be a GMMParams .*, got dict"),
    (lambda: gt.estimator.from_sklearn_precisions(np.eye(2), 1, 2, "bogus"), ValueError,
     r"covariance_type must be one of"),
    (lambda: gt.soft_kmeans(X_OK, 2, beta=0.0), ValueError, r"beta must be a finite number > 0, got 0.0"),
    (lambda: gt.soft_kmeans(X_OK, 2, beta=-3), ValueError, r"beta must be a finite number > 0"),
    (lambda: gt.kmeans(X_OK, 2, init=np.zeros((3, 2))), ValueError,
     r"init centres must have shape \(K, D\) = \(2, 2\), got \(3, 2\)"),
    (lambda: gt.kmeans(X_OK, 2, init="far"), ValueError, r"init must be 'kmeans\+\+', 'random' or a \(K, D\) array"),
    (lambda: gt.n_parameters(0, 2, "full"), ValueError, r"K must be at least 1"),
    (lambda: gt.n_parameters(2, 0, "full"), ValueError, r"D must be at least 1"),
    (lambda: gt.GaussianMixture(2, init_params="smart").fit(X_OK), ValueError, r"init_params must be one of"),
    (lambda: gt.GaussianMixture(2, n_init=0).fit(X_OK), ValueError, r"n_init must be at least 1"),
    (lambda: gt.GaussianMixture(2, precisions_init=np.eye(2)).fit(X_OK), ValueError,
     r"precisions_init must have shape \(2, 2, 2\) for covariance_type='full'"),
    (lambda: gt.prob_inside_ellipse(-1.0), ValueError, r"n_std must be >= 0"),
    (lambda: gt.datasets.heights(unit="feet"), ValueError, r"unit must be one of \['in', 'cm', 'mm'\]"),
    (lambda: gt.datasets.load_penguins(features=("beak",)), ValueError, r"unknown feature 'beak'"),
    (lambda: plotting.covariance_ellipse([0, 0], np.eye(2), n_std=0), ValueError, r"n_std must be > 0"),
    (lambda: plotting.plot_mixture_1d(X_OK, P_OK), ValueError, r"plot_mixture_1d needs one feature"),
])
def test_other_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
