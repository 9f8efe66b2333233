"""Checks for exercise set 06 (lesson 06, applications): anomaly thresholds and flags in log space,
segmenting the colonies image by the posterior, counting objects, sampling new data."""

from __future__ import annotations

import numpy as np

from ..datasets import colonies_image as _colonies_image
from ..em import fit_gmm as _fit_gmm
from ..em import log_mixture_density as _log_mixture_density
from ..em import responsibilities as _responsibilities
from ..params import GMMParams
from .engine import Case, CheckResult, check, hint, run_cases
from .fixtures import anisotropic_2d, close, fmt, has_nan

__all__ = ["anomaly_threshold", "flag_anomalies", "segmentation_mask", "count_objects", "sample_new"]


# ---------------------------------------------------------------- Q1 the threshold


def _scores(seed=0, N=300):
    """Log-densities of points under the mixture they came from, plus two far outliers."""
    X, pi, mu, Sigma = anisotropic_2d(seed, N=N)
    X = np.vstack([X, [[30.0, -20.0], [-12.0, 40.0]]])
    return _log_mixture_density(X, GMMParams(pi, mu, Sigma))


def _near(got, value) -> bool:
    return close(got, value, rtol=1e-9)


@hint("anomalies are the LOW log-densities: the threshold is the percent-th percentile, not the (100 - percent)-th")
def upper_percentile(got, case) -> bool:
    scores, percent = case.args
    return _near(got, np.percentile(scores, 100 - percent))


@hint("percent is already in per cent (1 means 1 %): use np.percentile(log_densities, percent), or "
      "np.quantile(log_densities, percent / 100)")
def percent_as_fraction(got, case) -> bool:
    scores, percent = case.args
    return (_near(got, np.percentile(scores, percent / 100))
            or _near(got, np.percentile(scores, min(100.0, percent * 100))))


@hint("close, but not the percentile: np.percentile interpolates between the two nearest scores rather than picking "
      "one of them")
def picked_a_score(got, case) -> bool:
    return np.ndim(got) == 0 and np.any(np.isclose(float(got), np.asarray(case.args[0], dtype=float), rtol=1e-12))


ANOMALY_THRESHOLD_HINTS = [upper_percentile, percent_as_fraction, picked_a_score]


@check
def anomaly_threshold(fn) -> CheckResult:
    """Q: the threshold tau = the percent-th percentile of the training log-densities."""
    scores = _scores()
    cases = [Case(f"302 log-densities (two far outliers among them), percent = {q}", (scores.copy(), q),
                  np.percentile(scores, q)) for q in (1, 5, 0.5)]
    cases.append(Case("a plain list of 5 log-densities, percent = 20", ([-3.0, -1.0, -2.0, -10.0, -0.5], 20),
                      np.percentile([-3.0, -1.0, -2.0, -10.0, -0.5], 20)))
    return run_cases("anomaly_threshold", fn, cases, ANOMALY_THRESHOLD_HINTS)


# ---------------------------------------------------------------- Q2 flags


def _sensors(seed=3, N=200, D=120):
    """120 sensor readings (millivolts) per record: every density underflows in probability space."""
    rng = np.random.default_rng(seed)
    pi = np.array([0.7, 0.3])
    mu = rng.normal(0.0, 600.0, size=(2, D))
    Sigma = np.empty((2, D, D))
    for k in range(2):
        A = rng.normal(size=(D, D)) / np.sqrt(D)
        Sigma[k] = 300.0**2 * (0.5 * A @ A.T + 0.5 * np.eye(D))
    z = rng.choice(2, size=N, p=pi)
    L = np.linalg.cholesky(Sigma)  # (2, D, D)
    X = mu[z] + np.einsum("nij,nj->ni", L[z], rng.standard_normal((N, D)))
    X[:4] += rng.normal(0.0, 4000.0, size=(4, D))  # four broken records
    return X, pi, mu, Sigma


def _flags_ref(X, pi, mu, Sigma, threshold):
    return _log_mixture_density(X, GMMParams(pi, mu, Sigma)) < threshold


