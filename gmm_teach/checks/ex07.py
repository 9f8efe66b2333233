"""Checks for exercise set 07 (lesson 07): class Gaussians (QDA), classifying with priors in log
space, semi-supervised responsibilities, the conditional mean and covariance of missing values."""

from __future__ import annotations

import numpy as np

from ..em import m_step as _m_step
from ..em import responsibilities as _responsibilities
from ..missing import conditional_gaussian as _conditional_gaussian
from ..params import GMMParams
from ..semisupervised import clamp_labels as _clamp_labels
from ..semisupervised import one_hot as _one_hot
from .engine import Case, CheckResult, Hint, check, compare_arrays, hint, run_cases
from .fixtures import close, nan_in_answer

__all__ = ["class_gaussians", "predict_proba_qda", "semi_supervised_gamma", "conditional_mean",
           "conditional_covariance"]

_MU = np.array([[0.0, 0.0], [5.0, 1.0], [1.0, 6.0]])
_SIGMA = np.array([[[3.0, 1.6], [1.6, 1.2]], [[0.5, -0.3], [-0.3, 0.8]], [[2.0, 0.0], [0.0, 0.2]]])


def _labelled_2d(seed=0, sizes=(30, 20, 10), shift=0.0):
    """Anisotropic classes of the given sizes, shuffled; returns X (N, 2), y (N,)."""
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.multivariate_normal(_MU[k], _SIGMA[k], size=n) for k, n in enumerate(sizes)]) + shift
    y = np.repeat(np.arange(len(sizes)), sizes)
    order = rng.permutation(len(y))
    return X[order], y[order]


def _supervised(X, y, K):
    p = _m_step(X, _one_hot(y, K), "full", reg_covar=0.0)
    return p.pi, p.mu, p.Sigma


def _class_scatter(X, y, K, centre):
    """Wrong covariances: per-class scatter about 0 ("none") or about the overall mean ("overall"), / N_k."""
    c = np.zeros(X.shape[1]) if centre == "none" else X.mean(axis=0)
    return np.stack([(X[y == k] - c).T @ (X[y == k] - c) / np.sum(y == k) for k in range(K)])


def _triple(got):
    return isinstance(got, (tuple, list)) and len(got) == 3


def _class_gaussians_problem(got, case) -> str | None:
    if not _triple(got):
        return "return a triple (pi, mu, Sigma)"
    return (compare_arrays(got[0], case.expected[0], name="pi")
            or compare_arrays(got[1], case.expected[1], rtol=1e-6, atol=1e-6, name="mu")
            or compare_arrays(got[2], case.expected[2], rtol=1e-6, atol=1e-6, name="Sigma"))


def _counts(case):
    return np.bincount(case.args[1], minlength=case.args[2]).astype(float)


@hint("divide each class's scatter by N_k (the maximum-likelihood M-step), not by N_k - 1: np.cov divides by N_k - 1 "
      "unless you pass bias=True")
def divided_by_n_minus_1(got, case) -> bool:
    n = _counts(case)
    return _triple(got) and close(got[2], case.expected[2] * (n / (n - 1))[:, None, None])


@hint("pi_k is the class's SHARE of the points, N_k / N, not its count N_k")
def priors_as_counts(got, case) -> bool:
    return _triple(got) and close(got[0], _counts(case))


@hint("the priors are the class shares N_k / N, not 1/K: the classes have different sizes")
def uniform_priors(got, case) -> bool:
    K = case.args[2]
    return _triple(got) and close(got[0], np.full(K, 1 / K))


@hint("centre each class on its OWN mean: Sigma_k sums (x_n - mu_k)(x_n - mu_k)^T over the points of class k only")
def centred_elsewhere(got, case) -> bool:
    X, y, K = case.args
    return _triple(got) and any(close(got[2], _class_scatter(X, y, K, centre)) for centre in ("none", "overall"))


CLASS_GAUSSIANS_HINTS = [divided_by_n_minus_1, priors_as_counts, uniform_priors, centred_elsewhere]


@check
def class_gaussians(fn) -> CheckResult:
    """Q: pi_k = N_k / N, mu_k = class mean, Sigma_k = class covariance divided by N_k (the one-hot M-step)."""
    X, y = _labelled_2d(1)
    X_far, y_far = _labelled_2d(2, sizes=(12, 25, 8), shift=1e4)
    cases = [Case("60 anisotropic 2-D points, 3 classes of 30, 20 and 10", (X, y, 3), _supervised(X, y, 3)),
             Case("45 points 10^4 from the origin, classes of 12, 25 and 8", (X_far, y_far, 3),
                  _supervised(X_far, y_far, 3))]
    return run_cases("class_gaussians", fn, cases, CLASS_GAUSSIANS_HINTS, compare=_class_gaussians_problem)


def _proba_ref(X, pi, mu, Sigma):
    return _responsibilities(X, GMMParams(pi=pi, mu=mu, Sigma=Sigma))


