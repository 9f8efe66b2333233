"""Typical mistakes in exercise set 09: each must fail its check with the right hint
(tests/test_checks.py) and lose exactly its points under nbgrader (tests/test_exercises.py)."""

import numpy as np
from exercise_tools import load_answers
from scipy.stats import multivariate_normal

ok = load_answers("ex09")  # the model answers, from solutions/ex09/ex09.ipynb


def _densities(X, pi, mu, Sigma):
    return np.column_stack([pi[k] * np.atleast_1d(multivariate_normal(mu[k], Sigma[k]).pdf(X)) for k in range(len(pi))])


def _stats(X, gamma, centre=None, divide=False, mean=True):
    N_k = gamma.sum(axis=0)
    xbar = gamma.T @ X / ((N_k + 1e-300)[:, None] if mean else 1.0)
    c = xbar if centre is None else centre
    S = np.stack([(gamma[:, k, None] * (X - c[k])).T @ (X - c[k]) for k in range(len(N_k))])
    return N_k, xbar, S / (N_k[:, None, None] if divide else 1.0)


def stats_not_in_log_space(X, pi, mu, Sigma):
    dens = _densities(X, pi, mu, Sigma)
    return _stats(X, dens / dens.sum(axis=1, keepdims=True))


def stats_hard(X, pi, mu, Sigma):
    dens = _densities(X, pi, mu, Sigma)
    return _stats(X, np.eye(len(pi))[dens.argmax(axis=1)])


def stats_sum_not_mean(X, pi, mu, Sigma):
    dens = _densities(X, pi, mu, Sigma)
    N_k, _, S = ok["chunk_stats"](X, pi, mu, Sigma)
    return N_k, (dens / dens.sum(axis=1, keepdims=True)).T @ X, S


def stats_about_old_means(X, pi, mu, Sigma):
    dens = _densities(X, pi, mu, Sigma)
    return _stats(X, dens / dens.sum(axis=1, keepdims=True), centre=np.asarray(mu))


def stats_covariance_not_scatter(X, pi, mu, Sigma):
    N_k, xbar, S = ok["chunk_stats"](X, pi, mu, Sigma)
    return N_k, xbar, S / N_k[:, None, None]


def merge_without_between_term(a, b):
    N_k = a[0] + b[0]
    return N_k, (a[0][:, None] * a[1] + b[0][:, None] * b[1]) / N_k[:, None], a[2] + b[2]


def merge_unweighted_mean(a, b):
    N_k, _, S = ok["merge_stats"](a, b)
    return N_k, (a[1] + b[1]) / 2, S


def m_step_unnormalised_weights(N_k, xbar, S, reg_covar=1e-6):
    pi, mu, Sigma = ok["m_step_from_stats"](N_k, xbar, S, reg_covar)
    return N_k, mu, Sigma


def m_step_scatter_as_covariance(N_k, xbar, S, reg_covar=1e-6):
    return N_k / N_k.sum(), xbar, S + reg_covar * np.eye(xbar.shape[1])


def m_step_divide_by_total(N_k, xbar, S, reg_covar=1e-6):
    return N_k / N_k.sum(), xbar, S / N_k.sum() + reg_covar * np.eye(xbar.shape[1])


def m_step_without_floor(N_k, xbar, S, reg_covar=1e-6):
    return N_k / N_k.sum(), xbar, S / N_k[:, None, None]


def _pass(chunks, pi, mu, Sigma):
    total = ok["chunk_stats"](chunks[0], pi, mu, Sigma)
    for X in chunks[1:]:
        total = ok["merge_stats"](total, ok["chunk_stats"](X, pi, mu, Sigma))
    return total


def em_step_per_chunk(chunks, pi, mu, Sigma, n_iter=20, reg_covar=1e-6):
    for _ in range(n_iter):
        for X in chunks:
            pi, mu, Sigma = ok["m_step_from_stats"](*ok["chunk_stats"](X, pi, mu, Sigma), reg_covar)
    return pi, mu, Sigma


