"""Pictures of mixtures: covariance ellipses, 1-D and 2-D mixture plots, EM curves.

Plotting functions take ``ax=None`` (meaning the current axes), draw, and return
what they drew. They never fit anything and never change matplotlib's global
settings. The ellipse geometry is derived in notebooks/04.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Ellipse

from ._validation import as_float_array, check_finite, check_X
from .em import e_step, log_joint
from .gaussian import cholesky_factor

# The course palette: Okabe & Ito (2008), "Color Universal Design", distinguishable under the
# common colour-vision deficiencies. Black is kept for the mixture total, grey for data.
# Order: blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442")
COLORS = PALETTE  # the name earlier lessons used
INK = "#000000"   # totals, means, reference lines
DATA_GREY = "#BBBBBB"  # histograms and un-coloured data
# The second cue: wherever colour says "component k", the marker or line style says it too.
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (3, 1, 1, 1, 1, 1)))


def component_color(k: int) -> str:
    """Component k's colour in the course palette (cycles after 7)."""
    return PALETTE[k % len(PALETTE)]


def component_marker(k: int) -> str:
    """Component k's marker: the cue that survives without colour."""
    return MARKERS[k % len(MARKERS)]


def component_linestyle(k: int):
    """Component k's line style: the cue that survives without colour."""
    return LINESTYLES[k % len(LINESTYLES)]


def category_style(k: int, kind: str = "line") -> dict:
    """Keyword arguments that mark category k twice (colour AND marker or line style).

    ``ax.plot(x, y, **category_style(k))`` or ``ax.scatter(x, y, **category_style(k, "points"))``.
    """
    if kind == "line":
        return {"color": component_color(k), "linestyle": component_linestyle(k)}
    if kind == "points":
        return {"color": component_color(k), "marker": component_marker(k)}
    raise ValueError(f"kind must be 'line' or 'points', got {kind!r}")


def show(fig=None, *, alt: str, caption: str) -> None:
    """Display a figure with its text alternative and a visible one-line caption.

    ``alt`` says what the figure shows and what to notice, for a reader who cannot see
    it (stored as the image's ``alt`` metadata, so HTML exports and the website carry
    it); ``caption`` is printed under the figure for everyone. The figure is closed,
    so it is not displayed twice.
    """
    import io

    from IPython.display import Image, Markdown, display

    for name, text in (("alt", alt), ("caption", caption)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{name} must be a non-empty sentence describing the figure, got {text!r}")
    fig = plt.gcf() if fig is None else fig
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format="png", alt=alt.strip()))
    display(Markdown(f"*{caption.strip()}*"))


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
    if np.ndim(n_std) != 0:
        raise TypeError(f"n_std must be one number of standard deviations here, got {n_std!r}")
    (n_std,) = _check_n_std(n_std)
    lam, V = np.linalg.eigh(cov)  # ascending eigenvalues; eigenvectors are the columns
    major = V[:, 1]
    angle = np.degrees(np.arctan2(major[1], major[0])) % 180.0
    if np.isclose(lam[0], lam[1], rtol=1e-12):
        angle = 0.0  # a circle: every direction is an axis
    width, height = 2.0 * n_std * np.sqrt(lam[::-1])
    return EllipseGeometry((float(mean[0]), float(mean[1])), float(width), float(height), float(angle))


def _reject_positional_axes(name, first):
    """The helpers take ``ax`` as a keyword (ax=...), so a forgotten rename fails loudly, not strangely."""
    if isinstance(first, Axes):
        raise TypeError(f"{name} takes the axes as a keyword: {name}(..., ax=ax), not as the first argument")


def _check_n_std(n_std) -> tuple:
    """n_std as a tuple of positive floats; a clear error naming n_std otherwise."""
    values = n_std if isinstance(n_std, (tuple, list, np.ndarray)) else (n_std,)
    for v in values:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.number)):
            raise TypeError(f"n_std must be a number (or a tuple of numbers) of standard deviations, got {v!r}")
        if not float(v) > 0:
            raise ValueError(f"n_std must be > 0, got {float(v)}")
    return tuple(float(v) for v in values)


