"""Typical mistakes in exercise set 02: each must fail its check with the right hint
(tests/test_checks.py) and lose exactly its points under nbgrader (tests/test_exercises.py)."""

import numpy as np
from exercise_tools import load_answers
from scipy.stats import multivariate_normal  # noqa: F401 (used by some mistakes)

ok = load_answers("ex02")  # the model answers, from solutions/ex02/ex02.ipynb


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


# (check, wrong answer, text the feedback must contain)
CHECKS = [
    ("assign_clusters", argmax_assign, "argmin, not argmax"),
    ("update_centers", summed_centers, "divide by how many"),
    ("kmeans_plusplus", uniform_seeding, "D(x)^2"),
    ("soft_assign", soft_prob_space, "subtract each row's largest exponent"),
]

# nbgrader round trip: student -> ({answer cell grade_id: code}, [graded cells that must score 0])
GRADED = {
    "probability_space": ({
        "q4_answer": """
def soft_assign(X, centers, beta):
    e = np.exp(-beta * ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2))
    return e / e.sum(axis=1, keepdims=True)
""",
    }, ['q4_check']),
    "uniform_seeds": ({
        "q3_answer": """
def kmeans_plusplus(X, K, rng):
    return X[rng.choice(len(X), size=K, replace=False)]
""",
    }, ['q3_check']),
}
