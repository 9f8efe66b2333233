"""The shared homes for maths the widgets and lessons use: stopping rule, best of n starts,
Sigma from (sigma_x, sigma_y, rho), soft k-means' stiffness beta <-> sigma."""

import numpy as np
import pytest
from helpers import anisotropic_mixture

import gmm_teach as gt
from gmm_teach import fast
from gmm_teach.covariance import from_sd_rho
from gmm_teach.em import has_converged
from gmm_teach.kmeans import beta_from_sigma, sigma_from_beta, soft_assign


@pytest.fixture(scope="module")
def data():
    return anisotropic_mixture(K=3, D=2, N=300, seed=5)[0]


def test_has_converged_is_on_the_mean_log_likelihood():
    assert has_converged(-1000.0, -999.5, N=1000, tol=1e-3)  # 0.5 / 1000 = 5e-4 < 1e-3
    assert not has_converged(-1000.0, -998.0, N=1000, tol=1e-3)  # 2e-3
    assert not has_converged(-1000.0, -1002.0, N=1000, tol=1e-3)  # a fall counts too (|change|)
    assert not has_converged(-10.0, -10.0, N=1, tol=0.0)  # tol = 0: never


def test_the_loop_stops_exactly_where_has_converged_says(data):
    r = gt.fit_gmm(data, 3, seed=0, tol=1e-4)
    lls, N = r.log_likelihoods, len(data)
    assert r.converged and len(lls) == r.n_iter + 1
    assert has_converged(lls[-3], lls[-2], N, 1e-4)  # the last E-step pair inside the loop
    assert not any(has_converged(lls[t - 1], lls[t], N, 1e-4) for t in range(1, len(lls) - 2))


@pytest.mark.parametrize("seed", [0, 1, 7, None])
def test_n_init_1_is_the_single_fit(data, seed):
    if seed is None:
        a = gt.fit_gmm(data, 3, seed=np.random.default_rng(3))
        b = gt.fit_gmm(data, 3, seed=np.random.default_rng(3), n_init=1)
    else:
        a, b = gt.fit_gmm(data, 3, seed=seed), gt.fit_gmm(data, 3, seed=seed, n_init=1)
    np.testing.assert_array_equal(a.log_likelihoods, b.log_likelihoods)
    np.testing.assert_array_equal(a.params.Sigma, b.params.Sigma)


@pytest.mark.parametrize("module", [gt, fast])
def test_n_init_keeps_the_best_start_drawn_from_one_generator(data, module):
    rng = np.random.default_rng(11)
    runs = [module.fit_gmm(data, 5, init="random", seed=rng) for _ in range(4)]
    finals = [r.log_likelihoods[-1] for r in runs]
    assert np.ptp(finals) > 1e-3  # the starts really differ
    best = module.fit_gmm(data, 5, init="random", seed=11, n_init=4)
    assert best.log_likelihoods[-1] == max(finals)
    np.testing.assert_array_equal(best.params.mu, runs[int(np.argmax(finals))].params.mu)
    first = module.fit_gmm(data, 5, init="random", seed=11)  # start 1 of n_init=4 is the n_init=1 fit
    np.testing.assert_array_equal(first.log_likelihoods, runs[0].log_likelihoods)


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-1, ValueError), (1.5, TypeError), ("3", TypeError)])
def test_n_init_is_checked(data, bad, error):
    with pytest.raises(error, match="n_init"):
        gt.fit_gmm(data, 2, n_init=bad)


def test_from_sd_rho_is_the_definition_of_rho():
    Sigma = from_sd_rho(2.0, 0.5, -0.3)
    np.testing.assert_array_equal(Sigma, [[4.0, -0.3], [-0.3, 0.25]])
    # the oracle: the sample covariance of (sigma_x z1, sigma_y (rho z1 + sqrt(1 - rho^2) z2))
    z = np.random.default_rng(0).standard_normal((200_000, 2))
    x, y = 2.0 * z[:, 0], 0.5 * (-0.3 * z[:, 0] + np.sqrt(1 - 0.09) * z[:, 1])
    np.testing.assert_allclose(np.cov(x, y), Sigma, atol=0.02)
    assert np.all(np.linalg.eigvalsh(Sigma) > 0)


