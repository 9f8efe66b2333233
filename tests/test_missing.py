"""EM with missing values (gmm_teach.missing) against independent oracles.

With nothing missing it is exactly fit_gmm. The observed-data log-likelihood matches scipy on
the observed sub-vectors; the conditional mean and covariance match the textbook formulas via
the joint precision matrix; one EM step matches a naive point-by-point implementation; and the
observed-data log-likelihood never decreases.
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

import gmm_teach as gt
from gmm_teach import missing as ms


def remove_at_random(X, rate, seed=0):
    """MCAR: each value missing with probability ``rate``; every row keeps at least one value."""
    rng = np.random.default_rng(seed)
    M = rng.uniform(size=X.shape) < rate
    M[M.all(axis=1), rng.integers(X.shape[1])] = False
    return np.where(M, np.nan, X)


@pytest.fixture(scope="module")
def data():
    X, z, p = anisotropic_mixture(K=3, D=3, N=300, seed=5)
    return X, z, p


# ---------------------------------------------------------------- nothing missing: plain EM


@pytest.mark.parametrize("covariance_type", TYPES)
def test_nothing_missing_is_fit_gmm_from_the_same_start(data, covariance_type):
    X, _, _ = data
    p0 = start_params(X, 3, covariance_type)
    ours = ms.fit_gmm_missing(X, 3, init=p0, covariance_type=covariance_type, max_iter=25)
    ref = gt.fit_gmm(X, 3, init=p0, covariance_type=covariance_type, max_iter=25)
    assert ours.n_iter == ref.n_iter and ours.converged == ref.converged
    np.testing.assert_allclose(ours.log_likelihoods, ref.log_likelihoods, rtol=1e-10)
    np.testing.assert_allclose(ours.params.pi, ref.params.pi, rtol=1e-9)
    np.testing.assert_allclose(ours.params.mu, ref.params.mu, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(ours.params.Sigma, ref.params.Sigma, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(ours.gamma, ref.gamma, atol=1e-9)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_nothing_missing_steps_are_e_step_and_m_step(data, covariance_type):
    X, _, p = data
    stats = ms.e_step_missing(X, p)
    gamma, ll = gt.e_step(X, p)
    np.testing.assert_allclose(stats.gamma, gamma, atol=1e-13)
    np.testing.assert_allclose(stats.log_likelihood, ll, rtol=1e-13)
    assert np.all(stats.cond_cov == 0) and np.all(stats.X_hat == X)
    ours, ref = ms.m_step_missing(stats, covariance_type), gt.m_step(X, gamma, covariance_type)
    np.testing.assert_allclose(ours.mu, ref.mu, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.Sigma, ref.Sigma, rtol=1e-11, atol=1e-12)
    assert ours.covariance_type == covariance_type


# ---------------------------------------------------------------- the pieces against oracles


def test_observed_data_log_likelihood_against_scipy(data):
    X, _, p = data
    Xm = remove_at_random(X, 0.4)
    expected = 0.0
    for x in Xm:
        o = ~np.isnan(x)
        dens = [p.pi[k] * multivariate_normal(p.mu[k, o], p.Sigma[k][np.ix_(o, o)]).pdf(x[o]) for k in range(p.K)]
        expected += np.log(np.sum(dens))
    np.testing.assert_allclose(ms.log_likelihood_missing(Xm, p), expected, rtol=1e-11)
    np.testing.assert_allclose(ms.e_step_missing(Xm, p).log_likelihood, expected, rtol=1e-11)


@pytest.mark.parametrize("seed", range(6))
def test_conditional_mean_and_covariance_via_the_precision_matrix(seed):
    """Textbook form: with lambda = Sigma^-1, Cov = lambda_mm^-1 and E = mu_m - lambda_mm^-1 lambda_mo (x_o - mu_o)."""
    rng = np.random.default_rng(seed)
    D = int(rng.integers(2, 6))
    mu, Sigma = rng.normal(scale=3, size=D), random_spd(D, rng)
    observed = rng.uniform(size=D) < 0.5
    observed[rng.integers(D)] = True
    if observed.all():
        observed[0] = False if D > 1 else True
    m = ~observed
    x_o = rng.normal(size=(4, observed.sum())) * 5
    lam = np.linalg.inv(Sigma)
    cov_expected = np.linalg.inv(lam[np.ix_(m, m)])
    mean_expected = mu[m] - (x_o - mu[observed]) @ (cov_expected @ lam[np.ix_(m, observed)]).T
    mean, cov = ms.conditional_gaussian(x_o, mu, Sigma, observed)
    np.testing.assert_allclose(cov, cov_expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(mean, mean_expected, rtol=1e-9, atol=1e-10)
    log_density = ms.marginal_and_conditional(x_o, mu, Sigma, observed)[0]
    np.testing.assert_allclose(log_density, multivariate_normal(mu[observed], Sigma[np.ix_(observed, observed)])
                               .logpdf(x_o), rtol=1e-11)


def test_conditional_gaussian_one_point_and_nothing_missing():
    Sigma = np.array([[2.0, 0.8], [0.8, 1.0]])
    mean, cov = ms.conditional_gaussian(np.array([1.0]), np.zeros(2), Sigma, np.array([True, False]))
    np.testing.assert_allclose(mean, [[0.4]])
    np.testing.assert_allclose(cov, [[1.0 - 0.32]])
    mean, cov = ms.conditional_gaussian(np.ones((3, 2)), np.zeros(2), Sigma, np.array([True, True]))
    assert mean.shape == (3, 0) and cov.shape == (0, 0)


def naive_em_step(X, p, covariance_type="full"):
    """One EM step, point by point, with conditionals from the precision matrix (an independent oracle)."""
    N, D = X.shape
    gamma = np.zeros((N, p.K))
    ex = np.zeros((p.K, N, D))
    exx = np.zeros((p.K, N, D, D))
    for n, x in enumerate(X):
        o = ~np.isnan(x)
        m = ~o
        for k in range(p.K):
            gamma[n, k] = p.pi[k] * multivariate_normal(p.mu[k, o], p.Sigma[k][np.ix_(o, o)]).pdf(x[o])
            lam = np.linalg.inv(p.Sigma[k])
            e, C = x.copy(), np.zeros((D, D))
            if m.any():
                C[np.ix_(m, m)] = np.linalg.inv(lam[np.ix_(m, m)])
                e[m] = p.mu[k, m] - C[np.ix_(m, m)] @ lam[np.ix_(m, o)] @ (x[o] - p.mu[k, o])
            ex[k, n], exx[k, n] = e, np.outer(e, e) + C
        gamma[n] /= gamma[n].sum()
    N_k = gamma.sum(axis=0)
    mu = np.einsum("nk,knd->kd", gamma, ex) / N_k[:, None]
    # E[(x - mu)(x - mu)^T] = E[x x^T] - E[x] mu^T - mu E[x]^T + mu mu^T
    S = np.stack([np.einsum("n,nde->de", gamma[:, k], exx[k]) - N_k[k] * np.outer(mu[k], mu[k]) for k in range(p.K)])
    if covariance_type == "full":
        Sigma = S / N_k[:, None, None]
    else:  # tied
        Sigma = np.repeat((S.sum(axis=0) / N)[None], p.K, axis=0)
    return N_k / N, mu, Sigma


@pytest.mark.parametrize("covariance_type", ["full", "tied"])
def test_one_em_step_against_a_naive_point_by_point_version(data, covariance_type):
    X, _, p = data
    Xm = remove_at_random(X, 0.35, seed=1)
    new = ms.m_step_missing(ms.e_step_missing(Xm, p), covariance_type, reg_covar=0.0)
    pi, mu, Sigma = naive_em_step(Xm, p, covariance_type)
    np.testing.assert_allclose(new.pi, pi, rtol=1e-10)
    np.testing.assert_allclose(new.mu, mu, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(new.Sigma, Sigma, rtol=1e-8, atol=1e-10)


def test_impute_keeps_observed_values_and_uses_the_conditional_mean(data):
    X, _, p = data
    Xm = remove_at_random(X, 0.3, seed=2)
    filled = ms.impute(Xm, p)
    observed = ~np.isnan(Xm)
    np.testing.assert_array_equal(filled[observed], Xm[observed])
    assert np.isfinite(filled).all()
    one = gt.GMMParams([1.0], p.mu[:1], p.Sigma[:1])  # K = 1: the imputation is the conditional mean itself
    x = Xm[np.isnan(Xm).any(axis=1)][0]
    o = ~np.isnan(x)
    expected = ms.conditional_gaussian(x[o], p.mu[0], p.Sigma[0], o)[0][0]
    np.testing.assert_allclose(ms.impute(x[None], one)[0, ~o], expected)


def test_em_beats_mean_imputation_on_mcar_data(data):
    X, _, p = data
    Xm = remove_at_random(X, 0.3, seed=3)
    em = ms.fit_gmm_missing(Xm, 3, seed=0, max_iter=200)
    mean_imputed = gt.fit_gmm(ms.mean_impute(Xm), 3, seed=0, max_iter=200)
    assert gt.log_likelihood(X, em.params) > gt.log_likelihood(X, mean_imputed.params)
    missing = np.isnan(Xm)
    err_em = np.abs(ms.impute(Xm, em.params) - X)[missing].mean()
    err_mean = np.abs(ms.mean_impute(Xm) - X)[missing].mean()
    assert err_em < 0.7 * err_mean


def test_missing_patterns_group_the_rows():
    X = np.array([[1.0, np.nan], [2.0, 3.0], [np.nan, 1.0], [4.0, np.nan]])
    groups = {tuple(o): list(rows) for rows, o in ms.missing_patterns(X)}
    assert groups == {(True, False): [0, 3], (True, True): [1], (False, True): [2]}
    np.testing.assert_allclose(ms.mean_impute(X), [[1.0, 2.0], [2.0, 3.0], [7 / 3, 1.0], [4.0, 2.0]])


# ---------------------------------------------------------------- EM's guarantee


@st.composite
def mixtures_with_holes(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    K, D = draw(st.integers(1, 3)), draw(st.integers(2, 4))
    rng = np.random.default_rng(seed)
    p = gt.GMMParams(pi=rng.dirichlet(np.full(K, 3.0)), mu=rng.normal(scale=4, size=(K, D)),
                     Sigma=np.stack([random_spd(D, rng) for _ in range(K)]))
    X, _ = gt.sample_mixture(p, draw(st.integers(25, 100)), seed=rng)
    Xm = remove_at_random(X, draw(st.sampled_from([0.1, 0.3, 0.5])), seed=rng.integers(2**31))
    assume((~np.isnan(Xm)).sum(axis=0).min() >= 3)
    return Xm, K, rng


@SETTINGS
@given(mixtures_with_holes(), st.sampled_from(TYPES))
def test_observed_data_log_likelihood_never_decreases(mix, covariance_type):
    Xm, K, rng = mix
    try:
        p0 = gt.m_step(ms.mean_impute(Xm), rng.dirichlet(np.ones(K), size=len(Xm)), covariance_type, reg_covar=0.0)
    except gt.DegenerateCovarianceError:
        assume(False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gt.DegenerateFitWarning)  # a collapse just ends the run early
        r = ms.fit_gmm_missing(Xm, K, init=p0, covariance_type=covariance_type, max_iter=30, tol=0, reg_covar=0.0)
    assert_rises_until_collapse(r.log_likelihoods, r.history, scale=np.nanvar(Xm, axis=0).mean())
    gamma = ms.e_step_missing(Xm, r.params).gamma
    np.testing.assert_allclose(logsumexp(np.log(gamma + 1e-300), axis=1), 0.0, atol=1e-9)


# ---------------------------------------------------------------- bad input


X_OK = np.random.default_rng(0).normal(size=(6, 2))
P_OK = gt.GMMParams([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], [np.eye(2), np.eye(2)])


def with_values(**where):
    X = X_OK.copy()
    for value, cells in where.items():
        for n, d in cells:
            X[n, d] = {"nan": np.nan, "inf": np.inf}[value]
    return X


@pytest.mark.parametrize("call,exc,match", [
    (lambda: ms.fit_gmm_missing(with_values(nan=[(2, 0), (2, 1)]), 2), ValueError,
     r"row 2 of X has every feature missing"),
    (lambda: ms.fit_gmm_missing(with_values(nan=[(n, 1) for n in range(6)]), 2), ValueError,
     r"column 1 of X is missing in every row"),
    (lambda: ms.fit_gmm_missing(with_values(inf=[(0, 0)]), 2), ValueError, r"X must hold finite numbers or NaN"),
    (lambda: ms.fit_gmm_missing(np.zeros((2, 2, 2)), 2), ValueError, r"X must be a non-empty 2-D array"),
    (lambda: ms.fit_gmm_missing("data.csv", 2), TypeError, r"X must be an array of numbers"),
    (lambda: ms.fit_gmm_missing(X_OK, 7), ValueError, r"K=7 components need at least 7"),
    (lambda: ms.fit_gmm_missing(X_OK, 2, covariance_type="round"), ValueError, r"covariance_type must be one of"),
    (lambda: ms.fit_gmm_missing(X_OK, 2, tol=-1.0), ValueError, r"tol must be a finite number >= 0"),
    (lambda: ms.e_step_missing(np.ones((4, 3)), P_OK), ValueError, r"p has D=2 features but X has 3 columns"),
    (lambda: ms.log_likelihood_missing(X_OK, "params"), TypeError, r"p must be a GMMParams"),
    (lambda: ms.m_step_missing((1, 2)), TypeError, r"stats must be the ExpectedStatistics from e_step_missing"),
    (lambda: ms.m_step_missing(ms.e_step_missing(X_OK, P_OK), reg_covar=-1.0), ValueError, r"reg_covar must be"),
    (lambda: ms.conditional_gaussian([1.0], [0.0, 0.0], np.eye(2), [1, 0]), TypeError,
     r"observed must be a boolean mask of shape \(D,\) = \(2,\)"),
    (lambda: ms.conditional_gaussian([1.0], [0.0, 0.0], np.eye(2), np.array([False, False])), ValueError,
     r"observed must mark at least one feature"),
    (lambda: ms.conditional_gaussian([1.0, 2.0], [0.0, 0.0], np.eye(2), np.array([True, False])), ValueError,
     r"x_o must have one column per observed feature \(1\)"),
    (lambda: ms.conditional_gaussian([np.nan], [0.0, 0.0], np.eye(2), np.array([True, False])), ValueError,
     r"x_o must contain only finite numbers"),
    (lambda: ms.conditional_gaussian([1.0], [0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]], np.array([True, False])),
     ValueError, r"Sigma must be positive definite"),
    (lambda: ms.conditional_gaussian([1.0], [0.0, 0.0], np.eye(3), np.array([True, False])), ValueError,
     r"Sigma must have shape \(D, D\) = \(2, 2\)"),
])
def test_bad_input_names_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---------------------------------------------------------------- style


def test_docstrings_are_equations():
    """(The one-screen length rule is tests/test_package.py's, for every maths module.)"""
    for name in ("conditional_gaussian", "marginal_and_conditional", "log_joint_missing", "log_likelihood_missing",
                 "m_step_missing", "covariance_from_scatter", "impute"):
        assert "=" in inspect.getdoc(getattr(ms, name)).splitlines()[0]
    assert "notebooks/07" in inspect.getdoc(ms)
