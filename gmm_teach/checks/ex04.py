"""Checks for exercise set 04 (lesson 04): ellipses, the four covariance estimators, parameter counts."""

from __future__ import annotations

import numpy as np

from ..model_selection import n_parameters as _n_parameters
from .engine import Case, CheckResult, check, hint, run_cases
from .fixtures import close, full_covariances, m_step_data

__all__ = ["ellipse", "covariance_full", "covariance_diag", "covariance_spherical", "covariance_tied", "n_parameters"]


def _ellipse_ref(cov, n_std):
    lam, V = np.linalg.eigh(cov)
    angle = np.degrees(np.arctan2(V[1, 1], V[0, 1])) % 180
    return np.array([2 * n_std * np.sqrt(lam[1]), 2 * n_std * np.sqrt(lam[0]), angle])


def _ellipse_problem(got, case):
    try:
        width, height, angle = (float(v) for v in got)
    except Exception:
        return "return three numbers: (width, height, angle in degrees)"
    w, h, a = case.expected
    if not np.allclose([width, height], [w, h], rtol=1e-6):
        return f"expected width {w:.4f} and height {h:.4f}, got {width:.4f} and {height:.4f}"
    diff = (angle - a) % 180
    if min(diff, 180 - diff) > 1e-6 and not np.isclose(w, h):
        return f"expected an angle of {a:.2f} degrees (or that plus a multiple of 180), got {angle:.2f}"
    return None


def _axes_are(got, expected) -> bool:
    return np.allclose([float(v) for v in got][:2], expected, rtol=1e-6)


@hint("the axes come from the SQUARE ROOTS of the eigenvalues (standard deviations)")
def axes_from_eigenvalues(got, case) -> bool:
    # width = 2 n sqrt(lambda); with lambda itself it would be 2 n lambda = width^2 / (2 n)
    return _axes_are(got, case.expected[:2] ** 2 / (2 * case.args[1]))


@hint("width and height are FULL axis lengths: 2 * n_std * sqrt(eigenvalue)")
def half_axes(got, case) -> bool:
    return _axes_are(got, case.expected[:2] / 2)


@hint("the eigenvectors are the COLUMNS of eigh's second result (V[:, i]), and the major axis belongs to the LARGEST "
      "eigenvalue (eigh sorts them ascending)")
def wrong_angle(got, case) -> bool:
    return "angle" in (_ellipse_problem(got, case) or "")


ELLIPSE_HINTS = [axes_from_eigenvalues, half_axes, wrong_angle]


def _rotation(t):
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


@check
def ellipse(fn) -> CheckResult:
    """Q: covariance -> (width, height, angle): full axes 2 n_std sqrt(lambda), angle of the major axis."""
    tilted = _rotation(0.5) @ np.diag([4.0, 0.25]) @ _rotation(0.5).T
    cases = [Case("cov = diag(4, 1), n_std = 1", (np.diag([4.0, 1.0]), 1.0), _ellipse_ref(np.diag([4.0, 1.0]), 1.0)),
             Case("cov = [[2, 1], [1, 2]], n_std = 2", (np.array([[2.0, 1.0], [1.0, 2.0]]), 2.0),
                  _ellipse_ref(np.array([[2.0, 1.0], [1.0, 2.0]]), 2.0)),
             Case("a tilted covariance, n_std = 1", (tilted, 1.0), _ellipse_ref(tilted, 1.0)),
             Case("cov = diag(1, 9): taller than wide, n_std = 1", (np.diag([1.0, 9.0]), 1.0),
                  _ellipse_ref(np.diag([1.0, 9.0]), 1.0))]
    return run_cases("ellipse", fn, cases, ELLIPSE_HINTS, compare=_ellipse_problem)


# ---------------------------------------------------------------- Q2-Q5 the four covariance types


def _cov_case_data():
    X, gamma = m_step_data(seed=5)
    N_k = gamma.sum(0)
    mu = gamma.T @ X / N_k[:, None]
    return X, gamma, mu, N_k


@hint("return every component's covariance as a full (K, D, D) stack, like gmm_teach stores it")
def not_a_full_stack(got, case) -> bool:
    return np.shape(got) != np.shape(case.expected)


