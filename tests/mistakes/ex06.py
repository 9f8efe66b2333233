"""Typical mistakes in exercise set 06: each must fail its check with the right hint
(tests/test_checks.py) and lose exactly its points under nbgrader (tests/test_exercises.py)."""

import numpy as np
from exercise_tools import load_answers
from scipy import ndimage
from scipy.stats import multivariate_normal, norm

ok = load_answers("ex06")  # the model answers, from solutions/ex06/ex06.ipynb


def threshold_wrong_tail(log_densities, percent):
    return float(np.percentile(log_densities, 100 - percent))


def threshold_as_fraction(log_densities, percent):
    return float(np.percentile(log_densities, percent / 100))


def threshold_sorted_index(log_densities, percent):
    s = np.sort(log_densities)
    return float(s[int(percent / 100 * len(s))])


def flags_probability_space(X, pi, mu, Sigma, threshold):
    density = sum(pi[k] * np.atleast_1d(multivariate_normal(mu[k], Sigma[k]).pdf(X)) for k in range(len(pi)))
    return density < np.exp(threshold)


def flags_log_of_density(X, pi, mu, Sigma, threshold):
    density = sum(pi[k] * np.atleast_1d(multivariate_normal(mu[k], Sigma[k]).pdf(X)) for k in range(len(pi)))
    return np.log(density) < threshold


def flags_wrong_direction(X, pi, mu, Sigma, threshold):
    return ~ok["flag_anomalies"](X, pi, mu, Sigma, threshold)


def flags_without_weights(X, pi, mu, Sigma, threshold):
    return ok["flag_anomalies"](X, np.full(len(pi), 1 / len(pi)), mu, Sigma, threshold)


def flags_as_scores(X, pi, mu, Sigma, threshold):
    log_joint = np.stack([np.log(pi[k]) + np.atleast_1d(multivariate_normal(mu[k], Sigma[k]).logpdf(X))
                          for k in range(len(pi))], axis=1)
    return np.log(np.exp(log_joint).sum(axis=1))


def mask_without_weights(image, pi, mu, sigma, colony):
    return ok["segmentation_mask"](image, np.full(len(pi), 1 / len(pi)), mu, sigma, colony)


def mask_sigma_as_variance(image, pi, mu, sigma, colony):
    return ok["segmentation_mask"](image, pi, mu, np.sqrt(sigma), colony)


def mask_probability_space(image, pi, mu, sigma, colony):
    x = np.asarray(image, dtype=float).ravel()
    joint = np.stack([pi[k] * norm.pdf(x, mu[k], sigma[k]) for k in range(len(pi))], axis=1)
    with np.errstate(invalid="ignore"):
        return (joint[:, colony] / joint.sum(axis=1) > 0.5).reshape(np.shape(image))


def mask_brightest_component(image, pi, mu, sigma, colony):
    return ok["segmentation_mask"](image, pi, mu, sigma, int(np.argmax(mu)))


def mask_inverted(image, pi, mu, sigma, colony):
    return ~ok["segmentation_mask"](image, pi, mu, sigma, colony)


def count_eight_connected(mask, min_area):
    labels, n = ndimage.label(mask, structure=np.ones((3, 3)))
    return int(np.sum(np.bincount(labels.ravel(), minlength=n + 1)[1:] >= min_area))


def count_ignoring_min_area(mask, min_area):
    return int(ndimage.label(mask)[1])


def count_strictly_larger(mask, min_area):
    labels, n = ndimage.label(mask)
    return int(np.sum(np.bincount(labels.ravel(), minlength=n + 1)[1:] > min_area))


def count_pixels(mask, min_area):
    return int(np.sum(mask))


def sample_with_sigma_as_factor(pi, mu, Sigma, n, rng):
    K, D = np.shape(mu)
    z = rng.choice(K, size=n, p=pi)
    X = np.empty((n, D))
    for k in range(K):
        X[z == k] = mu[k] + rng.standard_normal((int(np.sum(z == k)), D)) @ np.asarray(Sigma[k]).T
    return X, z


def sample_without_correlations(pi, mu, Sigma, n, rng):
    K, D = np.shape(mu)
    z = rng.choice(K, size=n, p=pi)
    X = mu[z] + rng.standard_normal((n, D)) * np.sqrt(np.diagonal(Sigma, axis1=1, axis2=2))[z]
    return X, z


