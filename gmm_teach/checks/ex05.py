"""Checks for exercise set 05 (lesson 05): BIC and AIC, held-out scores, restarts, choosing K."""

from __future__ import annotations

import numpy as np

from ..datasets import blobs as _blobs
from ..datasets import load_old_faithful as _load_old_faithful
from ..datasets import load_penguins as _load_penguins
from ..em import fit_gmm as _fit_gmm
from ..em import log_mixture_density as _log_mixture_density
from ..model_selection import n_parameters as _n_parameters
from .engine import Case, CheckResult, Hint, align_components, check, compare_arrays, hint, run_cases
from .fixtures import anisotropic_2d, close

__all__ = ["bic", "aic", "mean_log_likelihood", "held_out_score", "best_of_restarts", "choose_k"]


def _standardised(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


# ---------------------------------------------------------------- Q1, Q2: the criteria from numbers


def _bic_ref(log_likelihood, n_params, N):
    return -2.0 * log_likelihood + n_params * np.log(N)


@hint("the penalty is P times the LOG of N: use np.log(N)")
def log_n_missing(got, case) -> bool:
    log_L, P, N = case.args
    return close(got, -2 * log_L + P * N)


@hint("log here is the natural logarithm: np.log, not np.log10")
def used_log10(got, case) -> bool:
    log_L, P, N = case.args
    return close(got, -2 * log_L + P * np.log10(N))


@hint("the first term is -2 log L: a higher likelihood must give a LOWER BIC")
def sign_of_log_likelihood(got, case) -> bool:
    log_L, P, N = case.args
    return close(got, 2 * log_L + P * np.log(N))


@hint("both terms are doubled in BIC's usual scale: -2 log L + P log N (you computed half of it)")
def bic_halved(got, case) -> bool:
    log_L, P, N = case.args
    return close(got, -log_L + P * np.log(N) / 2) or close(got, -log_L + P * np.log(N))


@hint("that is AIC: BIC charges log N per parameter, not 2")
def computed_aic(got, case) -> bool:
    log_L, P, _ = case.args
    return close(got, -2 * log_L + 2 * P)


BIC_HINTS = [log_n_missing, used_log10, sign_of_log_likelihood, bic_halved, computed_aic]


@check
def bic(fn) -> CheckResult:
    """Q: BIC = -2 log L + P log N, from the total log-likelihood, P and N."""
    args = [(-385.46, 11, 272), (-1200.0, 17, 500), (150.0, 5, 100), (-2.5e6, 35, 10**6)]
    labels = ["log L = -385.46, P = 11, N = 272 (Old Faithful, K = 2)", "log L = -1200, P = 17, N = 500",
              "a positive log-likelihood (densities can exceed 1): log L = 150, P = 5, N = 100",
              "a million points: log L = -2.5e6, P = 35, N = 10^6"]
    cases = [Case(label, a, _bic_ref(*a)) for label, a in zip(labels, args, strict=True)]
    return run_cases("bic", fn, cases, BIC_HINTS)


@hint("AIC charges 2 per parameter: + 2P, not + P")
def aic_penalty_once(got, case) -> bool:
    log_L, P = case.args
    return close(got, -2 * log_L + P)


@hint("the first term is -2 log L: a higher likelihood must give a LOWER AIC")
def aic_sign(got, case) -> bool:
    log_L, P = case.args
    return close(got, 2 * log_L + 2 * P)


@hint("both terms are doubled: -2 log L + 2P (you computed half of it)")
def aic_halved(got, case) -> bool:
    log_L, P = case.args
    return close(got, -log_L + P)


AIC_HINTS = [aic_penalty_once, aic_sign, aic_halved]


@check
def aic(fn) -> CheckResult:
    """Q: AIC = -2 log L + 2 P."""
    args = [(-385.46, 11), (-1200.0, 17), (150.0, 5)]
    labels = ["log L = -385.46, P = 11", "log L = -1200, P = 17", "a positive log-likelihood: log L = 150, P = 5"]
    cases = [Case(label, a, -2.0 * a[0] + 2.0 * a[1]) for label, a in zip(labels, args, strict=True)]
    return run_cases("aic", fn, cases, AIC_HINTS)


# ---------------------------------------------------------------- Q3, Q4: held-out scores


def _mean_ll_ref(X, pi, mu, Sigma):
    from ..params import GMMParams

    return float(np.mean(_log_mixture_density(X, GMMParams(pi=pi, mu=mu, Sigma=Sigma))))


def _is_inf(got) -> bool:
    try:
        return bool(np.isinf(np.asarray(got, dtype=float)).any())
    except (TypeError, ValueError):
        return False


_LOG_SPACE = ("a point far from every component has density 0 in floating point, and log 0 = -inf: "
              "compute log pi_k + log N(x | k) and combine them with scipy.special.logsumexp")


def infinite(got, case) -> bool:
    return _is_inf(got)


@hint("return ONE number, the mean over the points (not one value per point)")
def one_value_per_point(got, case) -> bool:
    return np.ndim(got) == 1


@hint("that is the total: divide by N for the mean log-likelihood per point")
def returned_total(got, case) -> bool:
    return close(got, case.expected * len(case.args[0]))


@hint("include the weights: log pi_k + log N(x_n | mu_k, Sigma_k)")
def forgot_weights(got, case) -> bool:
    X, pi, mu, Sigma = case.args
    return close(got, _mean_ll_ref(X, np.full(len(pi), 1 / len(pi)), mu, Sigma))


MEAN_LOG_LIKELIHOOD_HINTS = [Hint(infinite, _LOG_SPACE), one_value_per_point, returned_total, forgot_weights]


@check
def mean_log_likelihood(fn) -> CheckResult:
    """Q: (1/N) sum_n log sum_k pi_k N(x_n | mu_k, Sigma_k), in log space; returns a float."""
    X, pi, mu, Sigma = anisotropic_2d(6)
    far = np.vstack([X[:9], [[1e3, -1e3]]])
    x1 = np.array([[58.0], [63.5], [65.0], [67.2], [70.0], [74.5]])
    pi1, mu1, S1 = np.array([0.45, 0.55]), np.array([[64.5], [69.5]]), np.array([[[5.76]], [[6.76]]])
    cases = [Case("40 anisotropic 2-D points, K = 3", (X, pi, mu, Sigma), _mean_ll_ref(X, pi, mu, Sigma)),
             Case("6 heights (inches), K = 2, D = 1", (x1, pi1, mu1, S1), _mean_ll_ref(x1, pi1, mu1, S1)),
             Case("10 points, one of them 1000 units from every component", (far, pi, mu, Sigma),
                  _mean_ll_ref(far, pi, mu, Sigma))]
    return run_cases("mean_log_likelihood", fn, cases, MEAN_LOG_LIKELIHOOD_HINTS)


def _split(X, n_train, seed):
    idx = np.random.default_rng(seed).permutation(len(X))
    return X[idx[:n_train]], X[idx[n_train:]]


def _held_out_ref(X_train, X_test, K, seed):
    return float(np.mean(_log_mixture_density(X_test, _fit_gmm(X_train, K, seed=seed).params)))


@hint("you scored the training data: score X_test, the points the fit has not seen")
def scored_training_data(got, case) -> bool:
    X_train, _, K, seed = case.args
    return close(got, _held_out_ref(X_train, X_train, K, seed))


@hint("that is the total over X_test: return the mean per test point")
def returned_test_total(got, case) -> bool:
    return close(got, case.expected * len(case.args[1]))


HELD_OUT_SCORE_HINTS = [
    scored_training_data,
    returned_test_total,
    Hint(infinite, _LOG_SPACE + " (in your mean_log_likelihood)"),
]


@check
def held_out_score(fn) -> CheckResult:
    """Q: fit gt.fit_gmm(X_train, K, seed=seed), return the mean log-likelihood per X_test point."""
    of_train, of_test = _split(_standardised(_load_old_faithful().X), 180, seed=0)
    pg_train, pg_test = _split(_standardised(_load_penguins().X), 250, seed=1)
    pg_test = np.vstack([pg_test, [[30.0, -30.0]]])  # a far test point: 30 standard deviations out
    cases = [Case(f"Old Faithful, {len(of_train)} training / {len(of_test)} test points, K = 2, seed = 0",
                  (of_train, of_test, 2, 0), _held_out_ref(of_train, of_test, 2, 0)),
             Case(f"penguins, {len(pg_train)} training / {len(pg_test)} test points (one far out), K = 3, seed = 1",
                  (pg_train, pg_test, 3, 1), _held_out_ref(pg_train, pg_test, 3, 1))]
    return run_cases("held_out_score", fn, cases, HELD_OUT_SCORE_HINTS)


# ---------------------------------------------------------------- Q5, Q6: restarts and choosing K


def _restarts(X, K, seeds):
    return [_fit_gmm(X, K, seed=int(s)) for s in seeds]


def _read_triple(got, K):
    if not (isinstance(got, tuple) and len(got) == 3):
        raise ValueError("return a triple (pi, mu, Sigma)")
    pi, mu, Sigma = (np.asarray(a, dtype=float) for a in got)
    mu = mu.reshape(K, -1)
    return pi.reshape(K), mu, Sigma.reshape(K, mu.shape[1], mu.shape[1])


def _params_problem(got, params) -> str | None:
    """None when the triple ``got`` equals ``params`` up to the order of the components."""
    try:
        pi, mu, Sigma = _read_triple(got, params.K)
    except Exception as exc:
        return f"could not read your answer as pi (K,), mu (K, D), Sigma (K, D, D): {exc}"
    order = align_components(mu, params.mu)  # components may come out in any order
    return (compare_arrays(mu[order], params.mu, 1e-6, 1e-8, "mu")
            or compare_arrays(pi[order], params.pi, 1e-6, 1e-8, "pi")
            or compare_arrays(Sigma[order], params.Sigma, 1e-6, 1e-8, "Sigma"))


def _restart_case(label, X, K, seeds) -> Case:
    runs = _restarts(X, K, seeds)
    lls = [r.log_likelihoods[-1] for r in runs]
    return Case(label, (X, K, seeds), runs[int(np.argmax(lls))].params, extra=dict(runs=runs, lls=lls))


def _restart_problem(got, case) -> str | None:
    return _params_problem(got, case.expected)


@hint("keep the restart with the HIGHEST final log-likelihood (r.log_likelihoods[-1]); you kept the lowest")
def kept_the_lowest(got, case) -> bool:
    return _params_problem(got, case.extra["runs"][int(np.argmin(case.extra["lls"]))].params) is None


@hint("compare every restart and keep the best, not just the first")
def kept_the_first(got, case) -> bool:
    return _params_problem(got, case.extra["runs"][0].params) is None


@hint("compare every restart and keep the best, not just the last")
def kept_the_last(got, case) -> bool:
    return _params_problem(got, case.extra["runs"][-1].params) is None


BEST_OF_RESTARTS_HINTS = [kept_the_lowest, kept_the_first, kept_the_last]


@check
def best_of_restarts(fn) -> CheckResult:
    """Q: (pi, mu, Sigma) of the gt.fit_gmm(X, K, seed=s) run, s in seeds, with the highest log-likelihood."""
    cases = [_restart_case("blobs (700 points), K = 3, seeds (1, 6, 2, 5)", _blobs().X, 3, (1, 6, 2, 5)),
             _restart_case("penguins (342 points), K = 3, seeds (0, 3, 6, 21)",
                           _standardised(_load_penguins().X), 3, (0, 3, 6, 21))]
    return run_cases("best_of_restarts", fn, cases, BEST_OF_RESTARTS_HINTS, compare=_restart_problem)


def _choose_k_case(label, X, Ks, n_init):
    N, D = X.shape
    best, first = [], []
    for K in Ks:
        runs = _restarts(X, K, range(n_init))
        best.append(max(r.log_likelihoods[-1] for r in runs))
        first.append(runs[0].log_likelihoods[-1])
    P = np.array([_n_parameters(K, D, "full") for K in Ks])
    bics = -2 * np.array(best) + P * np.log(N)
    return Case(label, (X, list(Ks), n_init), (int(Ks[int(np.argmin(bics))]), bics),
                extra=dict(best=np.array(best), first=np.array(first), P=P, N=N))


def _choose_k_problem(got, case) -> str | None:
    if not (isinstance(got, tuple) and len(got) == 2):
        return "return a pair (best_K, bics)"
    K_best, bics = case.expected
    problem = compare_arrays(got[1], bics, rtol=1e-6, atol=1e-6, name="the BICs")
    if problem:
        return problem
    if not (np.ndim(got[0]) == 0 and got[0] == K_best):
        return f"expected best_K = {K_best}, got {got[0]!r}"
    return None


def _bics_with(case, ll):
    return -2 * ll + case.extra["P"] * np.log(case.extra["N"])


@hint("BIC needs the TOTAL log-likelihood sum_n log p(x_n) (r.log_likelihoods[-1]), not the mean")
def used_mean_log_likelihood(got, case) -> bool:
    return close(got[1], _bics_with(case, case.extra["best"] / case.extra["N"]))


@hint("for each K keep the restart with the highest log-likelihood among the n_init seeds")
def kept_first_restart(got, case) -> bool:
    return close(got[1], _bics_with(case, case.extra["first"]))


@hint("lower BIC is better: pick the K with the LOWEST BIC (np.argmin), not the highest")
def picked_highest_bic(got, case) -> bool:
    return close(got[1], case.expected[1]) and got[0] == case.args[1][int(np.argmax(case.expected[1]))]


@hint("the BICs are off: check your bic (Q1) and that P = gt.n_parameters(K, D) for full covariances")
def bics_off(got, case) -> bool:
    return bool(compare_arrays(got[1], case.expected[1]))


CHOOSE_K_HINTS = [used_mean_log_likelihood, kept_first_restart, picked_highest_bic, bics_off]


@check
def choose_k(fn) -> CheckResult:
    """Q: BIC of the best of n_init restarts for each K in Ks; returns (the K with the lowest BIC, the BICs)."""
    cases = [_choose_k_case("blobs (700 points), Ks = 1..5, n_init = 2", _blobs().X, [1, 2, 3, 4, 5], 2),
             _choose_k_case("Old Faithful (standardised), Ks = 1..4, n_init = 2",
                            _standardised(_load_old_faithful().X), [1, 2, 3, 4], 2)]
    return run_cases("choose_k", fn, cases, CHOOSE_K_HINTS, compare=_choose_k_problem)
