"""Checks for exercise set 11 (lesson 11, science and business): recall in the top k % of a
ranking, standardised genotypes, ancestry from a position between two centres, the adjusted
Rand index, and a segment's median spend profile."""

from __future__ import annotations

from math import comb

import numpy as np

from .engine import Case, CheckResult, Hint, check, run_cases
from .fixtures import close

__all__ = ["recall_at_top", "standardise_genotypes", "ancestry_position", "adjusted_rand", "segment_medians"]


# ---------------------------------------------------------------- Q1 recall in the top k %


def _recall_ref(score, truth, fraction, per="positives", ascending=False):
    n_top = int(round(fraction * len(score)))
    order = np.argsort(score if ascending else -np.asarray(score), kind="stable")[:n_top]
    hits = np.sum(np.asarray(truth)[order])
    return hits / (np.sum(truth) if per == "positives" else n_top)


def _ranking(seed, N):
    rng = np.random.default_rng(seed)
    truth = (rng.uniform(size=N) < 0.15).astype(int)
    score = rng.normal(size=N) + 1.5 * truth          # positives score higher, with overlap
    return score, truth


def gave_precision(got, case) -> bool:
    return close(got, _recall_ref(*case.args, per="looked"))


def took_lowest(got, case) -> bool:
    return close(got, _recall_ref(*case.args, ascending=True))


RECALL_HINTS = [
    Hint(gave_precision, "that is the share of pulsars among the candidates you looked at (precision); recall "
                         "divides the pulsars found by ALL pulsars, truth.sum()"),
    Hint(took_lowest, "rank from the HIGHEST score down: np.argsort(-score) puts the best candidates first"),
]


@check
def recall_at_top(fn) -> CheckResult:
    """Q: recall in the top k % = (positives among the round(k N) highest scores) / (all positives)."""
    cases = []
    for seed, N, fraction in ((0, 200, 0.1), (1, 500, 0.5), (2, 40, 0.25)):
        score, truth = _ranking(seed, N)
        cases.append(Case(f"{N} candidates ({truth.sum()} positives), top {100 * fraction:g} %",
                          (score, truth, fraction), _recall_ref(score, truth, fraction)))
    return run_cases("recall_at_top", fn, cases, RECALL_HINTS)


# ---------------------------------------------------------------- Q2 standardised genotypes


def _standardise_ref(G, p_of=lambda G: G.mean(axis=0) / 2, root=True):
    G = np.asarray(G, dtype=float)
    p = p_of(G)
    var = 2 * p * (1 - p)
    return (G - 2 * p) / (np.sqrt(var) if root else var)


def _genotypes(seed, N, L):
    rng = np.random.default_rng(seed)
    return rng.binomial(2, rng.uniform(0.15, 0.85, size=L), size=(N, L)).astype(float)


def frequency_not_halved(got, case) -> bool:
    # p = mean genotype (up to 2) makes p (1 - p) negative, so both answers hold the same NaNs
    with np.errstate(all="ignore"):
        wrong = _standardise_ref(case.args[0], p_of=lambda G: G.mean(axis=0))
        return bool(np.allclose(np.asarray(got, dtype=float), wrong, rtol=1e-6, equal_nan=True))


def used_column_std(got, case) -> bool:
    G = case.args[0]
    return close(got, (G - G.mean(axis=0)) / G.std(axis=0))


def forgot_root(got, case) -> bool:
    return close(got, _standardise_ref(case.args[0], root=False))


STANDARDISE_HINTS = [
    Hint(frequency_not_halved, "a genotype counts 2 allele copies: the allele frequency is p = G.mean(axis=0) / 2"),
    Hint(used_column_std, "divide by the binomial standard deviation sqrt(2 p (1 - p)), not the column's "
                          "sample standard deviation"),
    Hint(forgot_root, "divide by the standard deviation sqrt(2 p (1 - p)), not the variance"),
]


@check
def standardise_genotypes(fn) -> CheckResult:
    """Q: (g_nl - 2 p_l) / sqrt(2 p_l (1 - p_l)) with p_l = mean_n g_nl / 2."""
    cases = [Case(f"{N} people x {L} loci", (_genotypes(seed, N, L),), _standardise_ref(_genotypes(seed, N, L)))
             for seed, N, L in ((0, 30, 8), (1, 12, 50))]
    return run_cases("standardise_genotypes", fn, cases, STANDARDISE_HINTS)


# ---------------------------------------------------------------- Q3 position between two centres


def _position_ref(x, m0, m1, squared=True):
    x, m0, m1 = (np.asarray(a, dtype=float) for a in (x, m0, m1))
    d = m0 - m1
    return (x - m1) @ d / (d @ d if squared else np.sqrt(d @ d))


def swapped_centres(got, case) -> bool:
    x, m0, m1 = case.args
    return close(got, _position_ref(x, m1, m0))


def length_not_squared(got, case) -> bool:
    return close(got, _position_ref(*case.args, squared=False))


def distance_ratio(got, case) -> bool:
    x, m0, m1 = (np.asarray(a, dtype=float) for a in case.args)
    d1, d0 = np.linalg.norm(x - m1, axis=-1), np.linalg.norm(x - m0, axis=-1)
    return close(got, d1 / (d0 + d1))


