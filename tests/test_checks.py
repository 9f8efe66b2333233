"""gmm_teach.checks: correct answers pass, typical mistakes fail with the hint for that mistake,
unanswered questions say so, nothing ever raises in self-study, everything raises in strict mode."""

from types import SimpleNamespace

import numpy as np
import pytest
from exercise_tools import SETS, load_answers

import gmm_teach as gt
from gmm_teach import checks

# The model answers are the solution notebooks' own code, so the checks are tested on them.
ok = SimpleNamespace(**{name: fn for s in SETS for name, fn in load_answers(s).items() if callable(fn)})

QUESTIONS = ["log_normal_pdf", "mixture_pdf", "sample_mixture", "posterior", "assign_clusters", "update_centers",
             "kmeans_plusplus", "soft_assign", "e_step", "m_step_weights", "m_step_means", "m_step_covariances",
             "em", "ellipse", "covariance_full", "covariance_diag", "covariance_spherical", "covariance_tied",
             "n_parameters"]


@pytest.fixture(autouse=True)
def self_study(monkeypatch):
    monkeypatch.delenv(checks.STRICT_ENV, raising=False)


@pytest.mark.parametrize("name", QUESTIONS)
def test_model_answer_passes(name, capsys):
    assert getattr(checks, name)(getattr(ok, name))
    assert capsys.readouterr().out.startswith(f"✅ {name}")