def _flag_cases():
    X, pi, mu, Sigma = anisotropic_2d(2, N=300)
    X = np.vstack([X, [[25.0, -14.0], [-8.0, 30.0], [2.0, 2.5]]])  # two far records, one in a gap
    tau = np.percentile(_log_mixture_density(X, GMMParams(pi, mu, Sigma)), 5)
    Xs, pis, mus, Sigmas = _sensors()
    taus = np.percentile(_log_mixture_density(Xs, GMMParams(pis, mus, Sigmas)), 5)
    return [
        Case("303 anisotropic 2-D points (two far away), K = 3, tau = 5th percentile",
             (X, pi, mu, Sigma, tau), _flags_ref(X, pi, mu, Sigma, tau)),
        Case(f"200 records of 120 sensor readings, K = 2, tau = {taus:.1f} (log-densities near -900)",
             (Xs, pis, mus, Sigmas, taus), _flags_ref(Xs, pis, mus, Sigmas, taus)),
    ]


def _as_flags(got, n):
    """The learner's answer as a boolean (n,) array, or a message saying why it isn't one."""
    try:
        arr = np.asarray(got)
    except Exception:
        return None, "you should return a numpy array of booleans"
    if arr.shape != (n,):
        return None, f"you should return one flag per point, shape ({n},), got shape {arr.shape}"
    if arr.dtype != bool:
        if np.issubdtype(arr.dtype, np.number) and np.all(np.isin(arr, (0, 1))):
            return arr.astype(bool), None
        return None, "you should return booleans (True = anomaly), not the log-densities themselves"
    return arr, None


def _flag_problem(got, case):
    flags, problem = _as_flags(got, len(case.args[0]))
    if problem:
        return problem
    wrong = np.flatnonzero(flags != case.expected)
    if wrong.size:
        return (f"{wrong.size} of {flags.size} flags differ from the expected log p(x) < threshold "
                f"(expected {int(case.expected.sum())} anomalies, you flagged {int(flags.sum())})")
    return None


def _same_flags(got, expected) -> bool:
    flags, problem = _as_flags(got, len(expected))
    return problem is None and np.array_equal(flags, expected)


def _all_same(got, n) -> bool:
    flags, problem = _as_flags(got, n)
    return problem is None and (flags.all() or not flags.any())


@hint("anomalies have LOW density: flag log p(x) < threshold, not >")
def flagged_high_density(got, case) -> bool:
    return _same_flags(got, ~case.expected)


@hint("in 120 dimensions every density p(x) underflows to 0.0, so comparing densities cannot tell points apart: "
      "compute log p(x) = logsumexp_k (log pi_k + log N(x | mu_k, Sigma_k)) and compare it with the threshold "
      "directly")
def compared_underflowed_densities(got, case) -> bool:
    return case.args[0].shape[1] > 100 and _all_same(got, len(case.expected))


@hint("include the weights: log p(x) = logsumexp_k (log pi_k + log N(x | mu_k, Sigma_k))")
def forgot_weights(got, case) -> bool:
    X, pi, mu, Sigma, threshold = case.args
    return _same_flags(got, _flags_ref(X, np.full(len(pi), 1 / len(pi)), mu, Sigma, threshold))


FLAG_ANOMALIES_HINTS = [flagged_high_density, compared_underflowed_densities, forgot_weights]


@check
def flag_anomalies(fn) -> CheckResult:
    """Q: True where log p(x_n) < threshold, computed in log space."""
    return run_cases("flag_anomalies", fn, _flag_cases(), FLAG_ANOMALIES_HINTS, compare=_flag_problem)


# ---------------------------------------------------------------- Q3 segmentation

_COLONIES: dict = {}


def _colonies_fit():
    """The colonies image (seed 0) and a K = 3 mixture fitted to 5000 of its pixels, computed once."""
    if not _COLONIES:
        dish = _colonies_image(seed=0)
        x = dish.image.ravel()
        subset = np.random.default_rng(0).choice(x.size, size=5000, replace=False)
        p = _fit_gmm(x[subset], 3, seed=0, tol=1e-6, max_iter=500).params
        _COLONIES.update(image=dish.image, mask=dish.mask, pi=p.pi, mu=p.mu[:, 0],
                         sigma=np.sqrt(p.Sigma[:, 0, 0]), colony=int(np.argmax(p.mu[:, 0])))
    c = _COLONIES
    return c["image"], c["pi"].copy(), c["mu"].copy(), c["sigma"].copy(), c["colony"]