@pytest.mark.parametrize("args, name", [((0.0, 1.0, 0.0), "sigma_x"), ((1.0, -2.0, 0.0), "sigma_y"),
                                        ((1.0, 1.0, 1.0), "rho"), ((1.0, 1.0, -1.5), "rho"),
                                        ((1.0, 1.0, np.nan), "rho")])
def test_from_sd_rho_rejects_what_is_no_covariance(args, name):
    with pytest.raises(ValueError, match=name):
        from_sd_rho(*args)


def test_from_sd_rho_names_a_wrong_type():
    with pytest.raises(TypeError, match="rho"):
        from_sd_rho(1.0, 1.0, "0.5")


@pytest.mark.parametrize("sigma", [0.05, 0.5, 1.0, 3.0])
def test_beta_and_sigma_are_inverse(sigma):
    beta = beta_from_sigma(sigma)
    assert beta == pytest.approx(1 / (2 * sigma**2), rel=1e-15)
    assert sigma_from_beta(beta) == pytest.approx(sigma, rel=1e-14)


def test_soft_kmeans_is_em_for_the_mixture_with_that_sigma(data):
    """soft_assign(beta) equals the E-step of equal weights, covariance sigma_from_beta(beta)^2 I."""
    beta, centers = 0.7, data[:3]
    sigma = sigma_from_beta(beta)
    p = gt.GMMParams(pi=np.full(3, 1 / 3), mu=centers, Sigma=np.repeat(np.eye(2)[None] * sigma**2, 3, axis=0))
    np.testing.assert_allclose(soft_assign(data, centers, beta),
                               gt.responsibilities(data, p), atol=1e-12)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.inf])
def test_beta_sigma_reject_non_positive(bad):
    with pytest.raises(ValueError, match="sigma"):
        beta_from_sigma(bad)
    with pytest.raises(ValueError, match="beta"):
        sigma_from_beta(bad)


# ------------------------------------------------------------ one covariance path


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_covariance_from_scatter_is_the_m_step_estimator(data, covariance_type):
    """The oracle: the weighted covariance written out with np.cov, per type."""
    from gmm_teach.covariance import covariance_from_scatter, scatter

    gamma = np.random.default_rng(1).dirichlet(np.ones(3), size=len(data))  # (N, 3)
    N_k = gamma.sum(axis=0)
    mu = (gamma.T @ data) / N_k[:, None]
    Sigma = covariance_from_scatter(scatter(data, gamma, mu), N_k, covariance_type, reg_covar=0.0)
    each = np.stack([np.cov(data.T, aweights=gamma[:, k], bias=True) for k in range(3)])  # (3, 2, 2)
    expected = {"full": each,
                "tied": np.repeat((np.tensordot(N_k, each, axes=1) / N_k.sum())[None], 3, axis=0),
                "diag": each * np.eye(2),
                "spherical": np.trace(each, axis1=1, axis2=2)[:, None, None] / 2 * np.eye(2)}[covariance_type]
    np.testing.assert_allclose(Sigma, expected, rtol=1e-12)
    diagonal_only = np.diagonal(scatter(data, gamma, mu), axis1=1, axis2=2)  # (K, D)
    if covariance_type in ("diag", "spherical"):
        np.testing.assert_allclose(covariance_from_scatter(diagonal_only, N_k, covariance_type, 0.0), Sigma)


@pytest.mark.parametrize("bogus", ["bogus", "Full", None])
def test_unknown_covariance_type_is_refused_not_guessed(bogus):
    from gmm_teach.covariance import covariance_from_scatter

    with pytest.raises(ValueError, match="covariance_type must be one of"):
        covariance_from_scatter(np.ones((2, 3)), np.ones(2), bogus)
