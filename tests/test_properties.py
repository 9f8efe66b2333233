"""Invariants that must hold for any data and parameters (hypothesis)."""

import warnings

import numpy as np
from helpers import SETTINGS, TYPES, assert_rises_until_collapse, random_spd
from hypothesis import assume, given
from hypothesis import strategies as st

import gmm_teach as gt


@st.composite
def mixtures(draw, max_K=4, max_D=4):
    """Random anisotropic parameters and data from them, with a few wild points added."""
    seed = draw(st.integers(0, 2**32 - 1))
    K = draw(st.integers(1, max_K))
    D = draw(st.integers(1, max_D))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    rng = np.random.default_rng(seed)
    p = gt.GMMParams(
        pi=rng.dirichlet(np.ones(K)),
        mu=rng.normal(scale=5 * scale, size=(K, D)),
        Sigma=np.stack([random_spd(D, rng) * scale**2 for _ in range(K)]),
    )
    N = draw(st.integers(K + 5, 120))
    X, _ = gt.sample_mixture(p, N, seed=rng)
    return X, p, rng


outliers = st.lists(st.sampled_from([1e3, -1e5, 1e8, -1e8]), min_size=0, max_size=3)


@SETTINGS
@given(mixtures(), outliers)
def test_responsibilities_are_finite_and_sum_to_one(mix, far):
    X, p, _ = mix
    if far:
        X = np.vstack([X, np.outer(far, np.ones(p.D))])  # points far from every component
    gamma, ll = gt.e_step(X, p)
    assert gamma.shape == (len(X), p.K)
    assert np.isfinite(gamma).all() and np.isfinite(ll)
    assert np.all(gamma >= 0) and np.all(gamma <= 1)
    np.testing.assert_allclose(gamma.sum(axis=1), 1.0, atol=1e-12)


@SETTINGS
@given(mixtures(max_K=3, max_D=3), st.sampled_from(TYPES))
def test_log_likelihood_never_decreases(mix, covariance_type):
    """EM's guarantee, with reg_covar = 0 (regularisation makes it a different objective)."""
    X, p, rng = mix
    K = p.K
    gamma = rng.dirichlet(np.ones(K), size=len(X))
    try:
        p0 = gt.m_step(X, gamma, covariance_type, reg_covar=0.0)
    except gt.DegenerateCovarianceError:
        assume(False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gt.DegenerateFitWarning)  # a collapse just ends the run early
        r = gt.fit_gmm(X, K, init=p0, covariance_type=covariance_type, max_iter=40, tol=0, reg_covar=0.0)
    assert_rises_until_collapse(r.log_likelihoods, r.history, scale=X.var(axis=0).mean())


@SETTINGS
@given(mixtures(), st.sampled_from(TYPES), st.sampled_from([0.0, 1e-6, 1e-2]))
def test_m_step_gives_valid_parameters(mix, covariance_type, reg_covar):
    X, p, rng = mix
    gamma = rng.dirichlet(np.full(p.K, 0.3), size=len(X))  # often nearly one-hot
    try:
        q = gt.m_step(X, gamma, covariance_type, reg_covar)
    except gt.DegenerateCovarianceError:
        assert reg_covar == 0.0  # only possible without regularisation
        return
    np.testing.assert_allclose(q.pi.sum(), 1.0, atol=1e-12)
    assert np.all(q.pi > 0)
    for Sigma_k in q.Sigma:
        np.testing.assert_allclose(Sigma_k, Sigma_k.T, rtol=1e-12, atol=1e-300)
        assert np.linalg.eigvalsh(Sigma_k).min() > 0
    assert q.covariance_type == covariance_type


@SETTINGS
@given(mixtures(max_D=3))
def test_log_likelihood_is_the_sum_of_log_densities(mix):
    X, p, _ = mix
    by_hand = np.log(sum(p.pi[k] * np.exp(gt.log_gaussian(X, p.mu[k], p.Sigma[k])) for k in range(p.K)))
    assume(np.isfinite(by_hand).all())  # probability space underflows where log space does not
    np.testing.assert_allclose(gt.log_mixture_density(X, p), by_hand, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(mixtures(max_K=3, max_D=3))
def test_elbo_is_a_lower_bound_that_the_e_step_makes_tight(mix):
    """Jensen: L(q, theta) <= log L(theta) for every q, with equality at q = gamma."""
    X, p, rng = mix
    q = rng.dirichlet(np.ones(p.K), size=len(X))
    ll = gt.log_likelihood(X, p)
    assert gt.elbo(X, p, q) <= ll + 1e-9 * abs(ll)
    gamma, _ = gt.e_step(X, p)
    np.testing.assert_allclose(gt.elbo(X, p, gamma), ll, rtol=1e-10, atol=1e-8)


def test_em_climbs_the_elbo_in_both_steps():
    """E-step: the bound rises to touch log L. M-step: the bound rises at fixed q; log L follows."""
    from helpers import anisotropic_mixture

    X, _, _ = anisotropic_mixture(K=3, D=2, N=300, seed=8)
    r = gt.fit_gmm(X, 3, seed=1, max_iter=10, tol=0, reg_covar=0.0)
    for before, after in zip(r.history[:-1], r.history[1:], strict=True):
        gamma, ll_before = gt.e_step(X, before)
        bound_after_m = gt.elbo(X, after, gamma)
        assert bound_after_m >= ll_before - 1e-9  # M-step raises the bound...
        assert gt.log_likelihood(X, after) >= bound_after_m - 1e-9  # ...and log L sits above it
