"""Pictures of mixtures: covariance ellipses, 1-D and 2-D mixture plots, EM curves.

Plotting functions take ``ax=None`` (meaning the current axes), draw, and return
what they drew. They never fit anything and never change matplotlib's global
settings. The ellipse geometry is derived in notebooks/04.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Ellipse

from ._validation import as_float_array, check_finite, check_X
from .em import e_step, log_joint
from .gaussian import cholesky_factor

# matplotlib's "tab10" colours, named here so figures never depend on rcParams.
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def component_color(k: int) -> str:
    return COLORS[k % len(COLORS)]


@dataclass(frozen=True)
class EllipseGeometry:
    """An ellipse as matplotlib's Ellipse takes it: full axis lengths, angle in degrees.

    Unpacks as ``width, height, angle = covariance_ellipse(mu, Sigma, n_std)``.
    """

    center: tuple
    width: float   # full length of the major axis, along the angle
    height: float  # full length of the minor axis
    angle: float   # degrees, counter-clockwise from the x axis, in [0, 180)

    def __iter__(self):
        return iter((self.width, self.height, self.angle))


def covariance_ellipse(mean, cov, n_std: float = 1.0) -> EllipseGeometry:
    r"""The n_std ellipse {x : (x - mu)^T Sigma^{-1} (x - mu) = n_std^2}: axes 2 n_std sqrt(lambda_i).

    Sigma = V diag(lambda) V^T: the eigenvectors (the COLUMNS of V) point along
    the axes and the half-axis lengths are n_std times the square roots of the
    eigenvalues (standard deviations, not variances).

    Parameters
    ----------
    mean : (2,) centre.
    cov : (2, 2) covariance, symmetric positive definite.
    n_std : size in Mahalanobis units (1, 2, 3 sigma).

    Returns
    -------
    EllipseGeometry(center, width, height, angle); unpacks as width, height, angle.
    """
    mean = as_float_array(mean, "mean").ravel()
    cov = as_float_array(cov, "cov")
    if mean.shape != (2,) or cov.shape != (2, 2):
        raise ValueError(
            f"an ellipse needs a 2-D mean (2,) and covariance (2, 2), got {mean.shape} and {cov.shape}; "
            "for more features, pick two: mean[[i, j]], cov[np.ix_([i, j], [i, j])]"
        )
    check_finite(mean, "mean")
    cholesky_factor(cov, name="cov")  # symmetric positive definite, or a clear error
    n_std = float(n_std)
    if not n_std > 0:
        raise ValueError(f"n_std must be > 0, got {n_std}")
    lam, V = np.linalg.eigh(cov)  # ascending eigenvalues; eigenvectors are the columns
    major = V[:, 1]
    angle = np.degrees(np.arctan2(major[1], major[0])) % 180.0
    if np.isclose(lam[0], lam[1], rtol=1e-12):
        angle = 0.0  # a circle: every direction is an axis
    width, height = 2.0 * n_std * np.sqrt(lam[::-1])
    return EllipseGeometry((float(mean[0]), float(mean[1])), float(width), float(height), float(angle))


def plot_ellipse(ax, mean, cov, n_std: float = 2.0, **kwargs) -> Ellipse:
    """Draw the n_std covariance ellipse of N(mean, cov) on ``ax``; returns the patch.

    Keyword arguments go to matplotlib's Ellipse (e.g. edgecolor, alpha, lw).
    """
    ax = plt.gca() if ax is None else ax
    g = covariance_ellipse(mean, cov, n_std)
    kwargs.setdefault("facecolor", "none")
    kwargs.setdefault("edgecolor", "k")
    patch = Ellipse(xy=g.center, width=g.width, height=g.height, angle=g.angle, **kwargs)
    ax.add_patch(patch)
    ax.autoscale_view()
    return patch


def plot_gmm_ellipses(ax, params, n_std=(1.0, 2.0), features=(0, 1), **kwargs) -> list:
    """Every component's ellipses, in its colour, thicker for heavier weights; returns the patches."""
    ax = plt.gca() if ax is None else ax
    i, j = features
    patches = []
    for k in range(params.K):
        mean = params.mu[k, [i, j]]
        cov = params.Sigma[k][np.ix_([i, j], [i, j])]
        for i_std, s in enumerate(np.atleast_1d(n_std)):
            # Drawn above the points; the innermost solid, the outer ones dashed.
            style = dict(edgecolor=component_color(k), lw=1.5 + 3 * params.pi[k], zorder=3,
                         ls="-" if i_std == 0 else "--")
            style.update(kwargs)
            patches.append(plot_ellipse(ax, mean, cov, s, **style))
        ax.plot(*mean, marker="x", color="k", ms=8, mew=2, zorder=4)
    return patches


