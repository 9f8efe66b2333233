"""Typical mistakes in exercise set 10: each must fail its check with the right hint
(tests/test_checks.py) and lose exactly its points under nbgrader (tests/test_exercises.py)."""

import numpy as np
from exercise_tools import load_answers

ok = load_answers("ex10")  # the model answers, from solutions/ex10/ex10.ipynb


def bark_without_offset(f):
    f = np.asarray(f, dtype=float)
    return 26.81 * f / (1960.0 + f)


def bark_in_khz(f):
    f = np.asarray(f, dtype=float) / 1000
    return 26.81 * f / (1960.0 + f) - 0.53


def bark_zwicker(f):
    f = np.asarray(f, dtype=float)
    return 13 * np.arctan(0.00076 * f) + 3.5 * np.arctan((f / 7500) ** 2)


def lobanov_global(Z, speaker):
    Z = np.asarray(Z, dtype=float)
    return (Z - Z.mean(axis=0)) / Z.std(axis=0)


def lobanov_sample_std(Z, speaker):
    Z = np.asarray(Z, dtype=float)
    out = np.empty_like(Z)
    for s in np.unique(speaker):
        mine = speaker == s
        out[mine] = (Z[mine] - Z[mine].mean(axis=0)) / Z[mine].std(axis=0, ddof=1)
    return out


def lobanov_variance(Z, speaker):
    Z = np.asarray(Z, dtype=float)
    out = np.empty_like(Z)
    for s in np.unique(speaker):
        mine = speaker == s
        out[mine] = (Z[mine] - Z[mine].mean(axis=0)) / Z[mine].var(axis=0)
    return out


def _gamma(X, pi, mu, Sigma):
    from scipy.special import logsumexp
    from scipy.stats import multivariate_normal
    log_joint = np.column_stack([np.log(pi[k]) + np.atleast_1d(multivariate_normal(mu[k], Sigma[k]).logpdf(X))
                                 for k in range(len(pi))])
    return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))


def adapt_swapped_weights(X, pi, mu, Sigma, r):
    gamma = _gamma(X, pi, mu, Sigma)
    N_k = gamma.sum(axis=0) + 1e-300
    alpha = (r / (N_k + r))[:, None]
    return alpha * (gamma.T @ X) / N_k[:, None] + (1 - alpha) * mu


def adapt_hard(X, pi, mu, Sigma, r):
    gamma = np.eye(len(pi))[_gamma(X, pi, mu, Sigma).argmax(axis=1)]
    N_k = gamma.sum(axis=0) + 1e-300
    alpha = (N_k / (N_k + r))[:, None]
    return alpha * (gamma.T @ X) / N_k[:, None] + (1 - alpha) * mu


def adapt_sum_not_mean(X, pi, mu, Sigma, r):
    gamma = _gamma(X, pi, mu, Sigma)
    N_k = gamma.sum(axis=0) + 1e-300
    alpha = (N_k / (N_k + r))[:, None]
    return alpha * (gamma.T @ X) + (1 - alpha) * mu


def adapt_without_weights(X, pi, mu, Sigma, r):
    return ok["map_adapt"](X, np.full(len(pi), 1 / len(pi)), mu, Sigma, r)


def update_backwards(mean, var, x, rho):
    return ok["running_update"](mean, var, x, 1 - rho)


def update_new_mean_squared(mean, var, x, rho):
    new_mean = mean + rho * (x - mean)
    return new_mean, (1 - rho) * var + rho * (x - new_mean) ** 2


def update_old_mean_squared(mean, var, x, rho):
    new_mean = mean + rho * (x - mean)
    return new_mean, (1 - rho) * var + rho * (x - mean) ** 2


def scores_swapped(found, truth):
    p, r, f = ok["precision_recall_f1"](found, truth)
    return r, p, f


def scores_arithmetic_mean(found, truth):
    p, r, _ = ok["precision_recall_f1"](found, truth)
    return p, r, (p + r) / 2


def scores_per_frame(found, truth):
    found, truth = np.atleast_2d(found), np.atleast_2d(truth)
    axes = tuple(range(1, found.ndim))
    tp = np.sum(found & truth, axis=axes)
    p, r = tp / np.sum(found, axis=axes), tp / np.sum(truth, axis=axes)
    return p, r, 2 * p * r / (p + r)


# (check, wrong answer, text the feedback must contain)
CHECKS = [
    ("hz_to_bark", bark_without_offset, "subtract 0.53"),
    ("hz_to_bark", bark_in_khz, "not kilohertz"),
    ("hz_to_bark", bark_zwicker, "Zwicker"),
    ("lobanov", lobanov_global, "within each speaker"),
    ("lobanov", lobanov_sample_std, "ddof=0"),
    ("lobanov", lobanov_variance, "not the variance"),
    ("map_adapt", adapt_swapped_weights, "swapped"),
    ("map_adapt", adapt_hard, "soft responsibilities"),
    ("map_adapt", adapt_sum_not_mean, "weighted MEAN"),
    ("map_adapt", adapt_without_weights, "weights pi_k included"),
    ("running_update", update_backwards, "TOWARDS x"),
    ("running_update", update_new_mean_squared, "approximation"),
    ("running_update", update_old_mean_squared, "too large"),
    ("precision_recall_f1", scores_swapped, "divides by what you FLAGGED"),
    ("precision_recall_f1", scores_arithmetic_mean, "harmonic mean"),
    ("precision_recall_f1", scores_per_frame, "whole stack"),
]

# nbgrader round trip: student -> ({answer cell grade_id: wrong code}, [graded cells that must score 0])
GRADED = {
    "global_normalisation": ({
        "q2_answer": """
def lobanov(Z, speaker):
    Z = np.asarray(Z, dtype=float)
    return (Z - Z.mean(axis=0)) / Z.std(axis=0)
""",
    }, ["q2_check"]),
    "hard_assignments": ({
        "q3_answer": """
def map_adapt(X, pi, mu, Sigma, r):
    X, mu = np.atleast_2d(np.asarray(X, dtype=float)), np.asarray(mu, dtype=float)
    log_joint = np.column_stack([np.log(pi[k]) + np.atleast_1d(multivariate_normal(mu[k], Sigma[k]).logpdf(X))
                                 for k in range(len(pi))])
    gamma = np.eye(len(pi))[log_joint.argmax(axis=1)]
    N_k = gamma.sum(axis=0) + 1e-300
    alpha = (N_k / (N_k + r))[:, None]
    return alpha * (gamma.T @ X) / N_k[:, None] + (1 - alpha) * mu
""",
    }, ["q3_check"]),
    "approximate_variance": ({
        "q4_answer": """
def running_update(mean, var, x, rho):
    new_mean = mean + rho * (x - mean)
    return new_mean, (1 - rho) * var + rho * (x - new_mean) ** 2
""",
    }, ["q4_check"]),
    "bark_and_scores": ({
        "q1_answer": """
def hz_to_bark(f):
    f = np.asarray(f, dtype=float)
    return 26.81 * f / (1960.0 + f)
""",
        "q5_answer": """
def precision_recall_f1(found, truth):
    tp = np.sum(found & truth)
    precision, recall = tp / np.sum(found), tp / np.sum(truth)
    return float(precision), float(recall), float((precision + recall) / 2)
""",
    }, ["q1_check", "q5_check"]),
}