# ---------------------------------------------------------------- the one style, for figures AND widgets


def ellipse_style(k: int, i_std: int = 0, weight=None) -> dict:
    """How component k's i_std-th ellipse is drawn: its colour, solid inside / dashed outside, width ~ weight.

    The same dictionary is used by ``plot_gmm_ellipses`` and by the widgets (gt.widgets).
    """
    lw = 1.5 if weight is None else 1.5 + 3.0 * float(weight)
    return {"facecolor": "none", "edgecolor": component_color(k), "lw": lw, "zorder": 3,
            "ls": "-" if i_std == 0 else "--"}


def mean_style() -> dict:
    """How a component's mean is drawn: a black cross above everything."""
    return {"ls": "none", "marker": "x", "color": INK, "ms": 8, "mew": 2, "zorder": 4}


def component_curve_style(k: int) -> dict:
    """Component k's 1-D curve pi_k N(x | mu_k, sigma_k^2): its colour AND its line style."""
    return {**category_style(k, "line"), "lw": 2}


def mixture_curve_style() -> dict:
    """The mixture total p(x): black and thicker than any component."""
    return {"color": INK, "lw": 2.5, "ls": "-"}


def histogram_style() -> dict:
    """Data as a histogram: light grey bars with white edges (the curves stay in front)."""
    return {"density": True, "color": DATA_GREY, "edgecolor": "white"}


def responsibility_colors(gamma) -> np.ndarray:
    """Each point's colour: its components' colours mixed by its responsibilities; (N, 3)."""
    gamma = as_float_array(gamma, "gamma")
    palette = np.array([to_rgb(component_color(k)) for k in range(gamma.shape[1])])  # (K, 3)
    return np.clip(gamma @ palette, 0.0, 1.0)


def marker_paths(labels) -> list:
    """Each point's marker (component_marker of its label) as a Path: one scatter with mixed markers.

    ``scatter.set_paths(marker_paths(gamma.argmax(axis=1)))`` gives every point the shape of its
    hard label, the cue that survives when blended colours look alike (the widgets use it).
    """
    shapes = {}
    for k in np.unique(labels):
        style = MarkerStyle(component_marker(int(k)))
        shapes[k] = style.get_path().transformed(style.get_transform())
    return [shapes[k] for k in labels]


def points_by_label(ax, X2, gamma, **kw) -> list:
    """Points coloured by their responsibility blend, with the marker of their hard label (the second cue).

    X2 is (N, 2), gamma (N, K). One scatter per component k = argmax_k gamma_nk,
    in that component's marker; returns the K PathCollections (empty ones included).
    """
    colors = responsibility_colors(gamma)  # (N, 3)
    labels = np.argmax(gamma, axis=1)  # (N,)
    kw = {"s": 12, "alpha": 0.7, "linewidths": 0, **kw}
    return [ax.scatter(X2[labels == k, 0], X2[labels == k, 1], c=colors[labels == k].reshape(-1, 3),
                       marker=component_marker(k), **kw) for k in range(gamma.shape[1])]


# ---------------------------------------------------------------- the plots


def plot_ellipse(mean, cov, n_std: float = 2.0, *, ax=None, **kwargs) -> Ellipse:
    """Draw the n_std covariance ellipse of N(mean, cov); returns the patch.

    Keyword arguments go to matplotlib's Ellipse (e.g. edgecolor, alpha, lw).
    """
    _reject_positional_axes("plot_ellipse", mean)
    ax = plt.gca() if ax is None else ax
    g = covariance_ellipse(mean, cov, n_std)
    kwargs.setdefault("facecolor", "none")
    kwargs.setdefault("edgecolor", INK)
    patch = Ellipse(xy=g.center, width=g.width, height=g.height, angle=g.angle, **kwargs)
    ax.add_patch(patch)
    ax.autoscale_view()
    return patch


