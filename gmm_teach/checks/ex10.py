"""Checks for exercise set 10 (lesson 10, signals): the Bark scale, speaker normalisation, MAP
adaptation of means, the running Gaussian update and precision / recall / F1 of a foreground mask."""

from __future__ import annotations

import numpy as np

from ..adaptation import map_adapt_means as _map_adapt_means
from ..datasets import hz_to_bark as _hz_to_bark
from ..em import e_step as _e_step
from ..online import precision_recall_f1 as _precision_recall_f1
from ..online import running_gaussian_update as _running_gaussian_update
from ..params import GMMParams
from .engine import Case, CheckResult, check, compare_arrays, hint, run_cases
from .fixtures import close

__all__ = ["hz_to_bark", "lobanov", "map_adapt", "running_update", "precision_recall_f1"]


# ---------------------------------------------------------------- Q1 Bark


@hint("subtract 0.53 at the end: z = 26.81 f / (1960 + f) - 0.53")
def forgot_offset(got, case) -> bool:
    return close(got, _hz_to_bark(case.args[0]) + 0.53)


@hint("f is in hertz, not kilohertz: do not divide by 1000")
def used_kilohertz(got, case) -> bool:
    return close(got, _hz_to_bark(np.asarray(case.args[0]) / 1000 + 1e-300))


@hint("that is Zwicker's Bark formula; the lesson uses Traunmueller's: 26.81 f / (1960 + f) - 0.53")
def used_zwicker(got, case) -> bool:
    f = case.args[0]
    return close(got, 13 * np.arctan(0.00076 * f) + 3.5 * np.arctan((f / 7500) ** 2), 1e-3)


HZ_TO_BARK_HINTS = [forgot_offset, used_kilohertz, used_zwicker]


@check
def hz_to_bark(fn) -> CheckResult:
    """Q: z = 26.81 f / (1960 + f) - 0.53, elementwise."""
    f = np.array([250.0, 500.0, 1000.0, 2500.0, 4000.0])
    cases = [Case("five frequencies from 250 to 4000 Hz", (f.copy(),), _hz_to_bark(f)),
             Case("a 2 x 2 array of formants (F1, F2 of two vowels)", (np.array([[300.0, 2300.0], [750.0, 1100.0]]),),
                  _hz_to_bark(np.array([[300.0, 2300.0], [750.0, 1100.0]])))]
    return run_cases("hz_to_bark", fn, cases, HZ_TO_BARK_HINTS)


# ---------------------------------------------------------------- Q2 Lobanov


def _lobanov_ref(Z, speaker):
    Z, speaker = np.asarray(Z, dtype=float), np.asarray(speaker)
    out = np.empty_like(Z)
    for s in np.unique(speaker):
        mine = speaker == s
        out[mine] = (Z[mine] - Z[mine].mean(axis=0)) / Z[mine].std(axis=0)
    return out


def _speakers(seed=0, n_speakers=5, n_each=12):
    """Formants (Bark) of a few speakers with their own offsets and spreads, rows shuffled."""
    rng = np.random.default_rng(seed)
    speaker = np.repeat(np.array([7, 3, 11, 5, 20])[:n_speakers], n_each)
    offset = rng.normal([5.0, 11.0], 1.0, size=(n_speakers, 2))[np.searchsorted(np.unique(speaker), speaker)]
    Z = offset + rng.normal(0, [0.9, 1.6], size=(len(speaker), 2)) * rng.uniform(0.7, 1.3, size=(len(speaker), 1))
    order = rng.permutation(len(speaker))
    return Z[order], speaker[order]


def _per_speaker(Z, s, ddof=0, power=1.0):
    out = np.empty_like(Z)
    for k in np.unique(s):
        m = s == k
        out[m] = (Z[m] - Z[m].mean(axis=0)) / Z[m].std(axis=0, ddof=ddof) ** power
    return out


@hint("normalise within each speaker, not over everyone: use the mean and standard deviation of that speaker's own "
      "vowels")
def normalised_over_everyone(got, case) -> bool:
    Z = case.args[0]
    return close(got, (Z - Z.mean(axis=0)) / Z.std(axis=0))


@hint("use the population standard deviation (np.std's default, ddof=0)")
def sample_standard_deviation(got, case) -> bool:
    return close(got, _per_speaker(*case.args, ddof=1))


@hint("divide by the standard deviation, not the variance")
def divided_by_variance(got, case) -> bool:
    return close(got, _per_speaker(*case.args, power=2.0))


LOBANOV_HINTS = [normalised_over_everyone, sample_standard_deviation, divided_by_variance]


