"""Ellipse geometry checked directly, and the plots draw what they claim."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from helpers import TYPES, anisotropic_mixture  # noqa: E402
from matplotlib.patches import Ellipse  # noqa: E402
from scipy import stats  # noqa: E402

import gmm_teach as gt  # noqa: E402
from gmm_teach import plotting  # noqa: E402


def rotation(deg):
    t = np.radians(deg)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


def boundary_points(g, n=64):
    """Points on the ellipse exactly as matplotlib draws it (an independent path to the geometry)."""
    patch = Ellipse(xy=g.center, width=g.width, height=g.height, angle=g.angle)
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    unit = np.column_stack([np.cos(t), np.sin(t)])
    return patch.get_patch_transform().transform(unit)


def mahalanobis(points, mean, cov):
    d = points - mean
    return np.sqrt(np.einsum("nd,de,ne->n", d, np.linalg.inv(cov), d))


@pytest.mark.parametrize("n_std", [1.0, 2.0, 3.0])
@pytest.mark.parametrize("sx,sy,deg", [(2.0, 1.0, 0.0), (1.0, 2.0, 0.0), (3.0, 0.5, 30.0), (3.0, 0.5, 120.0)])
def test_axis_lengths_and_angle(n_std, sx, sy, deg):
    R = rotation(deg)
    cov = R @ np.diag([sx**2, sy**2]) @ R.T
    width, height, angle = plotting.covariance_ellipse([1.0, -2.0], cov, n_std)
    major, minor = max(sx, sy), min(sx, sy)
    assert width == pytest.approx(2 * n_std * major)  # square roots of eigenvalues, not eigenvalues
    assert height == pytest.approx(2 * n_std * minor)
    expected_angle = (deg + (0 if sx >= sy else 90)) % 180
    assert angle == pytest.approx(expected_angle)


def test_correlated_covariance_points_along_the_diagonal():
    # [[2, 1], [1, 2]] has eigenvalues 3 (along (1, 1)) and 1 (along (1, -1)).
    g = plotting.covariance_ellipse([0, 0], [[2.0, 1.0], [1.0, 2.0]], 1.0)
    assert (g.width, g.height, g.angle) == pytest.approx((2 * np.sqrt(3), 2.0, 45.0))
    g = plotting.covariance_ellipse([0, 0], [[2.0, -1.0], [-1.0, 2.0]], 1.0)
    assert g.angle == pytest.approx(135.0)


def test_circle_has_angle_zero():
    g = plotting.covariance_ellipse([0, 0], 4 * np.eye(2), 2.0)
    assert (g.width, g.height, g.angle) == pytest.approx((8.0, 8.0, 0.0))


@pytest.mark.parametrize("covariance_type", TYPES)
@pytest.mark.parametrize("n_std", [1.0, 2.0])
def test_points_on_drawn_ellipse_have_mahalanobis_distance_n_std(covariance_type, n_std):
    X, _, _ = anisotropic_mixture(K=3, D=2, N=600, seed=3)
    p = gt.fit_gmm(X, 3, covariance_type=covariance_type, seed=0).params
    for k in range(p.K):
        g = plotting.covariance_ellipse(p.mu[k], p.Sigma[k], n_std)
        d = mahalanobis(boundary_points(g), p.mu[k], p.Sigma[k])
        np.testing.assert_allclose(d, n_std, rtol=1e-9)


def test_drawn_ellipse_holds_the_right_mass():
    cov = rotation(25) @ np.diag([4.0, 0.25]) @ rotation(25).T
    X = gt.sample_gaussian([0, 0], cov, 100_000, seed=0)
    fig, ax = plt.subplots()
    patch = plotting.plot_ellipse([0, 0], cov, n_std=2.0, ax=ax)
    inside = patch.contains_points(ax.transData.transform(X))
    assert abs(inside.mean() - stats.chi2(2).cdf(4)) < 0.005  # 86.5 %, not 95 %
    plt.close(fig)


def test_plot_mixture_1d_draws_the_mixture_density():
    X, _ = gt.datasets.heights(n=500)
    p = gt.GMMParams(pi=[0.5, 0.5], mu=[65.0, 70.0], Sigma=[2.8**2, 3.0**2])
    fig, ax = plt.subplots()
    drawn = plotting.plot_mixture_1d(X, p, ax=ax)
    mixture = ax.lines[-1]
    assert drawn["mixture"] is mixture and drawn["components"] == ax.lines[:2]
    # The second cue: each component its own line style, not only its own colour.
    assert drawn["components"][0].get_linestyle() != drawn["components"][1].get_linestyle()
    x, y = mixture.get_data()
    expected = 0.5 * stats.norm(65, 2.8).pdf(x) + 0.5 * stats.norm(70, 3.0).pdf(x)
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    comp = ax.lines[0].get_ydata()
    np.testing.assert_allclose(comp, 0.5 * stats.norm(65, 2.8).pdf(x), rtol=1e-12)
    assert len(ax.patches) == 40  # histogram bars
    plt.close(fig)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_plot_mixture_2d_every_type(covariance_type):
    X, _, _ = anisotropic_mixture(K=3, D=2, N=300, seed=1)
    r = gt.fit_gmm(X, 3, covariance_type=covariance_type, seed=0)
    fig, ax = plt.subplots()
    drawn = plotting.plot_mixture_2d(X, r.params, r.gamma, ax=ax, n_std=(1, 2))
    ellipses = [a for a in ax.patches if isinstance(a, Ellipse)]
    assert len(ellipses) == 6 and drawn["ellipses"] == ellipses
    labels = r.gamma.argmax(axis=1)
    for k, points in enumerate(drawn["points"]):  # one scatter per hard label, in its own marker
        np.testing.assert_allclose(points.get_offsets(), X[labels == k])
        np.testing.assert_allclose(points.get_facecolors()[:, :3],
                                   plotting.responsibility_colors(r.gamma)[labels == k], atol=1e-12)
    np.testing.assert_allclose(np.column_stack(drawn["means"].get_data()), r.params.mu)
    plt.close(fig)


def test_plot_log_likelihood_plots_per_sample():
    fig, ax = plt.subplots()
    line = plotting.plot_log_likelihood([-300.0, -250.0, -249.0], ax=ax, n_samples=100)
    np.testing.assert_allclose(line.get_ydata(), [-3.0, -2.5, -2.49])
    plt.close(fig)


def test_ellipse_rejects_bad_input():
    with pytest.raises(ValueError, match="cov"):
        plotting.covariance_ellipse([0, 0], [[1.0, 2.0], [2.0, 1.0]])  # not positive definite
    with pytest.raises(ValueError, match=r"\(2, 2\)"):
        plotting.covariance_ellipse([0, 0, 0], np.eye(3))


def test_plotting_leaves_global_state_alone():
    before = dict(matplotlib.rcParams)
    fig, ax = plt.subplots()
    plotting.plot_ellipse([0, 0], np.eye(2), ax=ax)
    plt.close(fig)
    assert dict(matplotlib.rcParams) == before


@pytest.mark.parametrize("helper", ["plot_ellipse", "plot_gmm_ellipses"])
def test_axes_is_a_keyword(helper):
    fig, ax = plt.subplots()
    p = gt.GMMParams(pi=[1.0], mu=[[0.0, 0.0]], Sigma=[np.eye(2)])
    args = ([0, 0], np.eye(2)) if helper == "plot_ellipse" else (p,)
    with pytest.raises(TypeError, match="ax=ax"):
        getattr(plotting, helper)(ax, *args)
    getattr(plotting, helper)(*args, ax=ax)  # the keyword form draws
    assert ax.patches
    plt.close(fig)


@pytest.mark.parametrize("bad,error", [("two", TypeError), (None, TypeError), (True, TypeError),
                                       (0, ValueError), (-1.0, ValueError), (float("nan"), ValueError)])
def test_n_std_errors_name_it(bad, error):
    with pytest.raises(error, match="n_std"):
        plotting.covariance_ellipse([0, 0], np.eye(2), n_std=bad)
    p = gt.GMMParams(pi=[1.0], mu=[[0.0, 0.0]], Sigma=[np.eye(2)])
    fig, ax = plt.subplots()
    with pytest.raises(error, match="n_std"):
        plotting.plot_gmm_ellipses(p, n_std=(1.0, bad), ax=ax)
    plt.close(fig)


def test_gmm_ellipses_use_the_shared_style():
    p = gt.GMMParams(pi=[0.25, 0.75], mu=[[0.0, 0.0], [3.0, 0.0]], Sigma=[np.eye(2), np.eye(2)])
    fig, ax = plt.subplots()
    patches = plotting.plot_gmm_ellipses(p, n_std=(1, 2), ax=ax)
    for patch, (k, i) in zip(patches, [(0, 0), (0, 1), (1, 0), (1, 1)], strict=True):
        style = plotting.ellipse_style(k, i, p.pi[k])
        assert patch.get_linewidth() == pytest.approx(style["lw"])
        assert matplotlib.colors.to_hex(patch.get_edgecolor()) == style["edgecolor"].lower()
    assert patches[0].get_linestyle() != patches[1].get_linestyle()  # inner solid, outer dashed
    plt.close(fig)