def plot_gmm_ellipses(params, n_std=(1.0, 2.0), features=(0, 1), *, ax=None, **kwargs) -> list:
    """Every component's ellipses (ellipse_style: its colour, thicker for heavier weights) and mean.

    Returns the patches, component by component (K * len(n_std)); the means are
    the last line on ``ax`` (``ax.lines[-1]``).
    """
    _reject_positional_axes("plot_gmm_ellipses", params)
    ax = plt.gca() if ax is None else ax
    i, j = features
    patches = []
    for k in range(params.K):
        mean = params.mu[k, [i, j]]
        cov = params.Sigma[k][np.ix_([i, j], [i, j])]
        for i_std, s in enumerate(_check_n_std(n_std)):
            patches.append(plot_ellipse(mean, cov, s, ax=ax, **{**ellipse_style(k, i_std, params.pi[k]), **kwargs}))
    ax.plot(params.mu[:, i], params.mu[:, j], **mean_style())
    return patches


def plot_mixture_2d(X, params, gamma=None, *, ax=None, n_std=(1.0, 2.0), features=(0, 1), s=12) -> dict:
    """Points coloured by responsibility (mixed colours = uncertain), marked by hard label, and the ellipses.

    Works for any covariance type: the ellipses come from the full Sigma_k.
    Returns {"points": K scatters (one per hard label), "ellipses": patches, "means": Line2D, "ax": axes}.
    """
    X = check_X(X)
    ax = plt.gca() if ax is None else ax
    if gamma is None:
        gamma, _ = e_step(X, params)
    i, j = features
    points = points_by_label(ax, X[:, [i, j]], as_float_array(gamma, "gamma"), s=s)
    ellipses = plot_gmm_ellipses(params, n_std=n_std, features=features, ax=ax)
    return {"points": points, "ellipses": ellipses, "means": ax.lines[-1], "ax": ax}


def plot_mixture_1d(x, params, *, ax=None, bins=40, n_grid=400, show_components=True, labels=None) -> dict:
    """Histogram of x (as a density), each weighted component pi_k N(x | mu_k, sigma_k^2), and their sum.

    Each component has its colour AND its line style. Returns {"hist": bar patches,
    "components": K lines (empty without show_components), "mixture": line, "ax": axes}.
    """
    X = check_X(x)
    if X.shape[1] != 1 or params.D != 1:
        raise ValueError("plot_mixture_1d needs one feature: x of shape (N,) or (N, 1) and D = 1 params")
    ax = plt.gca() if ax is None else ax
    _, _, bars = ax.hist(X[:, 0], bins=bins, label="data", **histogram_style())
    lo, hi = X.min(), X.max()
    pad = 0.1 * (hi - lo) + 1e-9
    grid = np.linspace(lo - pad, hi + pad, n_grid)  # (n_grid,)
    weighted = np.exp(log_joint(grid, params))  # (n_grid, K): pi_k N(x | mu_k, sigma_k^2)
    components = []
    for k in range(params.K if show_components else 0):
        name = labels[k] if labels is not None else f"$\\pi_{k + 1}\\,\\mathcal{{N}}_{k + 1}$"
        components += ax.plot(grid, weighted[:, k], label=name, **component_curve_style(k))
    (mixture,) = ax.plot(grid, weighted.sum(axis=1), label="mixture $p(x)$", **mixture_curve_style())
    ax.set_ylabel("density")
    ax.legend(frameon=False)
    return {"hist": list(bars), "components": components, "mixture": mixture, "ax": ax}


def plot_log_likelihood(log_likelihoods, *, ax=None, n_samples=None, **kwargs):
    """The log-likelihood after each EM iteration (per sample if n_samples is given); returns the line."""
    ll = as_float_array(log_likelihoods, "log_likelihoods").ravel()
    ax = plt.gca() if ax is None else ax
    if n_samples is not None:
        ll = ll / n_samples
    kwargs.setdefault("marker", "o")
    kwargs.setdefault("color", INK)
    (line,) = ax.plot(np.arange(len(ll)), ll, **kwargs)
    ax.set_xlabel("EM iteration")
    ax.set_ylabel("mean log-likelihood per point" if n_samples is not None else "log-likelihood")
    return line