def _mask_ref(image, pi, mu, sigma, colony):
    image = np.asarray(image, dtype=float)
    p = GMMParams(pi=pi, mu=mu, Sigma=np.asarray(sigma, dtype=float) ** 2)
    return (_responsibilities(image.ravel(), p)[:, colony] > 0.5).reshape(image.shape)


def _hot_pixel_image():
    rng = np.random.default_rng(11)
    image = np.where(rng.uniform(size=(12, 16)) < 0.2, 0.72, 0.36) + rng.normal(0, 0.04, size=(12, 16))
    image[[2, 7, 9], [3, 11, 14]] = [5.0, 7.5, 60.0]  # hot pixels, far brighter than any colony
    image[5, 5] = -3.0  # a dead pixel
    return image


def _segmentation_cases() -> list:
    image, pi, mu, sigma, colony = _colonies_fit()
    rng = np.random.default_rng(5)
    small = rng.uniform(0.2, 0.9, size=(20, 30))
    wide = rng.uniform(0.0, 1.0, size=(20, 30))
    two = (np.array([0.95, 0.05]), np.array([0.35, 0.7]), np.array([0.05, 0.1]))
    hot = _hot_pixel_image()
    three = (np.array([0.2, 0.7, 0.1]), np.array([0.72, 0.36, 0.1]), np.array([0.08, 0.04, 0.03]))
    agar = (np.array([0.3, 0.6, 0.1]), np.array([0.1, 0.36, 0.72]), np.array([0.03, 0.05, 0.1]))
    return [
        Case("the colonies image (256 x 256), K = 3 fitted by gmm_teach, colony = the brightest component",
             (image, pi, mu, sigma, colony), _mask_ref(image, pi, mu, sigma, colony)),
        Case("a 20 x 30 image, K = 2, colonies rare (pi = [0.95, 0.05]), colony = 1",
             (small, *two, 1), _mask_ref(small, *two, 1)),
        Case("a 12 x 16 image with hot pixels (grey level up to 60) and a dead one, colony = 0",
             (hot, *three, 0), _mask_ref(hot, *three, 0)),
        Case("a 20 x 30 image, K = 3, the mask of the agar: colony = 1 (any component can be asked for)",
             (wide, *agar, 1), _mask_ref(wide, *agar, 1)),
    ]


def _mask_problem(got, case) -> str | None:
    try:
        arr = np.asarray(got)
    except Exception:
        return "you should return a boolean numpy array"
    shape = np.shape(case.args[0])
    if arr.shape != shape:
        return f"the mask should have the image's shape {shape}, got shape {arr.shape}"
    if arr.dtype != bool and not (np.issubdtype(arr.dtype, np.number) and np.all(np.isin(arr, (0, 1)))):
        return "you should return booleans (True = colony), not the posterior probabilities"
    wrong = int(np.sum(arr.astype(bool) != case.expected))
    if wrong:
        return f"{wrong} of {arr.size} pixels differ from the expected mask p(colony | x) > 0.5"
    return None


def _same_mask(got, expected) -> bool:
    return np.shape(got) == expected.shape and np.array_equal(np.asarray(got).astype(bool), expected)


@hint("include the weights in Bayes' rule: pi_k N(x | mu_k, sigma_k^2), not N(x | mu_k, sigma_k^2) alone")
def mask_without_weights(got, case) -> bool:
    image, pi, mu, sigma, colony = case.args
    return _same_mask(got, _mask_ref(image, np.full(len(pi), 1 / len(pi)), mu, sigma, colony))


@hint("sigma holds standard deviations: the variance is sigma**2")
def mask_sigma_as_variance(got, case) -> bool:
    image, pi, mu, sigma, colony = case.args
    return _same_mask(got, _mask_ref(image, pi, mu, np.sqrt(sigma), colony))


@hint("use the component you are given (colony = {case.args[4]}), not always the last or the brightest one")
def mask_of_another_component(got, case) -> bool:
    colony = case.args[4]
    return any(_same_mask(got, _mask_ref(*case.args[:4], k)) for k in range(len(case.args[1])) if k != colony)


