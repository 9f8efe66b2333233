"""Supervised and semi-supervised mixtures (gmm_teach.semisupervised) against independent oracles.

All labels known: exactly the supervised maximum-likelihood fit (one-hot M-step), which is
scikit-learn's QDA (full) / LDA (tied). No labels: exactly fit_gmm from the same start.
In between: labelled responsibilities stay one-hot and the objective never decreases.
"""

import inspect
import warnings

import numpy as np
import pytest
from helpers import SETTINGS, TYPES, anisotropic_mixture, assert_rises_until_collapse, random_spd, start_params
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis

import gmm_teach as gt
from gmm_teach import semisupervised as ss


@pytest.fixture(scope="module")
def data():
    X, z, p = anisotropic_mixture(K=3, D=3, N=400, seed=11)
    return X, z, p


def partial_labels(z, fraction, seed=0):
    rng = np.random.default_rng(seed)
    y = z.copy()
    y[rng.uniform(size=len(z)) >= fraction] = -1
    return y


# ---------------------------------------------------------------- supervised: one-hot M-step


def test_one_hot():
    np.testing.assert_array_equal(ss.one_hot([2, 0, 1, 2], 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert ss.one_hot(np.array([0.0, 1.0]), 3).shape == (2, 3)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_all_labelled_is_the_supervised_mle(data, covariance_type):
    X, z, _ = data
    supervised = gt.m_step(X, ss.one_hot(z, 3), covariance_type, reg_covar=0.0)
    r = ss.fit_semisupervised(X, z, 3, covariance_type=covariance_type, reg_covar=0.0)
    assert r.converged
    assert r.params == supervised  # exactly, not approximately
    np.testing.assert_array_equal(r.gamma, ss.one_hot(z, 3))


def test_supervised_mle_is_class_frequencies_means_and_covariances(data):
    X, z, _ = data
    p = gt.m_step(X, ss.one_hot(z, 3), "full", reg_covar=0.0)
    for k in range(3):
        Xk = X[z == k]
        np.testing.assert_allclose(p.pi[k], len(Xk) / len(X), rtol=1e-12)
        np.testing.assert_allclose(p.mu[k], Xk.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(p.Sigma[k], np.cov(Xk.T, bias=True), rtol=1e-10)


def _qda_covariance_ratio(sk_qda, p, counts):
    """scikit-learn >= 1.9 divides by N_k (as we do); earlier versions by N_k - 1. Return the ratio it used."""
    ratio = np.array([sk_qda.covariance_[k][0, 0] / p.Sigma[k, 0, 0] for k in range(p.K)])
    assert np.allclose(ratio, 1.0, rtol=1e-9) or np.allclose(ratio, counts / (counts - 1), rtol=1e-9)
    return ratio


def test_qda_is_a_full_supervised_gmm(data):
    X, z, _ = data
    p = gt.m_step(X, ss.one_hot(z, 3), "full", reg_covar=0.0)
    sk = QuadraticDiscriminantAnalysis(store_covariance=True).fit(X, z)
    ratio = _qda_covariance_ratio(sk, p, np.bincount(z))
    matched = gt.GMMParams(p.pi, p.mu, p.Sigma * ratio[:, None, None])
    np.testing.assert_allclose(gt.responsibilities(X, matched), sk.predict_proba(X), atol=1e-10)
    np.testing.assert_allclose(p.pi, sk.priors_, rtol=1e-12)


def test_lda_is_a_tied_supervised_gmm(data):
    X, z, _ = data
    p = gt.m_step(X, ss.one_hot(z, 3), "tied", reg_covar=0.0)
    # The lsqr solver uses the maximum-likelihood pooled covariance in every scikit-learn version.
    sk = LinearDiscriminantAnalysis(solver="lsqr", store_covariance=True).fit(X, z)
    np.testing.assert_allclose(p.Sigma[0], sk.covariance_, rtol=1e-10)
    np.testing.assert_allclose(gt.responsibilities(X, p), sk.predict_proba(X), atol=1e-10)


# ---------------------------------------------------------------- no labels: plain EM


@pytest.mark.parametrize("covariance_type", TYPES)
def test_no_labels_is_fit_gmm_from_the_same_start(data, covariance_type):
    X, _, _ = data
    p0 = start_params(X, 3, covariance_type)
    ours = ss.fit_semisupervised(X, np.full(len(X), -1), 3, init=p0, covariance_type=covariance_type, max_iter=30)
    ref = gt.fit_gmm(X, 3, init=p0, covariance_type=covariance_type, max_iter=30)
    assert ours.n_iter == ref.n_iter and ours.converged == ref.converged
    np.testing.assert_allclose(ours.log_likelihoods, ref.log_likelihoods, rtol=1e-10)
    np.testing.assert_allclose(ours.params.mu, ref.params.mu, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.params.Sigma, ref.params.Sigma, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.gamma, ref.gamma, atol=1e-10)


# ---------------------------------------------------------------- some labels


def test_objective_against_scipy(data):
    """sum over labelled of log pi_y N(x | y) + sum over unlabelled of log sum_k pi_k N(x | k), by scipy."""
    X, z, p = data
    y = partial_labels(z, 0.3)
    dens = np.column_stack([p.pi[k] * multivariate_normal(p.mu[k], p.Sigma[k]).pdf(X) for k in range(3)])
    labelled = y >= 0
    expected = np.sum(np.log(dens[labelled, y[labelled]])) + np.sum(np.log(dens[~labelled].sum(axis=1)))
    np.testing.assert_allclose(ss.log_likelihood_semisupervised(X, y, p), expected, rtol=1e-10)


def test_e_step_clamps_labelled_rows_and_leaves_the_rest(data):
    X, z, p = data
    y = partial_labels(z, 0.3)
    gamma, _ = ss.e_step_semisupervised(X, y, p)
    labelled = y >= 0
    np.testing.assert_array_equal(gamma[labelled], np.eye(3)[y[labelled]])
    np.testing.assert_allclose(gamma[~labelled], gt.responsibilities(X, p)[~labelled], atol=1e-14)


def test_clamp_labels():
    gamma = np.array([[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]])
    out = ss.clamp_labels(gamma, [-1, 1, 0])
    np.testing.assert_array_equal(out, [[0.2, 0.8], [0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(gamma[1], [0.6, 0.4])  # the input is not modified


def test_labels_fix_label_switching(data):
    """Started from the labelled points (init="labels"), component k is class k: no label switching."""
    X, z, _ = data
    for seed in range(4):
        rng = np.random.default_rng(seed)
        labelled = np.concatenate([rng.choice(np.flatnonzero(z == k), 3, replace=False) for k in range(3)])
        y = np.full(len(z), -1)
        y[labelled] = z[labelled]
        r = ss.fit_semisupervised(X, y, 3)
        assert np.mean(r.gamma.argmax(axis=1) == z) > 0.9


def test_initial_params_from_labels(data):
    X, z, _ = data
    y = partial_labels(z, 0.1)
    p = ss.initial_params_from_labels(X, y, 3, "diag")
    for k in range(3):
        np.testing.assert_allclose(p.mu[k], X[y == k].mean(axis=0))
    np.testing.assert_allclose(p.Sigma[0], np.diag(X.var(axis=0)) + 1e-6 * np.eye(3))
    np.testing.assert_allclose(p.pi, 1 / 3)


@st.composite
def labelled_mixtures(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    K, D = draw(st.integers(2, 3)), draw(st.integers(1, 3))
    rng = np.random.default_rng(seed)
    p = gt.GMMParams(pi=rng.dirichlet(np.full(K, 3.0)), mu=rng.normal(scale=4, size=(K, D)),
                     Sigma=np.stack([random_spd(D, rng) for _ in range(K)]))
    X, z = gt.sample_mixture(p, draw(st.integers(30, 120)), seed=rng)
    y = np.where(rng.uniform(size=len(z)) < draw(st.sampled_from([0.0, 0.05, 0.3, 0.9])), z, -1)
    return X, y, K, rng


@SETTINGS
@given(labelled_mixtures(), st.sampled_from(TYPES))
def test_objective_never_decreases(mix, covariance_type):
    X, y, K, rng = mix
    try:
        p0 = gt.m_step(X, ss.clamp_labels(rng.dirichlet(np.ones(K), size=len(X)), y), covariance_type, reg_covar=0.0)
    except gt.DegenerateCovarianceError:
        assume(False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gt.DegenerateFitWarning)  # a collapse just ends the run early
        r = ss.fit_semisupervised(X, y, K, init=p0, covariance_type=covariance_type, max_iter=30, tol=0,
                                  reg_covar=0.0)
    assert_rises_until_collapse(r.log_likelihoods, r.history, scale=X.var(axis=0).mean())
    labelled = y >= 0
    np.testing.assert_array_equal(r.gamma[labelled], np.eye(K)[y[labelled]])


def test_far_outliers_stay_finite(data):
    X, z, p = data
    X_far = np.vstack([X, [[1e6, -1e6, 1e6]], [[-1e8, 0, 0]]])
    y = np.concatenate([partial_labels(z, 0.2), [-1, 0]])
    gamma, ll = ss.e_step_semisupervised(X_far, y, p)
    assert np.isfinite(gamma).all() and np.isfinite(ll)
    np.testing.assert_allclose(gamma.sum(axis=1), 1.0)
    np.testing.assert_allclose(logsumexp(np.log(gamma[:-2] + 1e-300), axis=1), 0.0, atol=1e-12)


# ---------------------------------------------------------------- bad input


X_OK = np.random.default_rng(0).normal(size=(6, 2))


@pytest.mark.parametrize("call,exc,match", [
    (lambda: ss.fit_semisupervised(X_OK, [0, 1, -1], 2), ValueError, r"y_partial must have shape \(N,\) = \(6,\)"),
    (lambda: ss.fit_semisupervised(X_OK, [0, 1, 2, -1, -1, -1], 2), ValueError, r"y_partial must hold labels -1"),
    (lambda: ss.fit_semisupervised(X_OK, [0, 1, -2, -1, -1, -1], 2), ValueError, r"y_partial must hold labels"),
    (lambda: ss.fit_semisupervised(X_OK, [0, 1, 0.5, -1, -1, -1], 2), TypeError, r"y_partial must hold whole"),
    (lambda: ss.fit_semisupervised(X_OK, [0, 1, np.nan, -1, -1, -1], 2), TypeError, r"y_partial must hold whole"),
    (lambda: ss.fit_semisupervised(X_OK, "abc", 2), TypeError, r"y_partial must be an array of integer labels"),
    (lambda: ss.fit_semisupervised(X_OK, [True] * 6, 2), TypeError, r"y_partial must hold whole"),
    (lambda: ss.fit_semisupervised(X_OK, [0, -1, -1, -1, -1, -1], 2), ValueError,
     r"at least one labelled point of every class.*\[1\].*init='kmeans\+\+'"),
    (lambda: ss.fit_semisupervised(X_OK, [0] * 6, 0), ValueError, r"K must be at least 1"),
    (lambda: ss.fit_semisupervised(X_OK, [0] * 6, 7), ValueError, r"K=7 components need at least 7"),
    (lambda: ss.fit_semisupervised(X_OK, [0, 1] * 3, 2, covariance_type="banana"), ValueError,
     r"covariance_type must be one of"),
    (lambda: ss.fit_semisupervised(X_OK, [0, 1] * 3, 2, max_iter=-1), ValueError, r"max_iter must be at least 0"),
    (lambda: ss.one_hot([0, 3], 3), ValueError, r"y must hold labels 0\.\.2"),
    (lambda: ss.one_hot([0, -1], 3), ValueError, r"y must hold labels 0\.\.2"),
    (lambda: ss.one_hot([[0, 1]], 3), ValueError, r"y must be a 1-D array"),
    (lambda: ss.one_hot([0, 1], 2.0), TypeError, r"K must be a whole number"),
    (lambda: ss.clamp_labels([[0.5, 0.5]] * 3, [3, 0, 0]), ValueError,
     r"y_partial must hold labels -1 \(unlabelled\) or 0\.\.1"),
    (lambda: ss.clamp_labels([[0.5, 0.6]] * 3, [0, 0, 0]), ValueError, r"each row of gamma must sum to 1"),
    (lambda: ss.clamp_labels([0.5, 0.5], [0]), ValueError, r"gamma must have shape \(N, K\)"),
])
def test_bad_input_names_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---------------------------------------------------------------- style


def test_docstrings_are_equations():
    """(The one-screen length rule is tests/test_package.py's, for every maths module.)"""
    for name in ("one_hot", "clamp_labels", "e_step_semisupervised", "log_likelihood_semisupervised",
                 "fit_semisupervised", "initial_params_from_labels"):
        assert "=" in inspect.getdoc(getattr(ss, name)).splitlines()[0]
    assert "notebooks/07" in inspect.getdoc(ss)