@check
def lobanov(fn) -> CheckResult:
    """Q: z-score every column within each speaker (population standard deviation)."""
    Z, s = _speakers()
    Z2, s2 = _speakers(seed=1, n_speakers=2, n_each=6)
    cases = [Case("60 vowels of 5 speakers (ids 3, 5, 7, 11, 20), rows in random order", (Z.copy(), s.copy()),
                  _lobanov_ref(Z, s)),
             Case("12 vowels of 2 speakers", (Z2.copy(), s2.copy()), _lobanov_ref(Z2, s2))]
    return run_cases("lobanov", fn, cases, LOBANOV_HINTS)


# ---------------------------------------------------------------- Q3 MAP adaptation


def _ubm_case(seed=0, N=40, shift=(1.0, -0.6)):
    rng = np.random.default_rng(seed)
    pi = np.array([0.5, 0.3, 0.2])
    mu = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    Sigma = np.array([[[1.5, 0.6], [0.6, 0.8]], [[0.5, -0.2], [-0.2, 0.7]], [[1.0, 0.0], [0.0, 0.3]]])
    z = rng.choice(3, size=N, p=[0.6, 0.4, 0.0])  # component 2 sees (almost) nothing
    X = mu[z] + np.array(shift) + np.einsum("nij,nj->ni", np.linalg.cholesky(Sigma)[z], rng.standard_normal((N, 2)))
    return X, pi, mu, Sigma


def _adapt_ref(X, pi, mu, Sigma, r):
    return _map_adapt_means(X, GMMParams(pi, mu, Sigma), r).mu


def _adapt_variant(X, pi, mu, Sigma, r, swap=False, hard=False, no_divide=False):
    gamma = _e_step(X, GMMParams(pi, mu, Sigma))[0]
    if hard:
        gamma = np.eye(len(pi))[gamma.argmax(axis=1)]
    N_k = gamma.sum(axis=0)
    xbar = gamma.T @ X if no_divide else (gamma.T @ X) / (N_k + 1e-300)[:, None]
    a = (r / (N_k + r + 1e-300) if swap else N_k / (N_k + r + 1e-300))[:, None]
    return a * xbar + (1 - a) * mu


@hint("alpha_k = N_k / (N_k + r) is the weight of the NEW data's mean; you swapped the two weights")
def swapped_weights(got, case) -> bool:
    return close(got, _adapt_variant(*case.args, swap=True))


@hint("use the soft responsibilities gamma_nk of the prior mixture, not hard assignments")
def hard_assignments(got, case) -> bool:
    return close(got, _adapt_variant(*case.args, hard=True))


@hint("xbar_k is a weighted MEAN: divide sum_n gamma_nk x_n by N_k")
def xbar_not_divided(got, case) -> bool:
    return close(got, _adapt_variant(*case.args, no_divide=True))


@hint("responsibilities come from the PRIOR mixture, weights pi_k included: gamma_nk proportional to pi_k N(x_n | "
      "mu_k, Sigma_k)")
def forgot_prior_weights(got, case) -> bool:
    X, _, mu, Sigma, r = case.args
    return close(got, _adapt_ref(X, np.full(3, 1 / 3), mu, Sigma, r))


MAP_ADAPT_HINTS = [swapped_weights, hard_assignments, xbar_not_divided, forgot_prior_weights]


@check
def map_adapt(fn) -> CheckResult:
    """Q: mu_k' = alpha_k xbar_k + (1 - alpha_k) mu_k with alpha_k = N_k / (N_k + r)."""
    X, pi, mu, Sigma = _ubm_case()
    cases = [Case(f"40 shifted points, K = 3 (component 2 sees almost none), r = {r:g}",
                  (X.copy(), pi, mu.copy(), Sigma, r), _adapt_ref(X, pi, mu, Sigma, r), rtol=1e-6, atol=1e-8)
             for r in (16.0, 2.0, 0.0)]
    return run_cases("map_adapt", fn, cases, MAP_ADAPT_HINTS)


# ---------------------------------------------------------------- Q4 running update


def _is_pair(got) -> bool:
    return isinstance(got, tuple) and len(got) == 2


def _running_problem(got, case) -> str | None:
    if not _is_pair(got):
        return "return a pair (new_mean, new_var)"
    return compare_arrays(got[0], case.expected[0], name="new_mean") or compare_arrays(
        got[1], case.expected[1], name="new_var")


def _variance_with(got, case, which) -> bool:
    mean, var, x, rho = (np.asarray(a, float) for a in case.args)
    new = mean + rho * (x - mean)
    d = {"new": (x - new) ** 2, "old": (x - mean) ** 2}[which]
    return _is_pair(got) and close(got[1], (1 - rho) * var + rho * d)


