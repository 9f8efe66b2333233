"""Typical mistakes in exercise set 01: each must fail its check with the right hint
(tests/test_checks.py) and lose exactly its points under nbgrader (tests/test_exercises.py)."""

import numpy as np
from exercise_tools import load_answers
from scipy.stats import multivariate_normal  # noqa: F401 (used by some mistakes)

ok = load_answers("ex01")  # the model answers, from solutions/ex01/ex01.ipynb


def prob_space_log_normal(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    return np.log(np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2))


def density_not_log(x, mu, sigma):
    return np.exp(ok["log_normal_pdf"](x, mu, sigma))


def variance_as_sigma(x, mu, sigma):
    return ok["log_normal_pdf"](x, mu, np.sqrt(sigma))


def mixture_without_weights(x, pi, mu, sigma):
    return sum(np.exp(ok["log_normal_pdf"](x, mu[k], sigma[k])) for k in range(len(pi)))


def posterior_prob_space(x, pi, mu, sigma):
    dens = np.stack([pi[k] * np.exp(ok["log_normal_pdf"](x, mu[k], sigma[k])) for k in range(len(pi))], axis=1)
    with np.errstate(invalid="ignore"):
        return dens / dens.sum(axis=1, keepdims=True)


def sample_with_variance(pi, mu, sigma, n, rng):
    return ok["sample_mixture"](pi, mu, np.asarray(sigma) ** 2, n, rng)


def sample_ignoring_rng(pi, mu, sigma, n, rng):
    return ok["sample_mixture"](pi, mu, sigma, n, np.random.default_rng())


# (check, wrong answer, text the feedback must contain)
CHECKS = [
    ("log_normal_pdf", prob_space_log_normal, "underflows"),
    ("log_normal_pdf", density_not_log, "returned the density itself"),
    ("log_normal_pdf", variance_as_sigma, "sigma is the standard deviation"),
    ("mixture_pdf", mixture_without_weights, "you forgot the weights"),
    ("posterior", posterior_prob_space, "logsumexp"),
    ("sample_mixture", sample_with_variance, "sigma is the standard deviation"),
    ("sample_mixture", sample_ignoring_rng, "use the rng you are given"),
]

# nbgrader round trip: student -> ({answer cell grade_id: code}, [graded cells that must score 0])
GRADED = {
    "forgot_weights": ({
        "q2_answer": """
def mixture_pdf(x, pi, mu, sigma):
    x = np.asarray(x, dtype=float)
    return sum(np.exp(log_normal_pdf(x, mu[k], sigma[k])) for k in range(len(pi)))
""",
    }, ['q2_check']),
    "probability_space": ({
        "q4_answer": """
def posterior(x, pi, mu, sigma):
    x = np.asarray(x, dtype=float)
    dens = np.stack([pi[k] * np.exp(log_normal_pdf(x, mu[k], sigma[k])) for k in range(len(pi))], axis=1)
    return dens / dens.sum(axis=1, keepdims=True)
""",
    }, ['q4_check']),
}