def _check_cov(name, fn, expected_fn, extra_hints=()):
    X, gamma, mu, N_k = _cov_case_data()
    expected = expected_fn(X, gamma, mu, N_k)
    cases = [Case("X (40, 2), gamma (40, 3), mu (3, 2)", (X, gamma, mu), expected)]
    return run_cases(name, fn, cases, [not_a_full_stack, *extra_hints])


def _diag_vars(X, gamma, mu, N_k):
    return np.stack([gamma[:, k] @ (X - mu[k]) ** 2 / N_k[k] for k in range(len(mu))])  # (K, D)


def _full_ref(X, gamma, mu, N_k):
    return full_covariances(X, gamma, mu)


def _diag_ref(X, gamma, mu, N_k):
    return _diag_vars(X, gamma, mu, N_k)[:, :, None] * np.eye(2)


def _spherical_ref(X, gamma, mu, N_k):
    return _diag_vars(X, gamma, mu, N_k).mean(1)[:, None, None] * np.eye(2)


def _tied_ref(X, gamma, mu, N_k):
    S = sum((gamma[:, k, None] * (X - mu[k])).T @ (X - mu[k]) for k in range(len(mu))) / N_k.sum()
    return np.repeat(S[None], len(mu), axis=0)


@hint("keep only the diagonal: off-diagonal entries must be 0")
def kept_off_diagonal(got, case) -> bool:
    return close(got, full_covariances(*case.args))


@hint("average the D variances into one number per component, times the identity")
def did_not_average_variances(got, case) -> bool:
    X, gamma, mu = case.args
    return close(np.diagonal(np.asarray(got, float), axis1=1, axis2=2), _diag_vars(X, gamma, mu, gamma.sum(0)))


@hint("tied is not the average of the full covariances: pool the scatter of all components and divide by N")
def averaged_full_covariances(got, case) -> bool:
    return close(got, np.repeat(full_covariances(*case.args).mean(0)[None], 3, axis=0))


@check
def covariance_full(fn) -> CheckResult:
    """Q: full: Sigma_k = (1/N_k) sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T."""
    return _check_cov("covariance_full", fn, _full_ref)


@check
def covariance_diag(fn) -> CheckResult:
    """Q: diag: Sigma_k = diag of the full covariance (off-diagonal 0)."""
    return _check_cov("covariance_diag", fn, _diag_ref, [kept_off_diagonal])


@check
def covariance_spherical(fn) -> CheckResult:
    """Q: spherical: Sigma_k = s_k^2 I with s_k^2 the mean of component k's D variances."""
    return _check_cov("covariance_spherical", fn, _spherical_ref, [did_not_average_variances])


@check
def covariance_tied(fn) -> CheckResult:
    """Q: tied: one Sigma for all, (1/N) sum_k sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T, repeated K times."""
    return _check_cov("covariance_tied", fn, _tied_ref, [averaged_full_covariances])


# ---------------------------------------------------------------- Q6 counting parameters


@hint("the K weights sum to 1, so only K - 1 of them are free")
def counted_all_weights(got, case) -> bool:
    return close(got, case.expected + 1)


@hint("a D x D covariance is symmetric: it has D(D+1)/2 free numbers, not D^2")
def counted_full_matrix(got, case) -> bool:
    K, D, covariance_type = case.args
    if covariance_type not in ("full", "tied"):
        return False
    return close(got, case.expected + (K if covariance_type == "full" else 1) * D * (D - 1) // 2)


N_PARAMETERS_HINTS = [counted_all_weights, counted_full_matrix]


def _count_problem(got, case) -> str | None:
    return None if np.isscalar(got) and got == case.expected else f"expected {case.expected}, got {got!r}"


@check
def n_parameters(fn) -> CheckResult:
    """Q: free parameters of a GMM: (K - 1) weights + K D means + the covariance parameters."""
    # K = 2, D = 3 first: there every mistake gives a different wrong number, so the hint is unambiguous.
    grid = [(K, D, t) for K in (2, 5, 1) for D in (3, 2, 1) for t in ("full", "tied", "diag", "spherical")]
    cases = [Case(f"K = {K}, D = {D}, covariance_type = {t!r}", (K, D, t), _n_parameters(K, D, t))
             for K, D, t in grid]
    return run_cases("n_parameters", fn, cases, N_PARAMETERS_HINTS, compare=_count_problem)