@hint("True should mark colony pixels: p(colony | x) > 0.5, not < 0.5")
def mask_inverted(got, case) -> bool:
    return _same_mask(got, ~case.expected)


@hint("far from every component (a hot pixel) all densities underflow to 0 and 0/0 = NaN: work with log pi_k + log "
      "N(x | mu_k, sigma_k^2) and normalise with scipy.special.logsumexp (or compare the log-terms directly)")
def wrong_only_at_hot_pixels(got, case) -> bool:
    image = case.args[0]
    ordinary = np.abs(image - 0.5) < 1
    return (image.max() > 10 and not _same_mask(got, case.expected)
            and _same_mask(np.asarray(got)[ordinary], case.expected[ordinary]))


SEGMENTATION_MASK_HINTS = [
    mask_without_weights,
    mask_sigma_as_variance,
    mask_of_another_component,
    mask_inverted,
    wrong_only_at_hot_pixels,
]


@check
def segmentation_mask(fn) -> CheckResult:
    """Q: mask = p(colony | grey level) > 0.5, by Bayes' rule with the weights, shape of the image."""
    return run_cases("segmentation_mask", fn, _segmentation_cases(), SEGMENTATION_MASK_HINTS, compare=_mask_problem)


# ---------------------------------------------------------------- Q4 counting

