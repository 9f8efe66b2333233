"""Typical mistakes in exercise set 08: each must fail its check with the right hint
(tests/test_checks.py) and lose exactly its points under nbgrader (tests/test_exercises.py)."""

import numpy as np
from exercise_tools import load_answers
from scipy import linalg

ok = load_answers("ex08")  # the model answers, from solutions/ex08/ex08.ipynb


def tied_keeps_stack(Sigma, covariance_type):
    return Sigma.copy() if covariance_type == "tied" else ok["to_sklearn_covariances"](Sigma, covariance_type)


def diag_keeps_full(Sigma, covariance_type):
    return Sigma.copy() if covariance_type == "diag" else ok["to_sklearn_covariances"](Sigma, covariance_type)


def spherical_keeps_diagonal(Sigma, covariance_type):
    if covariance_type == "spherical":
        return np.diagonal(Sigma, axis1=1, axis2=2).copy()
    return ok["to_sklearn_covariances"](Sigma, covariance_type)


def spherical_mean_of_matrix(Sigma, covariance_type):
    if covariance_type == "spherical":
        return Sigma.mean(axis=(1, 2))
    return ok["to_sklearn_covariances"](Sigma, covariance_type)


def precision_is_covariance(Sigma):
    return Sigma.copy()


def precision_entrywise(Sigma):
    with np.errstate(divide="ignore"):
        return 1.0 / Sigma


def precision_wrong_order(Sigma):
    D = Sigma.shape[-1]
    L_inv = [linalg.solve_triangular(np.linalg.cholesky(S), np.eye(D), lower=True) for S in Sigma]
    return np.stack([Li @ Li.T for Li in L_inv])


def precision_cholesky_only(Sigma):
    D = Sigma.shape[-1]
    return np.stack([linalg.solve_triangular(np.linalg.cholesky(S), np.eye(D), lower=True).T for S in Sigma])


def log_det_wrong_sign(P):
    return -ok["log_det_from_precisions_cholesky"](P)


def log_det_missing_two(P):
    return ok["log_det_from_precisions_cholesky"](P) / 2


def log_det_via_det(P):
    with np.errstate(all="ignore"):
        return -np.log(np.linalg.det(P @ np.transpose(P, (0, 2, 1))))


def total_is_mean(score, N):
    return score


def total_divides(score, N):
    return score / N


def align_inverse(mu, mu_ref):
    return np.argsort(ok["align_to_reference"](mu, mu_ref))


def align_nearest(mu, mu_ref):
    return np.array([np.argmin(((mu - m) ** 2).sum(axis=1)) for m in mu_ref])


def params_from_precisions(model):
    pi, mu, _ = ok["params_from_sklearn"](model)
    K, D = model.means_.shape
    P = model.precisions_
    full = {"full": lambda: P, "tied": lambda: np.repeat(P[None], K, axis=0),
            "diag": lambda: P[:, :, None] * np.eye(D), "spherical": lambda: P[:, None, None] * np.eye(D)}
    return pi, mu, full[model.covariance_type]()


def params_tied_not_repeated(model):
    pi, mu, Sigma = ok["params_from_sklearn"](model)
    return (pi, mu, model.covariances_) if model.covariance_type == "tied" else (pi, mu, Sigma)


def params_diag_as_vectors(model):
    pi, mu, Sigma = ok["params_from_sklearn"](model)
    return (pi, mu, model.covariances_) if model.covariance_type == "diag" else (pi, mu, Sigma)


# (check, wrong answer, text the feedback must contain)
CHECKS = [
    ("to_sklearn_covariances", tied_keeps_stack, "ONE shared matrix"),
    ("to_sklearn_covariances", diag_keeps_full, "keep only the diagonal"),
    ("to_sklearn_covariances", spherical_keeps_diagonal, "one variance per component"),
    ("to_sklearn_covariances", spherical_mean_of_matrix, "not an average over the whole matrix"),
    ("precisions_from_covariances", precision_is_covariance, "INVERSE"),
    ("precisions_from_covariances", precision_entrywise, "not 1 / Sigma entry by entry"),
    ("precisions_from_covariances", precision_wrong_order, "the transpose comes first"),
    ("precisions_from_covariances", precision_cholesky_only, "precisions_cholesky_"),
    ("log_det_from_precisions_cholesky", log_det_wrong_sign, "check the sign"),
    ("log_det_from_precisions_cholesky", log_det_missing_two, "factor 2"),
    ("log_det_from_precisions_cholesky", log_det_via_det, "sum the logs"),
    ("total_log_likelihood_from_score", total_is_mean, "MEAN per point"),
    ("total_log_likelihood_from_score", total_divides, "multiply by N"),
    ("align_to_reference", align_inverse, "inverse permutation"),
    ("align_to_reference", align_nearest, "linear_sum_assignment"),
    ("params_from_sklearn", params_from_precisions, "read covariances_, not precisions_"),
    ("params_from_sklearn", params_tied_not_repeated, "repeat it K times"),
    ("params_from_sklearn", params_diag_as_vectors, "put each row on a diagonal"),
]

# nbgrader round trip: student -> ({answer cell grade_id: code}, [graded cells that must score 0])
GRADED = {
    "mean_not_total": ({
        "q4_answer": """
def total_log_likelihood_from_score(score, N):
    return score
""",
    }, ['q4_check']),
    "tied_as_stack": ({
        "q1_answer": """
def to_sklearn_covariances(Sigma, covariance_type):
    if covariance_type == "diag":
        return np.diagonal(Sigma, axis1=1, axis2=2).copy()
    if covariance_type == "spherical":
        return Sigma[:, 0, 0].copy()
    return Sigma.copy()
""",
    }, ['q1_check']),
    # Precision taken for covariance: the model is read back with inverse covariances.
    "precisions_for_covariances": ({
        "q6_answer": """
def params_from_sklearn(model):
    K, D = model.means_.shape
    P = model.precisions_
    if model.covariance_type == "full":
        Sigma = np.array(P)
    elif model.covariance_type == "tied":
        Sigma = np.repeat(P[None], K, axis=0)
    elif model.covariance_type == "diag":
        Sigma = P[:, :, None] * np.eye(D)
    else:
        Sigma = P[:, None, None] * np.eye(D)
    return np.array(model.weights_), np.array(model.means_), Sigma
""",
        "q2_answer": """
def precisions_from_covariances(Sigma):
    return 1.0 / Sigma
""",
    }, ['q2_check', 'q6_check']),
}