@hint("the mean moves a fraction rho TOWARDS x: mu + rho (x - mu), not mu + (1 - rho)(x - mu)")
def moved_away_from_x(got, case) -> bool:
    mean, _, x, rho = case.args
    return _is_pair(got) and close(got[0], mean + (1 - rho) * (np.asarray(x) - mean)) and rho != 0.5


@hint("(x - mu_new)^2 is Stauffer-Grimson's approximation; the exact weighted variance uses (x - mu_old)(x - mu_new)")
def squared_new_deviation(got, case) -> bool:
    return _variance_with(got, case, "new")


@hint("with (x - mu_old)^2 the variance is too large by a factor 1/(1 - rho) in that term: use (x - mu_old)(x - "
      "mu_new)")
def squared_old_deviation(got, case) -> bool:
    return _variance_with(got, case, "old")


RUNNING_UPDATE_HINTS = [moved_away_from_x, squared_new_deviation, squared_old_deviation]


@check
def running_update(fn) -> CheckResult:
    """Q: mu' = mu + rho (x - mu); var' = (1 - rho) var + rho (x - mu)(x - mu')."""
    rng = np.random.default_rng(4)
    mean, var, x = rng.normal(100, 20, size=(4, 5)), rng.uniform(4, 50, size=(4, 5)), rng.normal(100, 30, size=(4, 5))
    cases = [Case(f"a 4 x 5 frame, rho = {rho}", (mean.copy(), var.copy(), x.copy(), rho),
                  _running_gaussian_update(mean, var, x, rho)) for rho in (0.05, 0.5, 1.0)]
    cases.append(Case("one pixel: mean 10, var 4, x = 14, rho = 0.25", (10.0, 4.0, 14.0, 0.25),
                      _running_gaussian_update(10.0, 4.0, 14.0, 0.25)))
    return run_cases("running_update", fn, cases, RUNNING_UPDATE_HINTS, compare=_running_problem)


# ---------------------------------------------------------------- Q5 scores


def _is_triple(got) -> bool:
    return isinstance(got, tuple) and len(got) == 3


def _scores_problem(got, case) -> str | None:
    if not _is_triple(got):
        return "return a triple (precision, recall, f1)"
    for name, g, e in zip(("precision", "recall", "f1"), got, case.expected, strict=True):
        problem = compare_arrays(g, e, name=name)
        if problem:
            return f"{name}: {problem}"
    return None


@hint("precision divides by what you FLAGGED (TP + FP), recall by what is TRUE (TP + FN)")
def swapped_precision_recall(got, case) -> bool:
    precision, recall, _ = case.expected
    return (_is_triple(got) and close(got[0], recall) and close(got[1], precision)
            and not close(precision, recall))


@hint("F1 is the harmonic mean 2 P R / (P + R), not the average (P + R) / 2")
def averaged_f1(got, case) -> bool:
    precision, recall, _ = case.expected
    return _is_triple(got) and close(got[2], (precision + recall) / 2)


@hint("count pixels over the whole stack (np.sum of a boolean array), not per frame")
def scored_per_frame(got, case) -> bool:
    return _is_triple(got) and np.ndim(got[0]) > 0


PRECISION_RECALL_F1_HINTS = [swapped_precision_recall, averaged_f1, scored_per_frame]


def _mask_cases() -> list:
    rng = np.random.default_rng(5)
    truth = rng.uniform(size=(6, 8, 10)) < 0.1
    found = np.where(rng.uniform(size=truth.shape) < 0.8, truth, rng.uniform(size=truth.shape) < 0.2)
    small_t = np.array([[True, True, False], [False, True, False]])
    small_f = np.array([[True, False, True], [False, True, False]])
    return [Case("6 frames of 8 x 10 pixels", (found.copy(), truth.copy()), _precision_recall_f1(found, truth)),
            Case("a 2 x 3 mask: 3 true pixels, 3 flagged, 2 right", (small_f, small_t), (2 / 3, 2 / 3, 2 / 3)),
            Case("a mask that misses half the object and flags nothing else",
                 (np.array([True, False, False, False]), np.array([True, True, False, False])), (1.0, 0.5, 2 / 3))]


@check
def precision_recall_f1(fn) -> CheckResult:
    """Q: precision, recall and F1 of a boolean foreground mask against the truth."""
    return run_cases("precision_recall_f1", fn, _mask_cases(), PRECISION_RECALL_F1_HINTS, compare=_scores_problem)
