"""icl, the responsibility entropy, mean and standard error across splits, the one-SE rule."""

import numpy as np
import pytest
from helpers import anisotropic_mixture
from scipy import special, stats

import gmm_teach as gt
from gmm_teach.model_selection import responsibility_entropy


def test_icl_equals_a_direct_computation():
    # Oracle: densities from scipy.stats, responsibilities and entropy written out by hand.
    X, _, _ = anisotropic_mixture(K=3, D=2, N=300, seed=3, spread=2.0)
    p = gt.fit_gmm(X, 3, seed=0).params
    dens = np.column_stack([p.pi[k] * stats.multivariate_normal(p.mu[k], p.Sigma[k]).pdf(X)
                            for k in range(3)])                          # (N, K)
    px = dens.sum(axis=1)
    gamma = dens / px[:, None]
    entropy = -np.sum(special.xlogy(gamma, gamma))                      # 0 log 0 = 0
    P = 2 + 3 * 2 + 3 * 3
    bic = -2 * np.log(px).sum() + P * np.log(len(X))
    np.testing.assert_allclose(gt.icl(X, p), bic + 2 * entropy, rtol=1e-10)
    assert gt.icl(X, p) > gt.bic(X, p)               # overlapping components are charged


def test_icl_equals_bic_for_one_component():
    X, _, _ = anisotropic_mixture(K=2, D=2, N=200, seed=1)
    p = gt.fit_gmm(X, 1).params
    np.testing.assert_allclose(gt.icl(X, p), gt.bic(X, p), rtol=1e-12)


def test_entropy_of_hard_and_uniform_responsibilities():
    assert responsibility_entropy(np.eye(3)[[0, 1, 2, 0]]) == 0.0
    np.testing.assert_allclose(responsibility_entropy(np.full((5, 4), 0.25)), 5 * np.log(4))
    with pytest.raises(ValueError, match="gamma"):
        responsibility_entropy(np.ones((3, 2)))


def test_mean_and_standard_error_by_hand():
    scores = np.array([[1.0, 2.0], [3.0, 2.0], [5.0, 2.0]])          # 3 splits, 2 models
    mean, se = gt.mean_and_standard_error(scores)
    np.testing.assert_allclose(mean, [3.0, 2.0])
    np.testing.assert_allclose(se, [2.0 / np.sqrt(3), 0.0])
    with pytest.raises(ValueError, match="2 splits"):
        gt.mean_and_standard_error(np.ones((1, 3)))


def test_one_standard_error_rule_picks_the_simplest_close_model():
    Ks = [1, 2, 3, 4]
    mean = np.array([-2.0, -1.45, -1.40, -1.42])
    assert gt.one_standard_error_rule(Ks, mean, np.full(4, 0.06)) == 2
    assert gt.one_standard_error_rule(Ks, mean, np.full(4, 0.01)) == 3
    with pytest.raises(ValueError, match="same length"):
        gt.one_standard_error_rule(Ks, mean[:3], np.ones(4))
