"""The GaussianMixture facade: scikit-learn's names, shapes and semantics."""

import warnings

import numpy as np
import pytest
from helpers import TYPES, anisotropic_mixture
from sklearn.mixture import GaussianMixture as SkGMM

import gmm_teach as gt
from gmm_teach.estimator import to_sklearn_covariances


@pytest.fixture(scope="module")
def data():
    return anisotropic_mixture(K=3, D=2, N=500, seed=21)[0]


@pytest.mark.parametrize("covariance_type", TYPES)
def test_same_start_same_fit_as_sklearn(data, covariance_type):
    X = data
    sk0 = SkGMM(3, covariance_type=covariance_type, random_state=0, max_iter=2).fit(X)
    kwargs = dict(covariance_type=covariance_type, weights_init=sk0.weights_ / sk0.weights_.sum(),
                  means_init=sk0.means_, precisions_init=sk0.precisions_, tol=1e-6, max_iter=300)
    ours = gt.GaussianMixture(3, **kwargs).fit(X)
    sk = SkGMM(3, **kwargs).fit(X)
    assert ours.n_iter_ == sk.n_iter_ and ours.converged_ == sk.converged_
    for name in ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_"):
        a, b = getattr(ours, name), getattr(sk, name)
        assert a.shape == b.shape, name
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9, err_msg=name)
    np.testing.assert_allclose(ours.score(X), sk.score(X), rtol=1e-10)
    np.testing.assert_allclose(ours.score_samples(X), sk.score_samples(X), rtol=1e-9)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-7)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))
    np.testing.assert_allclose(ours.bic(X), sk.bic(X), rtol=1e-9)
    np.testing.assert_allclose(ours.aic(X), sk.aic(X), rtol=1e-9)


def test_score_is_the_mean_per_sample(data):
    gm = gt.GaussianMixture(3, random_state=0).fit(data)
    assert np.isclose(gm.score(data), gt.log_likelihood(data, gm.params_) / len(data))


def test_fit_is_good_from_its_own_start(data):
    """Independent starts: both find the same optimum (up to component order)."""
    ours = gt.GaussianMixture(3, random_state=0, n_init=3).fit(data)
    sk = SkGMM(3, random_state=0, n_init=3).fit(data)
    assert abs(ours.score(data) - sk.score(data)) < 1e-3
    order_ours, order_sk = np.argsort(ours.means_[:, 0]), np.argsort(sk.means_[:, 0])
    np.testing.assert_allclose(ours.means_[order_ours], sk.means_[order_sk], atol=1e-2)


def test_n_init_keeps_the_best(data):
    """n_init runs EM from n_init starts drawn from one generator and keeps the best."""
    rng = np.random.default_rng(0)
    scores = []
    for _ in range(5):
        p0 = gt.initial_params(data, 3, "random", "full", 1e-6, rng)
        scores.append(gt.fit_gmm(data, 3, init=p0).log_likelihoods[-1] / len(data))
    assert np.ptp(scores) > 1e-4  # the starts really differ
    gm = gt.GaussianMixture(3, random_state=0, init_params="random", n_init=5).fit(data)
    np.testing.assert_allclose(gm.score(data), max(scores), rtol=1e-12)


@pytest.mark.parametrize("init", ["kmeans", "k-means++", "random", "random_from_data"])
def test_every_init_params_runs(data, init):
    gm = gt.GaussianMixture(3, init_params=init, random_state=1).fit(data)
    assert gm.converged_ and np.isfinite(gm.score(data))


def test_non_convergence_warns(data):
    with pytest.warns(gt.ConvergenceWarning, match="did not converge"):
        gt.GaussianMixture(3, max_iter=1, random_state=0).fit(data)


def test_sample_and_shapes(data):
    gm = gt.GaussianMixture(3, covariance_type="diag", random_state=0).fit(data)
    Xs, ys = gm.sample(1000)
    assert Xs.shape == (1000, 2) and ys.shape == (1000,) and set(ys) <= {0, 1, 2}
    assert gm.covariances_.shape == (3, 2)
    assert gm.fit_predict(data).shape == (500,)
    assert gm.n_features_in_ == 2


def test_not_fitted():
    with pytest.raises(gt.NotFittedError, match="fit"):
        gt.GaussianMixture(2).predict(np.zeros((3, 2)))


def test_get_set_params():
    gm = gt.GaussianMixture(2, covariance_type="tied")
    assert gm.get_params()["covariance_type"] == "tied"
    gm.set_params(n_components=4)
    assert gm.n_components == 4
    with pytest.raises(ValueError, match="unknown parameter"):
        gm.set_params(colour="red")
    assert "n_components=4" in repr(gm)


def test_sklearn_shapes_of_covariances():
    Sigma = np.repeat(np.diag([2.0, 3.0])[None], 3, axis=0)
    shapes = {t: to_sklearn_covariances(Sigma, t).shape for t in TYPES}
    assert shapes == {"full": (3, 2, 2), "tied": (2, 2), "diag": (3, 2), "spherical": (3,)}


def test_quiet_on_good_data(data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gt.GaussianMixture(3, random_state=0).fit(data)
