"""Online per-pixel mixtures (notebooks/10) against oracles: running moments, a per-pixel loop, exact counts."""

import numpy as np
import pytest

from gmm_teach import datasets, online


def test_learning_rate_one_over_t_gives_the_running_mean_and_variance():
    x = np.random.default_rng(0).normal(5.0, 2.0, size=(60, 4, 3))  # 60 frames of 4 x 3 pixels
    mean, var = x[0], np.zeros((4, 3))
    for t in range(1, len(x)):
        mean, var = online.running_gaussian_update(mean, var, x[t], 1.0 / (t + 1))
        np.testing.assert_allclose(mean, x[:t + 1].mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(var, x[:t + 1].var(axis=0), rtol=1e-10)


def test_fixed_rate_is_the_exponentially_weighted_mean_and_variance():
    x = np.random.default_rng(1).normal(size=40)
    rho = 0.1
    mean, var = x[0], 0.0
    for t in range(1, len(x)):
        mean, var = online.running_gaussian_update(mean, var, x[t], rho)
    w = (1 - rho) ** np.arange(len(x))[::-1]
    w[1:] *= rho  # x_0 starts the average with weight (1 - rho)^(T-1), x_t gets rho (1 - rho)^(T-1-t)
    assert w.sum() == pytest.approx(1.0)
    m = np.sum(w * x)
    assert mean == pytest.approx(m, rel=1e-12)
    assert var == pytest.approx(np.sum(w * (x - m) ** 2), rel=1e-10)


def _step_one_pixel(w, mu, var, x, alpha, n_sigma=2.5, init_var=400.0, init_weight=0.05, min_var=4.0):
    """A plain-Python Stauffer-Grimson step for one pixel: the oracle for the vectorised one."""
    w, mu, var = list(w), list(mu), list(var)
    fit = [w[k] / np.sqrt(var[k]) for k in range(len(w))]
    matches = [k for k in range(len(w)) if w[k] > 0 and (x - mu[k]) ** 2 < n_sigma**2 * var[k]]
    k = max(matches, key=lambda j: fit[j]) if matches else -1
    w = [(1 - alpha) * w[j] + alpha * (j == k) for j in range(len(w))]
    if k >= 0:
        rho = min(1.0, alpha / w[k])
        new_mu = mu[k] + rho * (x - mu[k])
        var[k] = max((1 - rho) * var[k] + rho * (x - mu[k]) * (x - new_mu), min_var)
        mu[k] = new_mu
    else:
        j = min((j for j in range(len(w)) if w[j] > 0), key=lambda j: fit[j]) if all(wj > 0 for wj in w) \
            else next(j for j in range(len(w)) if w[j] == 0)
        w[j], mu[j], var[j] = init_weight, x, init_var
        w = [wj / sum(w) for wj in w]
    return w, mu, var, k


def test_vectorised_step_equals_a_loop_over_pixels():
    rng = np.random.default_rng(2)
    frames = np.where(rng.uniform(size=(40, 5, 6)) < 0.4, 130.0, 60.0) + rng.normal(0, 3, size=(40, 5, 6))
    frames[20:, 2, 3] = 220.0  # an object arrives
    m = online.init_pixel_mixtures(frames[0], K=3)
    for t in range(1, len(frames)):
        before = m
        m, k = online.stauffer_grimson_step(m, frames[t], alpha=0.05)
        for i in range(5):
            for j in range(6):
                w, mu, var, kk = _step_one_pixel(before.w[i, j], before.mu[i, j], before.var[i, j],
                                                 frames[t, i, j], 0.05)
                assert kk == k[i, j]
                np.testing.assert_allclose(m.w[i, j], w, rtol=1e-12)
                np.testing.assert_allclose(m.mu[i, j], mu, rtol=1e-12)
                np.testing.assert_allclose(m.var[i, j], var, rtol=1e-12)
        np.testing.assert_allclose(m.w.sum(axis=-1), 1.0)


def test_background_components_follow_the_ranking_and_threshold():
    m = online.PixelMixtures(w=np.array([[0.30, 0.55, 0.15]]), mu=np.zeros((1, 3)), var=np.array([[4.0, 4.0, 4.0]]))
    np.testing.assert_array_equal(online.background_components(m, T=0.7), [[True, True, False]])
    np.testing.assert_array_equal(online.background_components(m, T=0.5), [[False, True, False]])


def test_two_level_flicker_is_background_and_a_new_object_is_not():
    rng = np.random.default_rng(3)
    frames = np.where(rng.uniform(size=(200, 4, 4)) < 0.4, 135.0, 60.0) + rng.normal(0, 3, size=(200, 4, 4))
    frames[150:, 1, 1] = 25.0
    found = online.stauffer_grimson(frames, alpha=0.02)
    assert found[100:150].mean() < 0.05           # both water levels became background
    assert found[150:155, 1, 1].all()             # the dark object is seen on the water
    single = online.running_gaussian_foreground(frames, alpha=0.02)
    assert not single[150:155, 1, 1].any()        # one wide Gaussian swallows it


def test_precision_recall_f1_counts():
    truth = np.array([True, True, False, False, True])
    found = np.array([True, False, True, False, True])
    P, R, F1 = online.precision_recall_f1(found, truth)
    assert (P, R) == (pytest.approx(2 / 3), pytest.approx(2 / 3)) and F1 == pytest.approx(2 / 3)
    with pytest.raises(TypeError, match="boolean"):
        online.precision_recall_f1(found.astype(int), truth)
    with pytest.raises(ValueError, match="shape"):
        online.precision_recall_f1(found[:4], truth)


def test_video_case_study_numbers():
    frames, truth = datasets.background_video(seed=0)
    score = {name: online.precision_recall_f1(found[30:], truth[30:])[2] for name, found in (
        ("sg", online.stauffer_grimson(frames, alpha=0.02)),
        ("single", online.running_gaussian_foreground(frames, alpha=0.01)),
        ("diff", online.frame_difference(frames, 25.0)))}
    assert score["sg"] > score["single"] + 0.05 > score["diff"] + 0.5


@pytest.mark.parametrize("call, match", [
    (lambda: online.running_gaussian_update(0.0, 1.0, 2.0, 0.0), "rho"),
    (lambda: online.running_gaussian_update(0.0, 1.0, 2.0, 1.5), "rho"),
    (lambda: online.stauffer_grimson(np.zeros((3, 4, 4)), alpha=2.0), "alpha"),
    (lambda: online.stauffer_grimson(np.zeros((3, 4, 4)), T=0.0), "T"),
    (lambda: online.stauffer_grimson(np.zeros(5)), "frames"),
    (lambda: online.init_pixel_mixtures(np.zeros((2, 2)), K=0), "K"),
    (lambda: online.frame_difference(np.full((3, 2, 2), np.nan)), "frames"),
])
def test_bad_arguments_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