nan_from_underflow = Hint(nan_in_answer, "NaN: far from every class all densities underflow to 0 and you divide 0 by "
                                         "0. Work with log pi_k + log N(x | mu_k, Sigma_k) and normalise with "
                                         "scipy.special.logsumexp")


@hint("include the class priors: the posterior is proportional to pi_k N(x | mu_k, Sigma_k), not to the likelihood "
      "alone")
def forgot_priors(got, case) -> bool:
    X, _, mu, Sigma = case.args
    return close(got, _proba_ref(X, np.full(3, 1 / 3), mu, Sigma), rtol=1e-5)


@hint("return probabilities, not their logarithms: exponentiate at the end")
def returned_log_probabilities(got, case) -> bool:
    return np.shape(got) == case.expected.shape and close(got, np.log(np.clip(case.expected, 1e-300, None)), rtol=1e-5)


@hint("return the (N, K) probabilities of every class, not the predicted class")
def returned_classes(got, case) -> bool:
    return np.shape(got) == (len(case.args[0]),)


PREDICT_PROBA_QDA_HINTS = [nan_from_underflow, forgot_priors, returned_log_probabilities, returned_classes]


@check
def predict_proba_qda(fn) -> CheckResult:
    """Q: p(y = k | x) = pi_k N(x | mu_k, Sigma_k) / sum_j pi_j N(x | mu_j, Sigma_j), computed in log space."""
    X, _ = _labelled_2d(3)
    pi = np.array([0.5, 0.3, 0.2])
    skewed = np.array([0.90, 0.08, 0.02])
    far = np.vstack([X[:4], [[1e3, -1e3]], [[-4e3, 2e3]]])
    cases = [Case("60 points, pi = [0.5, 0.3, 0.2]", (X, pi, _MU, _SIGMA), _proba_ref(X, pi, _MU, _SIGMA)),
             Case("60 points, unequal priors pi = [0.9, 0.08, 0.02]", (X, skewed, _MU, _SIGMA),
                  _proba_ref(X, skewed, _MU, _SIGMA)),
             Case("two points thousands of units from every class", (far, pi, _MU, _SIGMA),
                  _proba_ref(far, pi, _MU, _SIGMA))]
    return run_cases("predict_proba_qda", fn, cases, PREDICT_PROBA_QDA_HINTS)


def _clamp_problem(got, case) -> str | None:
    if not np.array_equal(case.args[0], case.extra["copy"]):
        case.args[0][...] = case.extra["copy"]  # restore it for the next case
        return "your function changed the gamma it was given; it should work on a copy (out = gamma.copy())"
    return compare_arrays(got, case.expected, name="gamma")


def _clamped(gamma, rows, y_partial):
    out = np.array(gamma, dtype=float)
    out[rows] = np.eye(gamma.shape[1])[y_partial[rows]]
    return out


@hint("class 0 is a label too: the labelled rows are those with y_partial >= 0 (not > 0); only -1 means unlabelled")
def class_0_unlabelled(got, case) -> bool:
    gamma, y_partial = case.args
    return close(got, _clamped(gamma, y_partial > 0, y_partial))


@hint("np.eye(K)[-1] is the one-hot row of the LAST class: replace only the rows with y_partial >= 0, and keep the "
      "E-step's gamma where y_partial == -1")
def one_hot_everywhere(got, case) -> bool:
    gamma, y_partial = case.args
    return close(got, np.eye(gamma.shape[1])[y_partial])


@hint("clamp the LABELLED rows (y_partial >= 0) to one-hot; the unlabelled rows (-1) keep their E-step "
      "responsibilities")
def clamped_the_unlabelled(got, case) -> bool:
    gamma, y_partial = case.args
    return close(got, _clamped(gamma, y_partial == -1, y_partial))


SEMI_SUPERVISED_GAMMA_HINTS = [class_0_unlabelled, one_hot_everywhere, clamped_the_unlabelled]


@check
def semi_supervised_gamma(fn) -> CheckResult:
    """Q: labelled rows (y_partial >= 0) become one-hot, unlabelled rows (-1) keep the E-step's gamma."""
    X, _ = _labelled_2d(4, sizes=(4, 3, 3))
    gamma = _proba_ref(X, np.array([0.5, 0.3, 0.2]), _MU, _SIGMA)
    y_partial = np.array([-1, 0, -1, 2, -1, 0, 1, -1, -1, 2])
    mostly_unlabelled = np.array([-1, -1, -1, -1, 1, -1, -1, -1, -1, 0])
    cases = [Case("10 points, 6 labelled (classes 0, 1 and 2)", (gamma, y_partial), _clamp_labels(gamma, y_partial),
                  extra={"copy": gamma.copy()}),
             Case("10 points, 2 labelled", (gamma, mostly_unlabelled), _clamp_labels(gamma, mostly_unlabelled),
                  extra={"copy": gamma.copy()})]
    return run_cases("semi_supervised_gamma", fn, cases, SEMI_SUPERVISED_GAMMA_HINTS, compare=_clamp_problem)


