"""gmm_teach.fast against the readable em.py: same signatures, same numbers (to 1e-8), same errors."""

import inspect
import warnings

import numpy as np
import pytest
from helpers import TYPES, anisotropic_mixture, start_params

import gmm_teach as gt
from gmm_teach import fast


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Blocks of 16 rows (the fewest block_rows allows), so every test crosses many block boundaries
    and most end with a ragged block."""
    monkeypatch.setattr(fast, "BLOCK_ELEMENTS", 100)


def assert_same_params(q, p, rtol=1e-8):
    assert q.covariance_type == p.covariance_type
    np.testing.assert_allclose(q.pi, p.pi, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(q.mu, p.mu, rtol=rtol, atol=1e-10)
    np.testing.assert_allclose(q.Sigma, p.Sigma, rtol=rtol, atol=1e-10)


@pytest.mark.parametrize("name", ["e_step", "m_step", "fit_gmm"])
def test_same_signatures(name):
    assert inspect.signature(getattr(fast, name)) == inspect.signature(getattr(gt, name))


@pytest.mark.parametrize("covariance_type", TYPES)
@pytest.mark.parametrize("D", [1, 2, 5])
def test_e_step_and_m_step_agree(covariance_type, D):
    X, _, _ = anisotropic_mixture(K=3, D=D, N=1003, seed=D)
    p = start_params(X, 3, covariance_type, seed=2)
    gamma, ll = gt.e_step(X, p)
    gamma_fast, ll_fast = fast.e_step(X, p)
    assert gamma_fast.shape == gamma.shape
    np.testing.assert_allclose(gamma_fast, gamma, rtol=0, atol=1e-8)
    np.testing.assert_allclose(ll_fast, ll, rtol=1e-10)
    for reg_covar in (1e-6, 0.0):
        expected = gt.m_step(X, gamma, covariance_type, reg_covar)
        assert_same_params(fast.m_step(X, gamma, covariance_type, reg_covar), expected)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_fit_gmm_agrees(covariance_type):
    X, _, _ = anisotropic_mixture(K=3, D=3, N=800, seed=11)
    ours = gt.fit_gmm(X, 3, covariance_type=covariance_type, seed=0, max_iter=200, tol=1e-6)
    quick = fast.fit_gmm(X, 3, covariance_type=covariance_type, seed=0, max_iter=200, tol=1e-6)
    assert quick.converged == ours.converged and quick.n_iter == ours.n_iter
    assert len(quick.history) == len(quick.log_likelihoods) == quick.n_iter + 1
    assert_same_params(quick.params, ours.params)
    np.testing.assert_allclose(quick.log_likelihoods, ours.log_likelihoods, rtol=1e-10)
    np.testing.assert_allclose(quick.gamma, ours.gamma, atol=1e-8)


def test_data_far_from_the_origin():
    """The E-step centres at the mixture's mean, so an offset of 1e6 costs no accuracy."""
    X, _, _ = anisotropic_mixture(K=3, D=2, N=500, seed=3)
    X = X + 1e6
    p = start_params(X, 3, "full")
    gamma, ll = gt.e_step(X, p)
    gamma_fast, ll_fast = fast.e_step(X, p)
    np.testing.assert_allclose(gamma_fast, gamma, atol=1e-8)
    np.testing.assert_allclose(ll_fast, ll, rtol=1e-10)
    assert_same_params(fast.m_step(X, gamma), gt.m_step(X, gamma))


