"""fit_gmm, e_step and m_step against scikit-learn's GaussianMixture from the same start.

scikit-learn is the oracle: given the same weights, means and precisions and
tol=0, n iterations of both must agree to ~1e-8 for every covariance type.
"""

import warnings

import numpy as np
import pytest
from helpers import TYPES, anisotropic_mixture, start_params
from sklearn.mixture import GaussianMixture as SkGMM

import gmm_teach as gt
from gmm_teach.estimator import to_sklearn_covariances


def sklearn_precisions(p: gt.GMMParams):
    """Our full Sigma stack -> scikit-learn's precisions_init for p's type."""
    return to_sklearn_covariances(np.linalg.inv(p.Sigma), p.covariance_type)


def sklearn_from(p, n_iter, tol=0.0, reg_covar=1e-6):
    return SkGMM(
        n_components=p.K, covariance_type=p.covariance_type, weights_init=p.pi, means_init=p.mu,
        precisions_init=sklearn_precisions(p), tol=tol, max_iter=n_iter, reg_covar=reg_covar,
    )


@pytest.fixture(scope="module")
def data():
    X, _, _ = anisotropic_mixture(K=3, D=3, N=500, seed=7)
    return X


@pytest.mark.parametrize("covariance_type", TYPES)
@pytest.mark.parametrize("n_iter", [1, 20])
def test_fit_gmm_matches_sklearn(data, covariance_type, n_iter):
    X = data
    p0 = start_params(X, 3, covariance_type)
    ours = gt.fit_gmm(X, 3, init=p0, covariance_type=covariance_type, max_iter=n_iter, tol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's ConvergenceWarning at tol=0
        sk = sklearn_from(p0, n_iter).fit(X)
    p = ours.params
    assert ours.n_iter == sk.n_iter_ == n_iter
    np.testing.assert_allclose(p.pi, sk.weights_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(p.mu, sk.means_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(to_sklearn_covariances(p.Sigma, covariance_type), sk.covariances_,
                               rtol=1e-8, atol=1e-10)
    N = len(X)
    np.testing.assert_allclose(ours.log_likelihoods[-1] / N, sk.score(X), rtol=1e-10)
    # sklearn's lower_bound_ is the mean log-likelihood at its last E-step, before its last M-step.
    np.testing.assert_allclose(ours.log_likelihoods[-2] / N, sk.lower_bound_, rtol=1e-10)
    np.testing.assert_allclose(ours.gamma, sk.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_convergence_rule_matches_sklearn(data, covariance_type):
    """tol is on the mean log-likelihood per sample: same stopping iteration as sklearn."""
    X = data
    p0 = start_params(X, 3, covariance_type, seed=4)
    for tol in (1e-2, 1e-4):
        ours = gt.fit_gmm(X, 3, init=p0, covariance_type=covariance_type, max_iter=500, tol=tol)
        sk = sklearn_from(p0, 500, tol=tol).fit(X)
        assert ours.converged and sk.converged_
        assert ours.n_iter == sk.n_iter_
        np.testing.assert_allclose(ours.params.mu, sk.means_, rtol=1e-8, atol=1e-10)


def test_e_step_matches_sklearn(data):
    X = data
    p = start_params(X, 3, "full", seed=9)
    sk = sklearn_from(p, 1)
    sk.weights_, sk.means_ = p.pi, p.mu
    sk.precisions_cholesky_ = np.linalg.cholesky(np.linalg.inv(p.Sigma))
    sk.covariance_type = "full"
    log_norm, log_resp = sk._estimate_log_prob_resp(X)
    gamma, ll = gt.e_step(X, p)
    np.testing.assert_allclose(gamma, np.exp(log_resp), atol=1e-12)
    np.testing.assert_allclose(ll, log_norm.sum(), rtol=1e-12)
    np.testing.assert_allclose(gt.log_likelihood(X, p), ll, rtol=1e-14)
    np.testing.assert_allclose(gt.log_mixture_density(X, p), sk.score_samples(X), rtol=1e-12)


def test_history_and_log_likelihoods_line_up(data):
    X = data
    r = gt.fit_gmm(X, 3, seed=0, max_iter=15, tol=0)
    assert len(r.history) == len(r.log_likelihoods) == r.n_iter + 1 == 16
    assert r.history[-1] is r.params
    for p, ll in zip(r.history, r.log_likelihoods, strict=True):
        np.testing.assert_allclose(gt.log_likelihood(X, p), ll, rtol=1e-12)
    # One EM iteration is exactly one e_step then one m_step.
    gamma, _ = gt.e_step(X, r.history[4])
    p5 = gt.m_step(X, gamma)
    np.testing.assert_array_equal(p5.mu, r.history[5].mu)
    np.testing.assert_array_equal(p5.Sigma, r.history[5].Sigma)
