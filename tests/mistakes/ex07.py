"""Typical mistakes in exercise set 07: each must fail its check with the right hint
(tests/test_checks.py) and lose exactly its points under nbgrader (tests/test_exercises.py)."""

import numpy as np
from exercise_tools import load_answers
from scipy.stats import multivariate_normal

ok = load_answers("ex07")  # the model answers, from solutions/ex07/ex07.ipynb


def class_gaussians_unbiased(X, y, K):
    pi, mu, _ = ok["class_gaussians"](X, y, K)
    return pi, mu, np.stack([np.cov(X[y == k].T) for k in range(K)])  # divides by N_k - 1


def class_gaussians_counts(X, y, K):
    _, mu, Sigma = ok["class_gaussians"](X, y, K)
    return np.bincount(y, minlength=K).astype(float), mu, Sigma


def class_gaussians_uncentred(X, y, K):
    pi, mu, _ = ok["class_gaussians"](X, y, K)
    return pi, mu, np.stack([X[y == k].T @ X[y == k] / np.sum(y == k) for k in range(K)])


def proba_probability_space(X, pi, mu, Sigma):
    dens = np.column_stack([pi[k] * multivariate_normal(mu[k], Sigma[k]).pdf(X) for k in range(len(pi))])
    with np.errstate(invalid="ignore", divide="ignore"):
        return dens / dens.sum(axis=1, keepdims=True)


def proba_no_priors(X, pi, mu, Sigma):
    return ok["predict_proba_qda"](X, np.full(len(pi), 1 / len(pi)), mu, Sigma)


def proba_log(X, pi, mu, Sigma):
    return np.log(ok["predict_proba_qda"](X, pi, mu, Sigma))


def clamp_class_zero_forgotten(gamma, y_partial):
    out = gamma.copy()
    out[y_partial > 0] = np.eye(gamma.shape[1])[y_partial[y_partial > 0]]
    return out


def clamp_every_row(gamma, y_partial):
    return np.eye(gamma.shape[1])[y_partial]  # -1 picks the last class


def clamp_the_unlabelled_rows(gamma, y_partial):
    out = gamma.copy()
    unlabelled = y_partial == -1
    out[unlabelled] = np.eye(gamma.shape[1])[y_partial[unlabelled]]
    return out


def clamp_in_place(gamma, y_partial):
    labelled = y_partial >= 0
    gamma[labelled] = np.eye(gamma.shape[1])[y_partial[labelled]]
    return gamma


def mean_sigma_oo_not_inverse(x_obs, mu, Sigma, observed):
    o, m = observed, ~observed
    return mu[m] + Sigma[np.ix_(m, o)] @ Sigma[np.ix_(o, o)] @ (x_obs - mu[o])


def mean_not_centred(x_obs, mu, Sigma, observed):
    o, m = observed, ~observed
    return mu[m] + Sigma[np.ix_(m, o)] @ np.linalg.solve(Sigma[np.ix_(o, o)], x_obs)


def mean_unconditional(x_obs, mu, Sigma, observed):
    return mu[~observed]


def covariance_unconditional(Sigma, observed):
    return Sigma[np.ix_(~observed, ~observed)]


def covariance_sigma_oo_not_inverse(Sigma, observed):
    o, m = observed, ~observed
    return Sigma[np.ix_(m, m)] - Sigma[np.ix_(m, o)] @ Sigma[np.ix_(o, o)] @ Sigma[np.ix_(o, m)]


# (check, wrong answer, text the feedback must contain)
CHECKS = [
    ("class_gaussians", class_gaussians_unbiased, "not by N_k - 1"),
    ("class_gaussians", class_gaussians_counts, "SHARE"),
    ("class_gaussians", class_gaussians_uncentred, "OWN mean"),
    ("predict_proba_qda", proba_probability_space, "log"),
    ("predict_proba_qda", proba_no_priors, "include the class priors"),
    ("predict_proba_qda", proba_log, "not their logarithms"),
    ("semi_supervised_gamma", clamp_class_zero_forgotten, "class 0 is a label too"),
    ("semi_supervised_gamma", clamp_every_row, "np.eye(K)[-1]"),
    ("semi_supervised_gamma", clamp_the_unlabelled_rows, "clamp the LABELLED rows"),
    ("semi_supervised_gamma", clamp_in_place, "work on a copy"),
    ("conditional_mean", mean_sigma_oo_not_inverse, "INVERSE of Sigma_oo"),
    ("conditional_mean", mean_not_centred, "centre the observed values"),
    ("conditional_mean", mean_unconditional, "the observed values tell you something"),
    ("conditional_covariance", covariance_unconditional, "REDUCES the uncertainty"),
    ("conditional_covariance", covariance_sigma_oo_not_inverse, "INVERSE of Sigma_oo"),
]

# nbgrader round trip: student -> ({answer cell grade_id: code}, [graded cells that must score 0])
GRADED = {
    "probability_space": ({
        "q2_answer": """
def predict_proba_qda(X, pi, mu, Sigma):
    dens = np.column_stack([pi[k] * multivariate_normal(mu[k], Sigma[k]).pdf(X) for k in range(len(pi))])
    return dens / dens.sum(axis=1, keepdims=True)
""",
    }, ["q2_check"]),
    "forgets_priors": ({
        "q2_answer": """
def predict_proba_qda(X, pi, mu, Sigma):
    log_lik = np.column_stack([multivariate_normal(mu[k], Sigma[k]).logpdf(X) for k in range(len(pi))])
    return np.exp(log_lik - logsumexp(log_lik, axis=1, keepdims=True))
""",
    }, ["q2_check"]),
    "clamps_wrong_rows_and_sigma_oo": ({
        "q3_answer": """
def semi_supervised_gamma(gamma, y_partial):
    out = np.array(gamma, dtype=float)
    labelled = y_partial > 0
    out[labelled] = np.eye(gamma.shape[1])[y_partial[labelled]]
    return out
""",
        "q4_answer": """
def conditional_mean(x_obs, mu, Sigma, observed):
    o, m = observed, ~observed
    return mu[m] + Sigma[np.ix_(m, o)] @ Sigma[np.ix_(o, o)] @ (x_obs - mu[o])
""",
    }, ["q3_check", "q4_check"]),
    "unbiased_covariances": ({
        "q1_answer": """
def class_gaussians(X, y, K):
    pi = np.array([np.mean(y == k) for k in range(K)])
    mu = np.stack([X[y == k].mean(axis=0) for k in range(K)])
    Sigma = np.stack([np.atleast_2d(np.cov(X[y == k].T)) for k in range(K)])
    return pi, mu, Sigma
""",
    }, ["q1_check"]),
}
