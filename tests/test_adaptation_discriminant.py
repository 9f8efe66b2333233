"""MAP adaptation of means and mixture discriminant analysis (notebooks/10, 11) against their oracles."""

import numpy as np
import pytest
from sklearn.discriminant_analysis import QuadraticDiscriminantAnalysis

import gmm_teach as gt
from gmm_teach import adaptation, discriminant


def _anisotropic(seed=0, n=300):
    rng = np.random.default_rng(seed)
    mu = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    A = rng.normal(size=(3, 2, 2))
    Sigma = np.einsum("kij,klj->kil", A, A) + 0.3 * np.eye(2)
    z = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    X = mu[z] + np.einsum("nij,nj->ni", np.linalg.cholesky(Sigma)[z], rng.standard_normal((n, 2)))
    return X, z, gt.GMMParams(np.array([0.5, 0.3, 0.2]), mu, Sigma)


def test_relevance_zero_gives_the_ml_m_step_means():
    X, _, prior = _anisotropic()
    X_new = X[:80] + np.array([1.5, -0.5])  # shifted new data
    adapted = adaptation.map_adapt_means(X_new, prior, r=0.0)
    gamma, _ = gt.e_step(X_new, prior)
    np.testing.assert_allclose(adapted.mu, gt.m_step(X_new, gamma).mu, rtol=1e-10)
    np.testing.assert_array_equal(adapted.Sigma, prior.Sigma)
    np.testing.assert_array_equal(adapted.pi, prior.pi)


def test_huge_relevance_keeps_the_prior_and_alpha_is_n_over_n_plus_r():
    X, _, prior = _anisotropic()
    np.testing.assert_allclose(adaptation.map_adapt_means(X[:50] + 3.0, prior, r=1e12).mu, prior.mu, atol=1e-8)
    np.testing.assert_allclose(adaptation.adaptation_coefficients([0.0, 4.0, 12.0], 4.0), [0.0, 0.5, 0.75])
    np.testing.assert_allclose(adaptation.adaptation_coefficients([0.0, 2.0], 0.0), [0.0, 1.0])


def test_one_component_adaptation_is_a_weighted_average_of_means():
    X = np.random.default_rng(4).normal(size=(12, 2)) + 3.0
    prior = gt.GMMParams(np.array([1.0]), np.zeros((1, 2)), np.eye(2)[None])
    r = 4.0
    expected = (12 * X.mean(axis=0) + r * 0.0) / (12 + r)
    np.testing.assert_allclose(adaptation.map_adapt_means(X, prior, r).mu[0], expected, rtol=1e-12)


def test_adaptation_errors_name_the_argument():
    X, _, prior = _anisotropic()
    with pytest.raises(ValueError, match="r must"):
        adaptation.map_adapt_means(X, prior, r=-1.0)
    with pytest.raises(TypeError, match="prior"):
        adaptation.map_adapt_means(X, "ubm")
    with pytest.raises(ValueError, match="N_k"):
        adaptation.adaptation_coefficients([-1.0], 2.0)


def test_mda_with_one_component_per_class_is_sklearn_qda():
    X, y, _ = _anisotropic(seed=5, n=400)
    model = discriminant.fit_mda(X, y, n_components=1, reg_covar=0.0)
    qda = QuadraticDiscriminantAnalysis(store_covariance=True).fit(X, y)
    N_c = np.bincount(y)
    ratio = qda.covariance_[0][0, 0] / model.mixtures[0].Sigma[0, 0, 0]
    if not np.isclose(ratio, 1.0):  # scikit-learn <= 1.8 divides by N_c - 1: rescale to compare
        assert np.isclose(ratio, N_c[0] / (N_c[0] - 1))
        model = discriminant.MixtureClassifier(model.priors, tuple(
            gt.GMMParams(p.pi, p.mu, p.Sigma * N_c[c] / (N_c[c] - 1)) for c, p in enumerate(model.mixtures)))
    grid = np.random.default_rng(6).uniform(-4, 8, size=(500, 2))
    np.testing.assert_allclose(discriminant.mda_predict_proba(grid, model), qda.predict_proba(grid),
                               rtol=1e-8, atol=1e-10)


def test_mda_uses_several_components_and_priors():
    rng = np.random.default_rng(7)
    X0 = np.vstack([rng.normal([-4, 0], 0.5, size=(150, 2)), rng.normal([4, 0], 0.5, size=(150, 2))])
    X1 = rng.normal([0, 0], 0.5, size=(100, 2))  # class 1 sits between class 0's two clouds
    X, y = np.vstack([X0, X1]), np.r_[np.zeros(300, int), np.ones(100, int)]
    one = discriminant.fit_mda(X, y, 1, tol=1e-8, max_iter=500)
    two = discriminant.fit_mda(X, y, [2, 1], tol=1e-8, max_iter=500)
    accuracy = [np.mean(discriminant.mda_predict(X, m) == y) for m in (one, two)]
    assert accuracy[1] > 0.99 > accuracy[0]
    np.testing.assert_allclose(two.priors, [0.75, 0.25])
    proba = discriminant.mda_predict_proba(X, two, priors=[0.5, 0.5])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="priors"):
        discriminant.mda_predict_proba(X, two, priors=[0.9, 0.9])
    with pytest.raises(ValueError, match="y must"):
        discriminant.fit_mda(X, y + 1)