POSITION_HINTS = [
    Hint(swapped_centres, "t is the share of population 0: measure from m1 (t = 0) towards m0 (t = 1)"),
    Hint(length_not_squared, "divide by the SQUARED length |m0 - m1|^2, so that t = 1 exactly at m0"),
    Hint(distance_ratio, "project onto the line from m1 to m0 (a dot product); ratios of distances to the two "
                         "centres ignore the direction and are not linear in q"),
]


def _position_cases():
    rng = np.random.default_rng(3)
    m0, m1 = np.array([4.0, 3.0]), np.array([-2.0, -5.0])
    q = np.array([0.0, 1.0, 0.25, 0.6, 0.9])
    x = q[:, None] * m0 + (1 - q[:, None]) * m1 + rng.normal(0, 0.4, size=(5, 2))
    m0_3d, m1_3d = np.array([1.0, 0.0, 2.0]), np.array([0.0, 3.0, -1.0])
    x_3d = rng.normal(size=(7, 3))
    return [Case("five admixed people in 2-D (q = 0, 1, 0.25, 0.6, 0.9 plus noise)", (x, m0, m1),
                 _position_ref(x, m0, m1)),
            Case("seven points in 3-D", (x_3d, m0_3d, m1_3d), _position_ref(x_3d, m0_3d, m1_3d))]


@check
def ancestry_position(fn) -> CheckResult:
    """Q: t_n = (x_n - m1) . (m0 - m1) / |m0 - m1|^2, for each row x_n."""
    return run_cases("ancestry_position", fn, _position_cases(), POSITION_HINTS)


# ---------------------------------------------------------------- Q4 adjusted Rand index


def _pair_counts(a, b):
    _, a = np.unique(a, return_inverse=True)
    _, b = np.unique(b, return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1), dtype=int)
    np.add.at(table, (a, b), 1)
    pairs = lambda counts: sum(comb(int(c), 2) for c in np.ravel(counts))  # noqa: E731
    return pairs(table), pairs(table.sum(axis=1)), pairs(table.sum(axis=0)), comb(len(a), 2)


def _ari_ref(a, b, adjust_max=True):
    index, rows, cols, n_pairs = _pair_counts(a, b)
    expected = rows * cols / n_pairs
    top = (rows + cols) / 2
    return (index - expected) / ((top - expected) if adjust_max else top)


def plain_rand(got, case) -> bool:
    index, rows, cols, n_pairs = _pair_counts(*case.args)
    return close(got, (n_pairs + 2 * index - rows - cols) / n_pairs)


def unadjusted_denominator(got, case) -> bool:
    return close(got, _ari_ref(*case.args, adjust_max=False))


ARI_HINTS = [
    Hint(plain_rand, "that is the plain Rand index (share of pairs on which the two labellings agree); the "
                     "ADJUSTED index subtracts what chance agreement would give"),
    Hint(unadjusted_denominator, "subtract the expected index in the denominator too: "
                                 "(index - expected) / (max index - expected)"),
]


def _ari_cases():
    rng = np.random.default_rng(4)
    a = rng.integers(0, 3, size=60)
    b = np.where(rng.uniform(size=60) < 0.7, a, rng.integers(0, 3, size=60))
    return [Case("60 points, 3 clusters, labels 70 % copied", (a, b), _ari_ref(a, b)),
            Case("the same partition under other names (3 -> 0, 7 -> 1, 5 -> 2)",
                 (np.array([3, 3, 7, 7, 5, 5, 5]), np.array([0, 0, 1, 1, 2, 2, 2])), 1.0),
            Case("2 segments against 3 channels, 12 points",
                 (np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 0]), np.array([2, 2, 1, 2, 0, 0, 1, 0, 0, 2, 1, 1])),
                 _ari_ref([0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 0], [2, 2, 1, 2, 0, 0, 1, 0, 0, 2, 1, 1]))]


@check
def adjusted_rand(fn) -> CheckResult:
    """Q: ARI = (index - expected) / (max - expected) from pair counts of the contingency table."""
    return run_cases("adjusted_rand", fn, _ari_cases(), ARI_HINTS)


# ---------------------------------------------------------------- Q5 segment medians


def _medians_ref(X, labels, K, stat=np.median):
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    return np.array([stat(X[labels == k], axis=0) for k in range(K)])


def used_mean(got, case) -> bool:
    return close(got, _medians_ref(*case.args, stat=np.mean))


def transposed(got, case) -> bool:
    return close(got, _medians_ref(*case.args).T) and np.shape(got) != np.shape(case.expected)


MEDIANS_HINTS = [
    Hint(used_mean, "that is the mean; spend is skewed (a few huge clients), so describe a segment by its median"),
    Hint(transposed, "return one ROW per segment: shape (K, D), with segment k in row k"),
]


@check
def segment_medians(fn) -> CheckResult:
    """Q: row k = the median of every column over the rows with labels == k; (K, D)."""
    rng = np.random.default_rng(5)
    X = np.exp(rng.normal(8, 1.2, size=(40, 6)))          # skewed spend, m.u.
    labels = rng.integers(0, 3, size=40)
    X2, labels2 = np.exp(rng.normal(6, 1.0, size=(9, 2))), np.array([1, 0, 1, 1, 0, 1, 0, 0, 1])
    cases = [Case("40 clients, 6 categories, 3 segments", (X, labels, 3), _medians_ref(X, labels, 3)),
             Case("9 clients, 2 categories, 2 segments", (X2, labels2, 2), _medians_ref(X2, labels2, 2))]
    return run_cases("segment_medians", fn, cases, MEDIANS_HINTS)
