"""Typical mistakes in exercise set 11: each must fail its check with the right hint
(tests/test_checks.py) and lose exactly its points under nbgrader (tests/test_exercises.py)."""

from math import comb

import numpy as np
from exercise_tools import load_answers

ok = load_answers("ex11")  # the model answers, from solutions/ex11/ex11.ipynb


def recall_as_precision(score, truth, fraction):
    n_top = int(round(fraction * len(score)))
    top = np.argsort(-np.asarray(score), kind="stable")[:n_top]
    return float(np.sum(np.asarray(truth)[top]) / n_top)


def recall_lowest_first(score, truth, fraction):
    return ok["recall_at_top"](-np.asarray(score, dtype=float), truth, fraction)


def genotypes_frequency_not_halved(G):
    G = np.asarray(G, dtype=float)
    p = G.mean(axis=0)
    with np.errstate(all="ignore"):
        return (G - 2 * p) / np.sqrt(2 * p * (1 - p))


def genotypes_column_zscore(G):
    G = np.asarray(G, dtype=float)
    return (G - G.mean(axis=0)) / G.std(axis=0)


def genotypes_by_variance(G):
    G = np.asarray(G, dtype=float)
    p = G.mean(axis=0) / 2
    return (G - 2 * p) / (2 * p * (1 - p))


def position_from_m0(x, m0, m1):
    return ok["ancestry_position"](x, m1, m0)


def position_unsquared(x, m0, m1):
    x, m0, m1 = (np.asarray(a, dtype=float) for a in (x, m0, m1))
    d = m0 - m1
    return (x - m1) @ d / np.linalg.norm(d)


def position_distance_ratio(x, m0, m1):
    x, m0, m1 = (np.asarray(a, dtype=float) for a in (x, m0, m1))
    d1, d0 = np.linalg.norm(x - m1, axis=1), np.linalg.norm(x - m0, axis=1)
    return d1 / (d0 + d1)


def _pairs(a, b):
    a, b = np.unique(a, return_inverse=True)[1], np.unique(b, return_inverse=True)[1]
    table = np.zeros((a.max() + 1, b.max() + 1), dtype=int)
    np.add.at(table, (a, b), 1)
    count = lambda m: sum(comb(int(v), 2) for v in np.ravel(m))  # noqa: E731
    return count(table), count(table.sum(axis=1)), count(table.sum(axis=0)), comb(len(a), 2)


def rand_unadjusted(a, b):
    index, rows, cols, n_pairs = _pairs(a, b)
    return (n_pairs + 2 * index - rows - cols) / n_pairs


def ari_plain_denominator(a, b):
    index, rows, cols, n_pairs = _pairs(a, b)
    expected = rows * cols / n_pairs
    return (index - expected) / ((rows + cols) / 2)


def medians_as_means(X, labels, K):
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    return np.array([X[labels == k].mean(axis=0) for k in range(K)])


def medians_transposed(X, labels, K):
    return ok["segment_medians"](X, labels, K).T


# (check, wrong answer, text the feedback must contain)
CHECKS = [
    ("recall_at_top", recall_as_precision, "ALL pulsars"),
    ("recall_at_top", recall_lowest_first, "HIGHEST score"),
    ("standardise_genotypes", genotypes_frequency_not_halved, "2 allele copies"),
    ("standardise_genotypes", genotypes_column_zscore, "binomial standard deviation"),
    ("standardise_genotypes", genotypes_by_variance, "not the variance"),
    ("ancestry_position", position_from_m0, "measure from m1"),
    ("ancestry_position", position_unsquared, "SQUARED length"),
    ("ancestry_position", position_distance_ratio, "ratios of distances"),
    ("adjusted_rand", rand_unadjusted, "plain Rand index"),
    ("adjusted_rand", ari_plain_denominator, "in the denominator too"),
    ("segment_medians", medians_as_means, "by its median"),
    ("segment_medians", medians_transposed, "one ROW per segment"),
]

# nbgrader round trip: student -> ({answer cell grade_id: wrong code}, [graded cells that must score 0])
GRADED = {
    "precision_not_recall": ({
        "q1_answer": """
def recall_at_top(score, truth, fraction):
    n_top = int(round(fraction * len(score)))
    top = np.argsort(-np.asarray(score), kind="stable")[:n_top]
    return float(np.sum(np.asarray(truth)[top]) / n_top)
""",
    }, ["q1_check"]),
    "frequency_not_halved": ({
        "q2_answer": """
def standardise_genotypes(G):
    G = np.asarray(G, dtype=float)
    p = G.mean(axis=0)
    return (G - 2 * p) / np.sqrt(np.abs(2 * p * (1 - p)))
""",
    }, ["q2_check"]),
    "plain_rand_index": ({
        "q4_answer": """
def adjusted_rand(a, b):
    a, b = np.asarray(a), np.asarray(b)
    same_a = a[:, None] == a[None, :]
    same_b = b[:, None] == b[None, :]
    agree = (same_a == same_b)[np.triu_indices(len(a), 1)]
    return float(agree.mean())
""",
    }, ["q4_check"]),
    "position_and_means": ({
        "q3_answer": """
def ancestry_position(x, m0, m1):
    x, m0, m1 = (np.asarray(v, dtype=float) for v in (x, m0, m1))
    d = m1 - m0
    return (x - m0) @ d / (d @ d)
""",
        "q5_answer": """
def segment_medians(X, labels, K):
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    return np.array([X[labels == k].mean(axis=0) for k in range(K)])
""",
    }, ["q3_check", "q5_check"]),
}
