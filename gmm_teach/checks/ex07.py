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
from ._engine import Case, CheckResult, _close, _has_nan, compare_arrays, run_cases

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


def class_gaussians(fn) -> CheckResult:
    """Q: pi_k = N_k / N, mu_k = class mean, Sigma_k = class covariance divided by N_k (the one-hot M-step)."""
    X, y = _labelled_2d(1)
    X_far, y_far = _labelled_2d(2, sizes=(12, 25, 8), shift=1e4)
    cases = [Case("60 anisotropic 2-D points, 3 classes of 30, 20 and 10", (X, y, 3), _supervised(X, y, 3)),
             Case("45 points 10^4 from the origin, classes of 12, 25 and 8", (X_far, y_far, 3),
                  _supervised(X_far, y_far, 3))]

    def compare(got, case):
        if not _triple(got):
            return "return a triple (pi, mu, Sigma)"
        return (compare_arrays(got[0], case.expected[0], name="pi")
                or compare_arrays(got[1], case.expected[1], rtol=1e-6, atol=1e-6, name="mu")
                or compare_arrays(got[2], case.expected[2], rtol=1e-6, atol=1e-6, name="Sigma"))

    def counts(case):
        return np.bincount(case.args[1], minlength=case.args[2]).astype(float)

    hints = [
        lambda got, c: ("divide each class's scatter by N_k (the maximum-likelihood M-step), not by N_k - 1: "
                        "np.cov divides by N_k - 1 unless you pass bias=True")
        if _triple(got) and _close(got[2], c.expected[2] * (counts(c) / (counts(c) - 1))[:, None, None]) else None,
        lambda got, c: "pi_k is the class's SHARE of the points, N_k / N, not its count N_k"
        if _triple(got) and _close(got[0], counts(c)) else None,
        lambda got, c: "the priors are the class shares N_k / N, not 1/K: the classes have different sizes"
        if _triple(got) and _close(got[0], np.full(c.args[2], 1 / c.args[2])) else None,
        lambda got, c: ("centre each class on its OWN mean: Sigma_k sums (x_n - mu_k)(x_n - mu_k)^T over the "
                        "points of class k only") if _triple(got) and any(
            _close(got[2], _class_scatter(c.args[0], c.args[1], c.args[2], centre)) for centre in ("none", "overall"))
        else None,
    ]
    return run_cases("class_gaussians", fn, cases, hints, compare=compare)


def _proba_ref(X, pi, mu, Sigma):
    return _responsibilities(X, GMMParams(pi=pi, mu=mu, Sigma=Sigma))


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
    hints = [
        lambda got, c: ("NaN: far from every class all densities underflow to 0 and you divide 0 by 0. Work with "
                        "log pi_k + log N(x | mu_k, Sigma_k) and normalise with scipy.special.logsumexp")
        if _has_nan(got) else None,
        lambda got, c: ("include the class priors: the posterior is proportional to pi_k N(x | mu_k, Sigma_k), "
                        "not to the likelihood alone")
        if _close(got, _proba_ref(c.args[0], np.full(3, 1 / 3), c.args[2], c.args[3]), rtol=1e-5) else None,
        lambda got, c: "return probabilities, not their logarithms: exponentiate at the end"
        if np.shape(got) == c.expected.shape and _close(got, np.log(np.clip(c.expected, 1e-300, None)), rtol=1e-5)
        else None,
        lambda got, c: "return the (N, K) probabilities of every class, not the predicted class"
        if np.shape(got) == (len(c.args[0]),) else None,
    ]
    return run_cases("predict_proba_qda", fn, cases, hints)


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

    def compare(got, case):
        if not np.array_equal(case.args[0], case.extra["copy"]):
            case.args[0][...] = case.extra["copy"]  # restore it for the next case
            return "your function changed the gamma it was given; it should work on a copy (out = gamma.copy())"
        return compare_arrays(got, case.expected, name="gamma")

    def clamped(gamma, rows, y_partial):
        out = np.array(gamma, dtype=float)
        out[rows] = np.eye(gamma.shape[1])[y_partial[rows]]
        return out

    hints = [
        lambda got, c: ("class 0 is a label too: the labelled rows are those with y_partial >= 0 (not > 0); "
                        "only -1 means unlabelled") if _close(got, clamped(c.args[0], c.args[1] > 0, c.args[1]))
        else None,
        lambda got, c: ("np.eye(K)[-1] is the one-hot row of the LAST class: replace only the rows with "
                        "y_partial >= 0, and keep the E-step's gamma where y_partial == -1")
        if _close(got, np.eye(c.args[0].shape[1])[c.args[1]]) else None,
        lambda got, c: ("clamp the LABELLED rows (y_partial >= 0) to one-hot; the unlabelled rows (-1) keep "
                        "their E-step responsibilities") if _close(got, clamped(c.args[0], c.args[1] == -1, c.args[1]))
        else None,
    ]
    return run_cases("semi_supervised_gamma", fn, cases, hints, compare=compare)


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