SMALL_MASK = np.array([
    [1, 1, 0, 0, 0, 1, 0],
    [1, 1, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
    [0, 1, 1, 1, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [1, 0, 0, 0, 0, 0, 1],
], dtype=bool)


def _count_ref(mask, min_area, structure=None):
    from scipy import ndimage

    labels, n = ndimage.label(mask, structure=structure)
    areas = np.bincount(labels.ravel(), minlength=n + 1)[1:]
    return int(np.sum(areas >= min_area))


def _count_problem(got, case) -> str | None:
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
        return f"the count should be a whole number (an int), got {got!r}"[:120]
    return None if got == case.expected else f"expected {case.expected}, got {got}"


@hint("pixels that touch only at a corner are separate objects: use 4-connectivity, scipy.ndimage.label's default "
      "structure")
def counted_8_connected(got, case) -> bool:
    mask, min_area = case.args
    return got == _count_ref(mask, min_area, structure=np.ones((3, 3)))


@hint("drop the objects smaller than min_area = {case.args[1]} pixels")
def kept_small_objects(got, case) -> bool:
    mask, min_area = case.args
    return min_area > 1 and got == _count_ref(mask, 1)


@hint("an object of exactly min_area = {case.args[1]} pixels counts (area >= min_area)")
def dropped_min_area_objects(got, case) -> bool:
    mask, min_area = case.args
    return got == _count_ref(mask, min_area + 1)


@hint("count connected objects, not pixels")
def counted_pixels(got, case) -> bool:
    return got == int(np.sum(case.args[0]))


@hint("label 0 is the background, not an object")
def counted_background(got, case) -> bool:
    return got == case.expected + 1


COUNT_OBJECTS_HINTS = [
    counted_8_connected,
    kept_small_objects,
    dropped_min_area_objects,
    counted_pixels,
    counted_background,
]


@check
def count_objects(fn) -> CheckResult:
    """Q: the number of 4-connected objects of at least min_area pixels."""
    image, pi, mu, sigma, colony = _colonies_fit()
    noisy = _mask_ref(image, pi, mu, sigma, colony)
    cases = [Case("the 6 x 7 mask printed above, min_area = 1", (SMALL_MASK.copy(), 1), _count_ref(SMALL_MASK, 1)),
             Case("the 6 x 7 mask printed above, min_area = 3", (SMALL_MASK.copy(), 3), _count_ref(SMALL_MASK, 3)),
             Case("the colonies mask with specks, min_area = 15", (noisy, 15), _count_ref(noisy, 15)),
             Case("an empty 5 x 5 mask, min_area = 1", (np.zeros((5, 5), bool), 1), 0)]
    return run_cases("count_objects", fn, cases, COUNT_OBJECTS_HINTS, compare=_count_problem)


# ---------------------------------------------------------------- Q5 sampling


def _sample_shape_problem(got, case) -> str | None:
    pi, mu, Sigma, n = case.args[:4]
    K, D = mu.shape
    if not (isinstance(got, tuple) and len(got) == 2):
        return "you should return a pair (X, z): the samples and the component each came from"
    X, z = (np.asarray(a) for a in got)
    if X.shape != (n, D) or z.shape != (n,):
        return f"X should have shape ({n}, {D}) and z shape ({n},), got {X.shape} and {z.shape}"
    if has_nan(X):
        return "X contains NaN"
    if not np.issubdtype(z.dtype, np.integer) or z.min() < 0 or z.max() >= K:
        return f"z should hold component numbers 0..{K - 1}"
    return None


def _sample_moments_problem(X, z, pi, mu, Sigma) -> str | None:
    n, K = len(z), len(pi)
    freq = np.bincount(z, minlength=K) / n
    if np.any(np.abs(freq - pi) > 5 * np.sqrt(pi * (1 - pi) / n) + 1e-3):
        return f"components should be chosen with probabilities pi = {fmt(pi)}, got frequencies {fmt(freq)}"
    for k in range(K):
        Xk = X[z == k]
        sd = np.sqrt(np.diag(Sigma[k]))
        if np.any(np.abs(Xk.mean(axis=0) - mu[k]) > 5 * sd / np.sqrt(len(Xk))):
            return f"samples of component {k} should have mean {fmt(mu[k])}, got {fmt(Xk.mean(axis=0))}"
        C = np.cov(Xk.T)
        if np.any(np.abs(C - Sigma[k]) > 0.08 * np.outer(sd, sd)):
            return (f"samples of component {k} should have covariance {fmt(Sigma[k])}, "
                    f"got {fmt(np.round(C, 3))}")
    return None


def _sample_problem(got, case) -> str | None:
    problem = _sample_shape_problem(got, case)
    if problem:
        return problem
    pi, mu, Sigma, n = case.args[:4]
    X, z = (np.asarray(a) for a in got)
    problem = _sample_moments_problem(X, z, pi, mu, Sigma)
    if problem:
        return problem
    again = case.extra["fn"](pi.copy(), mu.copy(), Sigma.copy(), n, np.random.default_rng(case.extra["seed"]))
    if not np.array_equal(np.asarray(again[0]), X):
        return "the same seed should give the same sample: use the rng you are given for every random draw"
    return None


def _first_covariance_is(got, target) -> bool:
    X, z = (np.asarray(a) for a in got)
    C = np.cov(X[z == 0].T)
    return C.shape == (2, 2) and np.allclose(C, target, rtol=0.1, atol=0.05)


@hint("x = mu + L u needs the Cholesky factor L = np.linalg.cholesky(Sigma[k]), not Sigma itself (or use "
      "rng.multivariate_normal)")
def scaled_by_sigma(got, case) -> bool:
    Sigma = case.args[2]
    return _first_covariance_is(got, Sigma[0] @ Sigma[0].T)


@hint("keep the correlations: draw with the full covariance (its Cholesky factor), not one standard deviation per "
      "feature")
def dropped_correlations(got, case) -> bool:
    Sigma = case.args[2]
    return _first_covariance_is(got, np.diag(np.diag(Sigma[0])))


@hint("choose each component with probability pi_k (rng.choice(K, size=n, p=pi)), not uniformly")
def chose_uniformly(got, case) -> bool:
    n = case.args[3]
    return (isinstance(got, tuple) and len(got) == 2 and np.shape(got[1]) == (n,)
            and np.allclose(np.bincount(np.asarray(got[1]).astype(int), minlength=3) / n, 1 / 3, atol=0.02))


SAMPLE_NEW_HINTS = [scaled_by_sigma, dropped_correlations, chose_uniformly]


@check
def sample_new(fn) -> CheckResult:
    """Q: n draws from a D-dimensional mixture: z ~ Categorical(pi), x = mu_z + L_z u with Sigma_z = L_z L_z^T."""
    _, pi, mu, Sigma = anisotropic_2d(0)
    n, seed = 30_000, 7
    cases = [Case(f"pi = {fmt(pi)}, three tilted 2-D components, n = {n}, rng seed {seed}",
                  (pi, mu, Sigma, n, np.random.default_rng(seed)), None, extra={"fn": fn, "seed": seed})]
    return run_cases("sample_new", fn, cases, SAMPLE_NEW_HINTS, compare=_sample_problem)
