"""n_parameters, bic and aic against scikit-learn for all four covariance types."""

import numpy as np
import pytest
from helpers import TYPES, anisotropic_mixture
from sklearn.mixture import GaussianMixture as SkGMM

import gmm_teach as gt
from gmm_teach.estimator import from_sklearn_precisions


@pytest.mark.parametrize("covariance_type", TYPES)
@pytest.mark.parametrize("K,D", [(1, 1), (2, 1), (3, 2), (4, 5), (7, 10)])
def test_n_parameters_matches_sklearn(covariance_type, K, D):
    sk = SkGMM(n_components=K, covariance_type=covariance_type)
    sk.means_ = np.zeros((K, D))
    assert gt.n_parameters(K, D, covariance_type) == sk._n_parameters()


def test_n_parameters_by_hand():
    # 2-D, K = 3: 2 weights + 6 means + covariances (full 9, tied 3, diag 6, spherical 3).
    assert [gt.n_parameters(3, 2, t) for t in TYPES] == [17, 11, 14, 11]


@pytest.mark.parametrize("covariance_type", TYPES)
@pytest.mark.parametrize("K", [1, 2, 4])
def test_bic_aic_match_sklearn(covariance_type, K):
    X, _, _ = anisotropic_mixture(K=3, D=3, N=400, seed=11)
    sk = SkGMM(n_components=K, covariance_type=covariance_type, random_state=0).fit(X)
    Sigma = from_sklearn_precisions(sk.precisions_, K, 3, covariance_type)
    p = gt.GMMParams(pi=sk.weights_ / sk.weights_.sum(), mu=sk.means_, Sigma=Sigma,
                     covariance_type=covariance_type)
    np.testing.assert_allclose(gt.bic(X, p), sk.bic(X), rtol=1e-9)
    np.testing.assert_allclose(gt.aic(X, p), sk.aic(X), rtol=1e-9)


def test_bic_picks_two_components_on_galton():
    X, _ = gt.datasets.load_galton()
    bics = [gt.bic(X, gt.fit_gmm(X, K, seed=0, tol=1e-8, max_iter=2000).params) for K in (1, 2, 3, 4)]
    assert int(np.argmin(bics)) + 1 == 2