def responsibility_colors(gamma) -> np.ndarray:
    """Each point's colour: its components' colours mixed by its responsibilities; (N, 3)."""
    gamma = as_float_array(gamma, "gamma")
    palette = np.array([to_rgb(component_color(k)) for k in range(gamma.shape[1])])  # (K, 3)
    return np.clip(gamma @ palette, 0.0, 1.0)


def plot_mixture_2d(X, params, gamma=None, ax=None, n_std=(1.0, 2.0), features=(0, 1), s=12):
    """Points coloured by responsibility (mixed colours = uncertain) and each component's ellipses.

    Works for any covariance type: the ellipses come from the full Sigma_k.
    Returns the axes.
    """
    X = check_X(X)
    ax = plt.gca() if ax is None else ax
    if gamma is None:
        gamma, _ = e_step(X, params)
    i, j = features
    ax.scatter(X[:, i], X[:, j], c=responsibility_colors(gamma), s=s, alpha=0.55, linewidths=0)
    plot_gmm_ellipses(ax, params, n_std=n_std, features=features)
    return ax


def plot_mixture_1d(x, params, ax=None, bins=40, n_grid=400, show_components=True, labels=None):
    """Histogram of x (as a density), each weighted component pi_k N(x | mu_k, sigma_k^2), and their sum.

    Returns the axes.
    """
    X = check_X(x)
    if X.shape[1] != 1 or params.D != 1:
        raise ValueError("plot_mixture_1d needs one feature: x of shape (N,) or (N, 1) and D = 1 params")
    ax = plt.gca() if ax is None else ax
    ax.hist(X[:, 0], bins=bins, density=True, color="0.8", edgecolor="white", label="data")
    lo, hi = X.min(), X.max()
    pad = 0.1 * (hi - lo) + 1e-9
    grid = np.linspace(lo - pad, hi + pad, n_grid)  # (n_grid,)
    weighted = np.exp(log_joint(grid, params))  # (n_grid, K): pi_k N(x | mu_k, sigma_k^2)
    if show_components:
        for k in range(params.K):
            name = labels[k] if labels is not None else f"$\\pi_{k + 1}\\,\\mathcal{{N}}_{k + 1}$"
            ax.plot(grid, weighted[:, k], color=component_color(k), lw=2, ls="--", label=name)
    ax.plot(grid, weighted.sum(axis=1), color="k", lw=2.5, label="mixture $p(x)$")
    ax.set_ylabel("density")
    ax.legend(frameon=False)
    return ax


def plot_log_likelihood(log_likelihoods, ax=None, n_samples=None, **kwargs):
    """The log-likelihood after each EM iteration (per sample if n_samples is given); returns the line."""
    ll = as_float_array(log_likelihoods, "log_likelihoods").ravel()
    ax = plt.gca() if ax is None else ax
    if n_samples is not None:
        ll = ll / n_samples
    kwargs.setdefault("marker", "o")
    (line,) = ax.plot(np.arange(len(ll)), ll, **kwargs)
    ax.set_xlabel("EM iteration")
    ax.set_ylabel("mean log-likelihood per point" if n_samples is not None else "log-likelihood")
    return line
