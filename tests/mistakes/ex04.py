"""Typical mistakes in exercise set 04: each must fail its check with the right hint
(tests/test_checks.py) and lose exactly its points under nbgrader (tests/test_exercises.py)."""

import numpy as np
from exercise_tools import load_answers
from scipy.stats import multivariate_normal  # noqa: F401 (used by some mistakes)

ok = load_answers("ex04")  # the model answers, from solutions/ex04/ex04.ipynb


def ellipse_eigenvalues(cov, n_std):
    lam, V = np.linalg.eigh(cov)
    return 2 * n_std * lam[1], 2 * n_std * lam[0], np.degrees(np.arctan2(V[1, 1], V[0, 1]))


def ellipse_half_axes(cov, n_std):
    w, h, a = ok["ellipse"](cov, n_std)
    return w / 2, h / 2, a


def ellipse_rows(cov, n_std):
    lam, V = np.linalg.eigh(cov)
    return 2 * n_std * np.sqrt(lam[1]), 2 * n_std * np.sqrt(lam[0]), np.degrees(np.arctan2(V[1, 0], V[1, 1]))


def diag_keeps_full(X, gamma, mu):
    return ok["covariance_full"](X, gamma, mu)


def tied_as_average(X, gamma, mu):
    return np.repeat(ok["covariance_full"](X, gamma, mu).mean(0)[None], len(mu), axis=0)


def n_params_all_weights(K, D, t):
    return ok["n_parameters"](K, D, t) + 1


def n_params_full_square(K, D, t):
    cov = {"full": K * D * D, "tied": D * D, "diag": K * D, "spherical": K}[t]
    return (K - 1) + K * D + cov


# (check, wrong answer, text the feedback must contain)
CHECKS = [
    ("ellipse", ellipse_eigenvalues, "SQUARE ROOTS"),
    ("ellipse", ellipse_half_axes, "FULL axis lengths"),
    ("ellipse", ellipse_rows, "COLUMNS"),
    ("covariance_diag", diag_keeps_full, "keep only the diagonal"),
    ("covariance_tied", tied_as_average, "pool the scatter"),
    ("n_parameters", n_params_all_weights, "only K - 1"),
    ("n_parameters", n_params_full_square, "D(D+1)/2"),
]

# nbgrader round trip: student -> ({answer cell grade_id: code}, [graded cells that must score 0])
GRADED = {
    "eigenvalues_not_sqrt": ({
        "q1_answer": """
def ellipse(cov, n_std):
    lam, V = np.linalg.eigh(cov)
    return 2 * n_std * lam[1], 2 * n_std * lam[0], np.degrees(np.arctan2(V[1, 1], V[0, 1]))
""",
    }, ['q1_check']),
    "all_K_weights": ({
        "q6_answer": """
def n_parameters(K, D, covariance_type):
    covariance = {"full": K * D * (D + 1) // 2, "tied": D * (D + 1) // 2,
                  "diag": K * D, "spherical": K}[covariance_type]
    return K + K * D + covariance
""",
    }, ['q6_check']),
}