def conditional_mean(fn) -> CheckResult:
    """Q: E[x_m | x_o] = mu_m + Sigma_mo Sigma_oo^{-1} (x_o - mu_o) for one point; returns (|m|,)."""
    cases = _conditional_cases(0)

    def variant(c, use_inverse=True, centre=True, add_mean=True):
        S_mo, S_oo, _, _ = _blocks(c)
        mu, o = c.extra["mu"], c.extra["o"]
        d = c.extra["x"] - (mu[o] if centre else 0.0)
        shift = S_mo @ (np.linalg.solve(S_oo, d) if use_inverse else S_oo @ d)
        return (mu[~o] if add_mean else 0.0) + shift

    hints = [
        lambda got, c: ("multiply by the INVERSE of Sigma_oo: use np.linalg.solve(Sigma_oo, x_o - mu_o), "
                        "not Sigma_oo @ (x_o - mu_o)") if _close(got, variant(c, use_inverse=False)) else None,
        lambda got, c: "centre the observed values first: x_o - mu_o, not x_o"
        if _close(got, variant(c, centre=False)) else None,
        lambda got, c: "start from the missing features' own mean: mu_m + Sigma_mo Sigma_oo^{-1} (x_o - mu_o)"
        if _close(got, variant(c, add_mean=False)) else None,
        lambda got, c: ("the observed values tell you something: E[x_m | x_o] is mu_m plus a correction "
                        "Sigma_mo Sigma_oo^{-1} (x_o - mu_o)") if _close(got, c.extra["mu"][~c.extra["o"]]) else None,
        lambda got, c: "return only the missing features, shape (|m|,), in their original order"
        if np.size(got) == c.extra["o"].size else None,
    ]
    return run_cases("conditional_mean", fn, cases, hints)


def conditional_covariance(fn) -> CheckResult:
    """Q: Cov[x_m | x_o] = Sigma_mm - Sigma_mo Sigma_oo^{-1} Sigma_om; returns (|m|, |m|)."""
    cases = _conditional_cases(1)

    def variant(c, sign=-1.0, use_inverse=True):
        S_mo, S_oo, S_mm, S_om = _blocks(c)
        middle = np.linalg.solve(S_oo, S_om) if use_inverse else S_oo @ S_om
        return S_mm + sign * S_mo @ middle

    hints = [
        lambda got, c: ("knowing x_o REDUCES the uncertainty about x_m: subtract Sigma_mo Sigma_oo^{-1} Sigma_om "
                        "from Sigma_mm") if _close(got, _blocks(c)[2]) or _close(got, variant(c, sign=1.0)) else None,
        lambda got, c: "use the INVERSE of Sigma_oo: np.linalg.solve(Sigma_oo, Sigma_om)"
        if _close(got, variant(c, use_inverse=False)) else None,
        lambda got, c: "return the (|m|, |m|) block for the missing features only"
        if np.shape(got) == c.extra["Sigma"].shape else None,
    ]
    return run_cases("conditional_covariance", fn, cases, hints)