def sample_uniform_components(pi, mu, Sigma, n, rng):
    return ok["sample_new"](np.full(len(pi), 1 / len(pi)), mu, Sigma, n, rng)


def sample_ignoring_rng(pi, mu, Sigma, n, rng):
    return ok["sample_new"](pi, mu, Sigma, n, np.random.default_rng())


# (check, wrong answer, text the feedback must contain)
CHECKS = [
    ("anomaly_threshold", threshold_wrong_tail, "LOW log-densities"),
    ("anomaly_threshold", threshold_as_fraction, "already in per cent"),
    ("anomaly_threshold", threshold_sorted_index, "interpolates"),
    ("flag_anomalies", flags_probability_space, "underflows"),
    ("flag_anomalies", flags_log_of_density, "underflows"),
    ("flag_anomalies", flags_wrong_direction, "LOW density"),
    ("flag_anomalies", flags_without_weights, "include the weights"),
    ("flag_anomalies", flags_as_scores, "return booleans"),
    ("segmentation_mask", mask_without_weights, "include the weights"),
    ("segmentation_mask", mask_sigma_as_variance, "standard deviations"),
    ("segmentation_mask", mask_probability_space, "logsumexp"),
    ("segmentation_mask", mask_brightest_component, "use the component you are given"),
    ("segmentation_mask", mask_inverted, "not < 0.5"),
    ("count_objects", count_eight_connected, "4-connectivity"),
    ("count_objects", count_ignoring_min_area, "drop the objects smaller"),
    ("count_objects", count_strictly_larger, "exactly min_area"),
    ("count_objects", count_pixels, "not pixels"),
    ("sample_new", sample_with_sigma_as_factor, "Cholesky factor"),
    ("sample_new", sample_without_correlations, "keep the correlations"),
    ("sample_new", sample_uniform_components, "probability pi_k"),
    ("sample_new", sample_ignoring_rng, "use the rng you are given"),
]

# nbgrader round trip: student -> ({answer cell grade_id: wrong code}, [graded cells that must score 0])
GRADED = {
    # Densities instead of log-densities: nothing is flagged in 150 dimensions, and hot pixels give 0/0.
    "probability_space": ({
        "q2_answer": """
def flag_anomalies(X, pi, mu, Sigma, threshold):
    density = sum(pi[k] * np.atleast_1d(multivariate_normal(mu[k], Sigma[k]).pdf(X)) for k in range(len(pi)))
    return density < np.exp(threshold)
""",
        "q3_answer": """
def segmentation_mask(image, pi, mu, sigma, colony):
    x = np.asarray(image, dtype=float).ravel()
    joint = np.stack([pi[k] * norm.pdf(x, mu[k], sigma[k]) for k in range(len(pi))], axis=1)
    return (joint[:, colony] / joint.sum(axis=1) > 0.5).reshape(np.shape(image))
""",
    }, ["q2_check", "q3_check"]),
    "forgot_weights": ({
        "q3_answer": """
def segmentation_mask(image, pi, mu, sigma, colony):
    x = np.asarray(image, dtype=float).ravel()
    log_dens = np.stack([norm.logpdf(x, mu[k], sigma[k]) for k in range(len(pi))], axis=1)
    log_post = log_dens[:, colony] - logsumexp(log_dens, axis=1)
    return (log_post > np.log(0.5)).reshape(np.shape(image))
""",
    }, ["q3_check"]),
    "wrong_tail": ({
        "q1_answer": """
def anomaly_threshold(log_densities, percent):
    return float(np.percentile(log_densities, 100 - percent))
""",
    }, ["q1_check"]),
    "corners_connect": ({
        "q4_answer": """
def count_objects(mask, min_area):
    labels, n = ndimage.label(mask, structure=np.ones((3, 3)))
    return int(np.sum(np.bincount(labels.ravel(), minlength=n + 1)[1:] >= min_area))
""",
    }, ["q4_check"]),
    "sigma_not_cholesky": ({
        "q5_answer": """
def sample_new(pi, mu, Sigma, n, rng):
    K, D = np.shape(mu)
    z = rng.choice(K, size=n, p=pi)
    X = np.empty((n, D))
    for k in range(K):
        X[z == k] = mu[k] + rng.standard_normal((int(np.sum(z == k)), D)) @ Sigma[k].T
    return X, z
""",
    }, ["q5_check"]),
}