def test_far_outlier_and_empty_weight_stay_finite():
    X, _, _ = anisotropic_mixture(K=2, D=2, N=300, seed=4)
    X = np.vstack([X, [[1e8, -1e8]]])
    p = gt.fit_gmm(X[:-1], 2, seed=0).params
    p = gt.GMMParams(pi=[0.0, *p.pi], mu=[[0.0, 0.0], *p.mu], Sigma=[np.eye(2), *p.Sigma])
    gamma, ll = fast.e_step(X, p)
    assert np.isfinite(gamma).all() and np.isfinite(ll)
    assert np.all(gamma[:, 0] == 0)
    np.testing.assert_allclose(gamma.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(gamma, gt.e_step(X, p)[0], atol=1e-8)


def test_m_step_takes_any_memory_layout():
    X, _, _ = anisotropic_mixture(K=3, D=2, N=400, seed=5)
    gamma = np.random.default_rng(0).dirichlet(np.ones(3), size=len(X))  # row-major
    assert_same_params(fast.m_step(X, gamma), gt.m_step(X, np.asfortranarray(gamma)), rtol=1e-12)


def test_one_row_and_one_block():
    X = np.array([[0.5, -1.0]])
    p = gt.GMMParams(pi=[1.0], mu=[[0.0, 0.0]], Sigma=[np.eye(2)])
    gamma, ll = fast.e_step(X, p)
    assert gamma.shape == (1, 1) and gamma[0, 0] == 1.0
    np.testing.assert_allclose(ll, gt.log_likelihood(X, p), rtol=1e-14)


# ---------------------------------------------------------------- the same errors

X_OK = np.random.default_rng(0).normal(size=(20, 2))
P_OK = gt.GMMParams(pi=[0.5, 0.5], mu=[[0.0, 0.0], [1.0, 1.0]], Sigma=[np.eye(2), np.eye(2)])
GAMMA_OK = np.full((20, 2), 0.5)


def _with(X, index, value):
    X = np.array(X, dtype=float)
    X[index] = value
    return X


BAD_X = [_with(X_OK, (3, 1), np.nan), _with(X_OK, (0, 0), np.inf), np.zeros((4, 2, 2)), "heights.csv",
         [["a", "b"], ["c", "d"]], np.zeros((0, 2)), np.ones((3, 2)) * 1j]
BAD_GAMMA = [np.full((19, 2), 0.5), np.full((20, 2), 0.6), np.full((20, 2), np.nan), np.tile([1.5, -0.5], (20, 1)),
             np.ones(20), np.full((20, 2), np.inf), _with(GAMMA_OK, (7, 0), 0.5 + 2e-5), np.full((20, 21), 1 / 21),
             _with(_with(GAMMA_OK, (4, 0), 1 + 5e-6), (4, 1), 0.0)]
BAD_CALLS = [
    lambda m: m.m_step(X_OK, GAMMA_OK, covariance_type="Full"),
    lambda m: m.m_step(X_OK, GAMMA_OK, reg_covar=-1.0),
    lambda m: m.m_step(X_OK, np.full((20, 2), 0.6), covariance_type="Full"),  # two problems: the first is named
    lambda m: m.m_step(_with(X_OK, (1, 1), np.nan), np.full((20, 2), 0.6)),
    lambda m: m.e_step(X_OK, {"pi": [1.0]}),
    lambda m: m.e_step(X_OK[:, :1], P_OK),
    lambda m: m.fit_gmm(X_OK, 21),
    lambda m: m.fit_gmm(X_OK, 2.5),
    lambda m: m.fit_gmm(X_OK, 2, covariance_type="diagonal"),
    lambda m: m.fit_gmm(X_OK, 2, tol="small"),
    lambda m: m.fit_gmm(X_OK, 2, max_iter=-1),
    lambda m: m.fit_gmm(X_OK, 2, init="best"),
    lambda m: m.fit_gmm(X_OK, 3, init=P_OK),
    lambda m: m.fit_gmm(X_OK, 2, seed="lucky"),
]


def error_of(call):
    with pytest.raises(Exception) as info:
        call()
    return type(info.value), str(info.value)


@pytest.mark.parametrize("X", BAD_X, ids=range(len(BAD_X)))
@pytest.mark.parametrize("step", ["e_step", "m_step", "fit_gmm"])
def test_same_errors_for_bad_X(step, X):
    args = {"e_step": (P_OK,), "m_step": (GAMMA_OK,), "fit_gmm": (2,)}[step]
    expected = error_of(lambda: getattr(gt, step)(X, *args))
    assert error_of(lambda: getattr(fast, step)(X, *args)) == expected


@pytest.mark.parametrize("gamma", BAD_GAMMA, ids=range(len(BAD_GAMMA)))
def test_same_errors_for_bad_gamma(gamma):
    assert error_of(lambda: fast.m_step(X_OK, gamma)) == error_of(lambda: gt.m_step(X_OK, gamma))


@pytest.mark.parametrize("call", BAD_CALLS, ids=range(len(BAD_CALLS)))
def test_same_errors_for_other_bad_arguments(call):
    assert error_of(lambda: call(fast)) == error_of(lambda: call(gt))


def test_borderline_gamma_accepted_by_both():
    gamma = _with(_with(GAMMA_OK, (2, 0), 0.5 + 4e-6), (2, 1), 0.5)  # row sums to 1 + 4e-6: within tolerance
    assert_same_params(fast.m_step(X_OK, gamma), gt.m_step(X_OK, gamma), rtol=1e-12)


def test_same_collapse_error_and_warnings():
    """reg_covar = 0 and three points on a line: both stop EM with the same warning."""
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [10.0, -3.0], [11.0, -1.0], [12.0, -4.0]])
    start = gt.GMMParams(pi=[0.5, 0.5], mu=[[1.0, 1.0], [11.0, -2.0]], Sigma=[np.eye(2), np.eye(2)])
    gamma = np.array([[1.0, 0.0]] * 3 + [[0.0, 1.0]] * 3)
    expected = error_of(lambda: gt.m_step(X, gamma, reg_covar=0.0))
    assert expected[0] is gt.DegenerateCovarianceError
    assert error_of(lambda: fast.m_step(X, gamma, reg_covar=0.0)) == expected
    results = []
    for module in (gt, fast):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = module.fit_gmm(X, 2, init=start, reg_covar=0.0, tol=0, max_iter=50)
        results.append((r.n_iter, r.converged, [str(w.message) for w in caught]))
    assert results[0] == results[1]
