"""Typical mistakes in exercise set 05: each must fail its check with the right hint
(tests/test_checks.py) and lose exactly its points under nbgrader (tests/test_exercises.py)."""

import numpy as np
from exercise_tools import load_answers
from scipy.stats import multivariate_normal

import gmm_teach as gt

ok = load_answers("ex05")  # the model answers, from solutions/ex05/ex05.ipynb


def bic_without_log(log_likelihood, n_params, N):
    return -2 * log_likelihood + n_params * N


def bic_log10(log_likelihood, n_params, N):
    return -2 * log_likelihood + n_params * np.log10(N)


def bic_wrong_sign(log_likelihood, n_params, N):
    return 2 * log_likelihood + n_params * np.log(N)


def aic_one_per_parameter(log_likelihood, n_params):
    return -2 * log_likelihood + n_params


def mean_ll_probability_space(X, pi, mu, Sigma):
    density = sum(pi[k] * multivariate_normal(mu[k], Sigma[k]).pdf(X) for k in range(len(pi)))
    with np.errstate(divide="ignore"):
        return float(np.mean(np.log(density)))


def mean_ll_total(X, pi, mu, Sigma):
    return ok["mean_log_likelihood"](X, pi, mu, Sigma) * len(X)


def mean_ll_no_weights(X, pi, mu, Sigma):
    return ok["mean_log_likelihood"](X, np.full(len(pi), 1 / len(pi)), mu, Sigma)


def held_out_on_training_data(X_train, X_test, K, seed):
    p = gt.fit_gmm(X_train, K, seed=seed).params
    return ok["mean_log_likelihood"](X_train, p.pi, p.mu, p.Sigma)


def restarts_lowest(X, K, seeds):
    worst = min((gt.fit_gmm(X, K, seed=s) for s in seeds), key=lambda r: r.log_likelihoods[-1]).params
    return worst.pi, worst.mu, worst.Sigma


def restarts_first_only(X, K, seeds):
    p = gt.fit_gmm(X, K, seed=seeds[0]).params
    return p.pi, p.mu, p.Sigma


def choose_k_highest(X, Ks, n_init):
    _, bics = ok["choose_k"](X, Ks, n_init)
    return Ks[int(np.argmax(bics))], bics


def choose_k_mean_ll(X, Ks, n_init):
    N, D = X.shape
    bics = np.array([ok["bic"](max(gt.fit_gmm(X, K, seed=s).log_likelihoods[-1] for s in range(n_init)) / N,
                               gt.n_parameters(K, D), N) for K in Ks])
    return Ks[int(np.argmin(bics))], bics


def choose_k_one_restart(X, Ks, n_init):
    return ok["choose_k"](X, Ks, 1)


# (check, wrong answer, text the feedback must contain)
CHECKS = [
    ("bic", bic_without_log, "LOG of N"),
    ("bic", bic_log10, "natural logarithm"),
    ("bic", bic_wrong_sign, "LOWER BIC"),
    ("aic", aic_one_per_parameter, "2 per parameter"),
    ("mean_log_likelihood", mean_ll_probability_space, "logsumexp"),
    ("mean_log_likelihood", mean_ll_total, "divide by N"),
    ("mean_log_likelihood", mean_ll_no_weights, "include the weights"),
    ("held_out_score", held_out_on_training_data, "score X_test"),
    ("best_of_restarts", restarts_lowest, "HIGHEST"),
    ("best_of_restarts", restarts_first_only, "not just the first"),
    ("choose_k", choose_k_highest, "LOWEST BIC"),
    ("choose_k", choose_k_mean_ll, "TOTAL log-likelihood"),
    ("choose_k", choose_k_one_restart, "highest log-likelihood among the n_init"),
]

# nbgrader round trip: student -> ({answer cell grade_id: code}, [graded cells that must score 0])
GRADED = {
    # Forgetting the log in BIC also breaks the BIC curve built on it.
    "forgot_log_N": ({
        "q1_answer": """
def bic(log_likelihood, n_params, N):
    return -2.0 * log_likelihood + n_params * N
""",
    }, ['q1_check', 'q6_check']),
    # Probability space: a far test point gives log 0 = -inf, in Q3 and in the held-out score built on it.
    "probability_space": ({
        "q3_answer": """
def mean_log_likelihood(X, pi, mu, Sigma):
    density = sum(pi[k] * multivariate_normal(mu[k], Sigma[k]).pdf(X) for k in range(len(pi)))
    return float(np.mean(np.log(density)))
""",
    }, ['q3_check', 'q4_check']),
    "training_score": ({
        "q4_answer": """
def held_out_score(X_train, X_test, K, seed):
    p = gt.fit_gmm(X_train, K, seed=seed).params
    return mean_log_likelihood(X_train, p.pi, p.mu, p.Sigma)
""",
    }, ['q4_check']),
    "highest_bic": ({
        "q6_answer": """
def choose_k(X, Ks, n_init):
    N, D = X.shape
    bics = []
    for K in Ks:
        best_ll = max(gt.fit_gmm(X, K, seed=s).log_likelihoods[-1] for s in range(n_init))
        bics.append(bic(best_ll, gt.n_parameters(K, D), N))
    bics = np.array(bics)
    return Ks[int(np.argmax(bics))], bics
""",
    }, ['q6_check']),
}
