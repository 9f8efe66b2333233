"""Typical mistakes in exercise set 03: each must fail its check with the right hint
(tests/test_checks.py) and lose exactly its points under nbgrader (tests/test_exercises.py)."""

import numpy as np
from exercise_tools import load_answers
from scipy.stats import multivariate_normal  # noqa: F401 (used by some mistakes)

ok = load_answers("ex03")  # the model answers, from solutions/ex03/ex03.ipynb


def e_step_prob_space(X, pi, mu, Sigma):

    dens = np.stack([pi[k] * multivariate_normal(mu[k], Sigma[k]).pdf(X) for k in range(len(pi))], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return dens / dens.sum(axis=1, keepdims=True), float(np.log(dens.sum(axis=1)).sum())


def e_step_mean_ll(X, pi, mu, Sigma):
    gamma, ll = ok["e_step"](X, pi, mu, Sigma)
    return gamma, ll / len(X)


def e_step_no_weights(X, pi, mu, Sigma):
    return ok["e_step"](X, np.full(len(pi), 1 / len(pi)), mu, Sigma)


def weights_not_normalised(gamma):
    return gamma.sum(axis=0)


def means_over_n(X, gamma):
    return gamma.T @ X / len(X)


def covariances_uncentred(X, gamma, mu):
    return ok["m_step_covariances"](X, gamma, np.zeros_like(mu))


def covariances_over_n(X, gamma, mu):
    return ok["m_step_covariances"](X, gamma, mu) * gamma.sum(0)[:, None, None] / len(X)


def em_broken_m_step(X, pi, mu, Sigma, n_iter):
    lls = []
    for _ in range(n_iter):
        gamma, ll = ok["e_step"](X, pi, mu, Sigma)
        lls.append(ll)
        mu = ok["m_step_means"](X, gamma)  # the weights and covariances are never updated
    return pi, mu, Sigma, np.array(lls)


# (check, wrong answer, text the feedback must contain)
CHECKS = [
    ("e_step", e_step_prob_space, "logsumexp"),
    ("e_step", e_step_mean_ll, "TOTAL log-likelihood"),
    ("e_step", e_step_no_weights, "include the weights"),
    ("m_step_weights", weights_not_normalised, "divide the soft counts N_k by N"),
    ("m_step_means", means_over_n, "divide by N_k"),
    ("m_step_covariances", covariances_uncentred, "centre the data"),
    ("m_step_covariances", covariances_over_n, "divide by N_k"),
    ("em", em_broken_m_step, None),
]

# nbgrader round trip: student -> ({answer cell grade_id: code}, [graded cells that must score 0])
GRADED = {
    "probability_space": ({
        "q1_answer": """
def e_step(X, pi, mu, Sigma):
    dens = np.stack([pi[k] * multivariate_normal(mu[k], Sigma[k]).pdf(X) for k in range(len(pi))], axis=1)
    dens = dens.reshape(len(X), len(pi))
    return dens / dens.sum(axis=1, keepdims=True), float(np.log(dens.sum(axis=1)).sum())
""",
    }, ['q1_check']),
    # Forgetting the weights in the E-step also breaks the loop and the fit built on it.
    "forgot_weights": ({
        "q1_answer": """
def e_step(X, pi, mu, Sigma):
    log_joint = np.stack([multivariate_normal(mu[k], Sigma[k]).logpdf(X) for k in range(len(pi))], axis=1)
    log_joint = log_joint.reshape(len(X), len(pi))
    log_px = logsumexp(log_joint, axis=1)
    return np.exp(log_joint - log_px[:, None]), float(log_px.sum())
""",
    }, ['q1_check', 'q5_check', 'q6_check']),
}