def _mvn_3d():
    mu = np.array([1.0, -2.0, 0.5])
    A = np.array([[1.5, 0.0, 0.0], [0.8, 0.7, 0.0], [-0.6, 0.4, 0.3]])
    return mu, A @ A.T  # anisotropic, strongly correlated


def _conditional_cases(ref_index):
    mu2, Sigma2 = _MU[0], _SIGMA[0]
    mu3, Sigma3 = _mvn_3d()
    setups = [
        ("D = 2, x_1 = 2.5 observed, x_2 missing", np.array([2.5]), mu2, Sigma2, np.array([True, False])),
        ("D = 3, x_2 and x_3 observed", np.array([-1.0, 2.0]), mu3, Sigma3, np.array([False, True, True])),
        ("D = 3, only x_2 observed, far from the mean", np.array([40.0]), mu3, Sigma3, np.array([False, True, False])),
    ]
    return [Case(label, (x, mu, Sigma, o) if ref_index == 0 else (Sigma, o),
                 _conditional_gaussian(x, mu, Sigma, o)[ref_index][0] if ref_index == 0
                 else _conditional_gaussian(x, mu, Sigma, o)[1], extra={"x": x, "mu": mu, "Sigma": Sigma, "o": o})
            for label, x, mu, Sigma, o in setups]


def _blocks(c):
    S, o = c.extra["Sigma"], c.extra["o"]
    m = ~o
    return S[np.ix_(m, o)], S[np.ix_(o, o)], S[np.ix_(m, m)], S[np.ix_(o, m)]


def _mean_variant(case, use_inverse=True, centre=True, add_mean=True):
    S_mo, S_oo, _, _ = _blocks(case)
    mu, o = case.extra["mu"], case.extra["o"]
    d = case.extra["x"] - (mu[o] if centre else 0.0)
    shift = S_mo @ (np.linalg.solve(S_oo, d) if use_inverse else S_oo @ d)
    return (mu[~o] if add_mean else 0.0) + shift


@hint("multiply by the INVERSE of Sigma_oo: use np.linalg.solve(Sigma_oo, x_o - mu_o), not Sigma_oo @ (x_o - mu_o)")
def mean_without_inverse(got, case) -> bool:
    return close(got, _mean_variant(case, use_inverse=False))


@hint("centre the observed values first: x_o - mu_o, not x_o")
def mean_not_centred(got, case) -> bool:
    return close(got, _mean_variant(case, centre=False))


@hint("start from the missing features' own mean: mu_m + Sigma_mo Sigma_oo^{{-1}} (x_o - mu_o)")
def mean_without_mu_m(got, case) -> bool:
    return close(got, _mean_variant(case, add_mean=False))


@hint("the observed values tell you something: E[x_m | x_o] is mu_m plus a correction Sigma_mo Sigma_oo^{{-1}} (x_o "
      "- mu_o)")
def returned_prior_mean(got, case) -> bool:
    return close(got, case.extra["mu"][~case.extra["o"]])


@hint("return only the missing features, shape (|m|,), in their original order")
def returned_every_feature(got, case) -> bool:
    return np.size(got) == case.extra["o"].size


CONDITIONAL_MEAN_HINTS = [
    mean_without_inverse,
    mean_not_centred,
    mean_without_mu_m,
    returned_prior_mean,
    returned_every_feature,
]


@check
def conditional_mean(fn) -> CheckResult:
    """Q: E[x_m | x_o] = mu_m + Sigma_mo Sigma_oo^{-1} (x_o - mu_o) for one point; returns (|m|,)."""
    return run_cases("conditional_mean", fn, _conditional_cases(0), CONDITIONAL_MEAN_HINTS)


def _covariance_variant(case, sign=-1.0, use_inverse=True):
    S_mo, S_oo, S_mm, S_om = _blocks(case)
    middle = np.linalg.solve(S_oo, S_om) if use_inverse else S_oo @ S_om
    return S_mm + sign * S_mo @ middle


@hint("knowing x_o REDUCES the uncertainty about x_m: subtract Sigma_mo Sigma_oo^{{-1}} Sigma_om from Sigma_mm")
def did_not_reduce(got, case) -> bool:
    return close(got, _blocks(case)[2]) or close(got, _covariance_variant(case, sign=1.0))


@hint("use the INVERSE of Sigma_oo: np.linalg.solve(Sigma_oo, Sigma_om)")
def covariance_without_inverse(got, case) -> bool:
    return close(got, _covariance_variant(case, use_inverse=False))


@hint("return the (|m|, |m|) block for the missing features only")
def returned_full_covariance(got, case) -> bool:
    return np.shape(got) == case.extra["Sigma"].shape


CONDITIONAL_COVARIANCE_HINTS = [did_not_reduce, covariance_without_inverse, returned_full_covariance]


@check
def conditional_covariance(fn) -> CheckResult:
    """Q: Cov[x_m | x_o] = Sigma_mm - Sigma_mo Sigma_oo^{-1} Sigma_om; returns (|m|, |m|)."""
    return run_cases("conditional_covariance", fn, _conditional_cases(1), CONDITIONAL_COVARIANCE_HINTS)