def em_stats_once(chunks, pi, mu, Sigma, n_iter=20, reg_covar=1e-6):
    total = _pass(chunks, pi, mu, Sigma)
    for _ in range(n_iter):
        pi, mu, Sigma = ok["m_step_from_stats"](*total, reg_covar)
    return pi, mu, Sigma


def em_last_chunk_wins(chunks, pi, mu, Sigma, n_iter=20, reg_covar=1e-6):
    for _ in range(n_iter):
        for X in chunks:
            total = ok["chunk_stats"](X, pi, mu, Sigma)
        pi, mu, Sigma = ok["m_step_from_stats"](*total, reg_covar)
    return pi, mu, Sigma


# (check name, wrong answer, a phrase its hint must contain)
CHECKS = [
    ("chunk_stats", stats_not_in_log_space, "log space"),
    ("chunk_stats", stats_hard, "soft responsibilities"),
    ("chunk_stats", stats_sum_not_mean, "weighted MEAN"),
    ("chunk_stats", stats_about_old_means, "own xbar_k"),
    ("chunk_stats", stats_covariance_not_scatter, "do not divide"),
    ("merge_stats", merge_without_between_term, "between-chunk term"),
    ("merge_stats", merge_unweighted_mean, "weights each chunk"),
    ("m_step_from_stats", m_step_unnormalised_weights, "sum to 1"),
    ("m_step_from_stats", m_step_scatter_as_covariance, "divide it by the soft count"),
    ("m_step_from_stats", m_step_divide_by_total, "not by the total N"),
    ("m_step_from_stats", m_step_without_floor, "reg_covar"),
    ("streaming_em", em_step_per_chunk, "online"),
    ("streaming_em", em_stats_once, "CURRENT parameters"),
    ("streaming_em", em_last_chunk_wins, "last chunk"),
]

# nbgrader round trip: student -> ({answer cell grade_id: wrong code}, [graded cells that must score 0]).
# Q4 uses the learner's own Q1-Q3, so a wrong chunk_stats also costs Q4's points (the text says so).
GRADED = {
    "no_between_term": ({
        "q2_answer": """
def merge_stats(a, b):
    (N_a, xb_a, S_a), (N_b, xb_b, S_b) = a, b
    N_k = N_a + N_b
    return N_k, (N_a[:, None] * xb_a + N_b[:, None] * xb_b) / (N_k + 1e-300)[:, None], S_a + S_b
""",
    }, ["q2_check", "q4_check"]),
    "scatter_about_old_means": ({
        "q1_answer": """
def chunk_stats(X, pi, mu, Sigma):
    X = np.atleast_2d(np.asarray(X, dtype=float))
    K = len(pi)
    log_joint = np.column_stack([np.log(pi[k]) + np.atleast_1d(multivariate_normal(mu[k], Sigma[k]).logpdf(X))
                                 for k in range(K)])
    gamma = np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))
    N_k = gamma.sum(axis=0)
    xbar = gamma.T @ X / (N_k + 1e-300)[:, None]
    S = np.stack([(gamma[:, k, None] * (X - mu[k])).T @ (X - mu[k]) for k in range(K)])
    return N_k, xbar, S
""",
    }, ["q1_check", "q4_check"]),
    "no_variance_floor": ({
        "q3_answer": """
def m_step_from_stats(N_k, xbar, S, reg_covar=1e-6):
    return N_k / N_k.sum(), xbar.copy(), S / (N_k + 1e-300)[:, None, None]
""",
    }, ["q3_check", "q4_check"]),
    "statistics_computed_once": ({
        "q4_answer": """
def streaming_em(chunks, pi, mu, Sigma, n_iter=20, reg_covar=1e-6):
    total = chunk_stats(chunks[0], pi, mu, Sigma)
    for X_c in chunks[1:]:
        total = merge_stats(total, chunk_stats(X_c, pi, mu, Sigma))
    for _ in range(n_iter):
        pi, mu, Sigma = m_step_from_stats(*total, reg_covar)
    return pi, mu, Sigma
""",
    }, ["q4_check"]),
}