def not_yet(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("name", QUESTIONS)
def test_unanswered_question_reports_without_raising(name, capsys):
    assert not getattr(checks, name)(not_yet)
    out = capsys.readouterr().out
    assert out.startswith(f"❌ {name}: not answered yet")


@pytest.mark.parametrize("name", QUESTIONS)
def test_crashing_answer_reports_the_exception(name, capsys):
    def broken(*args):
        return undefined_name  # noqa: F821

    assert not getattr(checks, name)(broken)
    assert "NameError" in capsys.readouterr().out


@pytest.mark.parametrize("name", QUESTIONS)
def test_strict_mode_raises(name, monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(checks.CheckFailedError, match=name):
        getattr(checks, name)(not_yet)
    assert getattr(checks, name)(getattr(ok, name))  # right answers still pass quietly


def test_not_a_function(capsys):
    assert not checks.e_step(42)
    assert "expected a function, got int" in capsys.readouterr().out


# ---- typical mistakes, each with the hint it must trigger -------------------------------------

def prob_space_log_normal(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    return np.log(np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2))


def density_not_log(x, mu, sigma):
    return np.exp(ok.log_normal_pdf(x, mu, sigma))


def variance_as_sigma(x, mu, sigma):
    return ok.log_normal_pdf(x, mu, np.sqrt(sigma))


def mixture_without_weights(x, pi, mu, sigma):
    return sum(np.exp(ok.log_normal_pdf(x, mu[k], sigma[k])) for k in range(len(pi)))


def posterior_prob_space(x, pi, mu, sigma):
    dens = np.stack([pi[k] * np.exp(ok.log_normal_pdf(x, mu[k], sigma[k])) for k in range(len(pi))], axis=1)
    with np.errstate(invalid="ignore"):
        return dens / dens.sum(axis=1, keepdims=True)


def sample_with_variance(pi, mu, sigma, n, rng):
    return ok.sample_mixture(pi, mu, np.asarray(sigma) ** 2, n, rng)


def sample_ignoring_rng(pi, mu, sigma, n, rng):
    return ok.sample_mixture(pi, mu, sigma, n, np.random.default_rng())


def argmax_assign(X, centers):
    return np.argmax(((X[:, None] - centers[None]) ** 2).sum(-1), axis=1)


def summed_centers(X, labels, K):
    return np.array([X[labels == k].sum(axis=0) for k in range(K)])


def uniform_seeding(X, K, rng):
    return X[rng.choice(len(X), size=K, replace=False)]


def soft_prob_space(X, centers, beta):
    e = np.exp(-beta * ((X[:, None] - centers[None]) ** 2).sum(-1))
    with np.errstate(invalid="ignore"):
        return e / e.sum(axis=1, keepdims=True)


def e_step_prob_space(X, pi, mu, Sigma):
    from scipy.stats import multivariate_normal

    dens = np.stack([pi[k] * multivariate_normal(mu[k], Sigma[k]).pdf(X) for k in range(len(pi))], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return dens / dens.sum(axis=1, keepdims=True), float(np.log(dens.sum(axis=1)).sum())


def e_step_mean_ll(X, pi, mu, Sigma):
    gamma, ll = ok.e_step(X, pi, mu, Sigma)
    return gamma, ll / len(X)


def e_step_no_weights(X, pi, mu, Sigma):
    return ok.e_step(X, np.full(len(pi), 1 / len(pi)), mu, Sigma)


def weights_not_normalised(gamma):
    return gamma.sum(axis=0)


def means_over_n(X, gamma):
    return gamma.T @ X / len(X)


def covariances_uncentred(X, gamma, mu):
    return ok.m_step_covariances(X, gamma, np.zeros_like(mu))


def covariances_over_n(X, gamma, mu):
    return ok.m_step_covariances(X, gamma, mu) * gamma.sum(0)[:, None, None] / len(X)


def em_broken_m_step(X, pi, mu, Sigma, n_iter):
    lls = []
    for _ in range(n_iter):
        gamma, ll = ok.e_step(X, pi, mu, Sigma)
        lls.append(ll)
        mu = ok.m_step_means(X, gamma)  # the weights and covariances are never updated
    return pi, mu, Sigma, np.array(lls)


def ellipse_eigenvalues(cov, n_std):
    lam, V = np.linalg.eigh(cov)
    return 2 * n_std * lam[1], 2 * n_std * lam[0], np.degrees(np.arctan2(V[1, 1], V[0, 1]))


def ellipse_half_axes(cov, n_std):
    w, h, a = ok.ellipse(cov, n_std)
    return w / 2, h / 2, a


def ellipse_rows(cov, n_std):
    lam, V = np.linalg.eigh(cov)
    return 2 * n_std * np.sqrt(lam[1]), 2 * n_std * np.sqrt(lam[0]), np.degrees(np.arctan2(V[1, 0], V[1, 1]))


def diag_keeps_full(X, gamma, mu):
    return ok.covariance_full(X, gamma, mu)


def tied_as_average(X, gamma, mu):
    return np.repeat(ok.covariance_full(X, gamma, mu).mean(0)[None], len(mu), axis=0)


def n_params_all_weights(K, D, t):
    return ok.n_parameters(K, D, t) + 1


def n_params_full_square(K, D, t):
    cov = {"full": K * D * D, "tied": D * D, "diag": K * D, "spherical": K}[t]
    return (K - 1) + K * D + cov


MISTAKES = [
    ("log_normal_pdf", prob_space_log_normal, "underflows"),
    ("log_normal_pdf", density_not_log, "returned the density itself"),
    ("log_normal_pdf", variance_as_sigma, "sigma is the standard deviation"),
    ("mixture_pdf", mixture_without_weights, "you forgot the weights"),
    ("posterior", posterior_prob_space, "logsumexp"),
    ("sample_mixture", sample_with_variance, "sigma is the standard deviation"),
    ("sample_mixture", sample_ignoring_rng, "use the rng you are given"),
    ("assign_clusters", argmax_assign, "argmin, not argmax"),
    ("update_centers", summed_centers, "divide by how many"),
    ("kmeans_plusplus", uniform_seeding, "D(x)^2"),
    ("soft_assign", soft_prob_space, "subtract each row's largest exponent"),
    ("e_step", e_step_prob_space, "logsumexp"),
    ("e_step", e_step_mean_ll, "TOTAL log-likelihood"),
    ("e_step", e_step_no_weights, "include the weights"),
    ("m_step_weights", weights_not_normalised, "divide the soft counts N_k by N"),
    ("m_step_means", means_over_n, "divide by N_k"),
    ("m_step_covariances", covariances_uncentred, "centre the data"),
    ("m_step_covariances", covariances_over_n, "divide by N_k"),
    ("em", em_broken_m_step, None),
    ("ellipse", ellipse_eigenvalues, "SQUARE ROOTS"),
    ("ellipse", ellipse_half_axes, "FULL axis lengths"),
    ("ellipse", ellipse_rows, "COLUMNS"),
    ("covariance_diag", diag_keeps_full, "keep only the diagonal"),
    ("covariance_tied", tied_as_average, "pool the scatter"),
    ("n_parameters", n_params_all_weights, "only K - 1"),
    ("n_parameters", n_params_full_square, "D(D+1)/2"),
]


@pytest.mark.parametrize("name,answer,hint", MISTAKES, ids=[f"{m[0]}-{m[1].__name__}" for m in MISTAKES])
def test_typical_mistake_fails_with_its_hint(name, answer, hint, capsys):
    with np.errstate(all="ignore"):
        assert not getattr(checks, name)(answer)
    out = capsys.readouterr().out
    assert out.startswith(f"❌ {name}:")
    assert "expected" in out or "should" in out or "went DOWN" in out
    if hint:
        assert hint in out, out


def test_fitted_params_is_permutation_invariant(capsys):
    X, _ = gt.datasets.load_galton()
    p = gt.fit_gmm(X, 2, seed=0, tol=1e-8, max_iter=3000).params
    assert checks.fitted_params(p.pi, p.mu, p.Sigma, X, 2)
    assert checks.fitted_params(p.pi[::-1], p.mu[::-1], p.Sigma[::-1], X, 2)
    assert checks.gmm_fit(lambda X: (p.pi[::-1], p.mu[::-1], p.Sigma[::-1]), X, 2)
    stuck = gt.fit_gmm(X, 2, seed=1, tol=1e-8, max_iter=3000).params  # the local optimum
    assert not checks.gmm_fit(lambda X: (stuck.pi, stuck.mu, stuck.Sigma), X, 2)
    assert "restart" in capsys.readouterr().out
    assert not checks.gmm_fit(not_yet, X, 2)
    assert "not answered yet" in capsys.readouterr().out


def test_try_it_never_raises(capsys):
    assert checks.try_it(not_yet, 1, 2) is None
    assert "not answered yet" in capsys.readouterr().out
    assert checks.try_it(lambda a: 1 / a, 0) is None
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert checks.try_it(lambda a, b: a + b, 1, 2) == 3


def test_align_components():
    mu = np.array([[0.0, 0.0], [5.0, 5.0], [10.0, 0.0]])
    order = checks.align_components(mu[[2, 0, 1]] + 0.1, mu)
    np.testing.assert_array_equal((mu[[2, 0, 1]] + 0.1)[order].round(), mu)


def test_compare_arrays_messages():
    assert checks.compare_arrays([1.0, 2.0], [1.0, 2.0]) is None
    assert "shape (2,)" in checks.compare_arrays([1.0], [1.0, 2.0])
    assert "NaN" in checks.compare_arrays([np.nan, 1.0], [1.0, 2.0])
    assert "expected [1., 2.], got [1., 3.]" in checks.compare_arrays([1.0, 3.0], [1.0, 2.0])
    assert "numbers" in checks.compare_arrays("abc", [1.0])
