"""Lecture widgets: five explorers, each one call, e.g. ``gt.widgets.em_stepper(X, K=3)``.

    mixture_explorer()      1-D: set each component's weight, mean and sd by hand; EM's answer beside
    em_stepper()            2-D: EM one half-step at a time (E-step, M-step), play/pause, reset
    soft_kmeans_explorer()  soft k-means with stiffness beta, hard k-means beside it
    ellipse_explorer()      sigma_x, sigma_y, rho -> the covariance ellipse, its eigenvectors, its mass
    choose_k()              a K slider over fits for K = 1..K_max, with the BIC and AIC curves

How they draw: each widget owns one matplotlib ``Figure`` (not pyplot, so nothing
leaks into the notebook's inline output), changes its artists in place and
renders the figure to PNG bytes shown in an ``ipywidgets.Image``. An update
replaces the picture in place: no stacked figures, no flicker, in JupyterLab
and Notebook alike, and no extra front-end extension. Only the artists that
move are redrawn (blitting over a cached background), which keeps an update
well under 100 ms (benchmarks/widgets.py).

How they fail: every callback is guarded. A bad combination of controls (a
standard deviation of 0, all weights 0, rho = 1) shows a message under the
picture and keeps the previous picture; it never prints a traceback.

No maths lives here: the widgets call the library (``gt.e_step``, ``gt.m_step``,
``gt.fit_gmm``, ``gt.soft_kmeans``, ``gt.kmeans``, ``gt.bic``, ``gt.aic``,
``gt.log_joint``, ``gt.prob_inside_ellipse``, ``gt.plotting.covariance_ellipse``).

Each widget is an ``ipywidgets.VBox`` that exposes its state for tests and
curious learners: ``.controls`` and ``.buttons`` (by name), ``.params``,
``.message`` (the HTML line for errors and warnings), ``.image`` (the Image
widget; ``.png`` its bytes), ``.figure``, and the artists it draws with the
data behind them.
"""

from __future__ import annotations

import base64
import html
import io
import warnings
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import traitlets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, FancyArrow
from matplotlib.ticker import AutoLocator, NullLocator
from PIL import Image as PILImage

import gmm_teach as gt

from ._validation import COVARIANCE_TYPES, check_n_components, check_X
from .plotting import (
    DATA_GREY,
    INK,
    PALETTE,
    category_style,
    component_color,
    component_curve_style,
    covariance_ellipse,
    ellipse_style,
    histogram_style,
    marker_paths,
    mean_style,
    mixture_curve_style,
    responsibility_colors,
)

__all__ = ["mixture_explorer", "em_stepper", "soft_kmeans_explorer", "ellipse_explorer", "choose_k"]

DPI = 100  # figures are drawn at 1 pixel per 1/100 inch: sharp enough, fast to encode
GREY = "#767676"  # faint things (the previous step, EM's components): a grey with 4.5:1 on white
INITS = ("kmeans++", "kmeans", "random_from_data", "random")
MAX_ITERATIONS = 200  # the EM stepper's play button stops here at the latest
EM_TOL = 1e-8  # the mixture explorer's EM answer: converged for real, not just roughly


# ====================================================================== data


def _standardised(X):
    """Each feature shifted to mean 0 and scaled to sd 1, so no unit dominates the distances."""
    return (X - X.mean(axis=0)) / X.std(axis=0)  # (N, D)


DATASETS_2D = ("blobs", "Old Faithful", "penguins")


def load_2d(name: str):
    """The 2-D datasets of the lessons: (X (N, 2), axis labels).

    "blobs": three anisotropic clusters (gt.datasets.blobs, seed 0), raw units;
    "Old Faithful" and "penguins" (bill length and depth): standardised.
    """
    if name == "blobs":
        data = gt.datasets.blobs(seed=0)
        return data.X, data.feature_names
    if name == "Old Faithful":
        data = gt.datasets.load_old_faithful()
    elif name == "penguins":
        data = gt.datasets.load_penguins()
    else:
        raise ValueError(f"dataset must be one of {DATASETS_2D}, got {name!r}")
    return _standardised(data.X), tuple(f"{f}, standardised" for f in data.feature_names)


def _two_features(X):
    """(N, D >= 2) data as given; the pictures show features 0 and 1."""
    X = check_X(X)
    if X.shape[1] < 2:
        raise ValueError(f"X must have at least 2 features for this widget, got shape {X.shape}")
    return X


# ====================================================================== drawing helpers



def _for_learner(w) -> bool:
    """A warning worth showing a learner: not another library's deprecation notice for its developers
    (matplotlib 3.7 under a newer pyparsing emits several on every draw)."""
    return not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))

class _Picture:
    """One matplotlib Figure, rendered to PNG bytes into an ipywidgets.Image.

    Fast by blitting: artists created with ``animated=True`` are the ones that
    change. Everything else (axes, ticks, labels, histograms, legends) is drawn
    once and kept as a background; an update pastes the background and draws
    only the animated artists on it. The background is redrawn when an axis'
    limits change, or after ``invalidate()`` (call it when anything else static changes).
    """

    def __init__(self, width: float, height: float, ncols: int = 1, width_ratios=None, margins=None):
        self.figure = Figure(figsize=(width, height), dpi=DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        axes = self.figure.subplots(1, ncols, gridspec_kw={"width_ratios": width_ratios} if width_ratios else None)
        self.axes = list(np.atleast_1d(axes))
        # Shown at its own size (sharp), shrunk to fit a narrow notebook.
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{round(width * DPI)}px",
                                                                       max_width="100%", height="auto"))
        self.n_renders = 0
        self._background, self._limits = None, None
        self._laid_out = margins is not None
        if margins is not None:  # fixed margins, for axes whose labels come and go
            self.figure.subplots_adjust(**margins)

    def invalidate(self):
        """Something static changed (a label, a legend, a fixed curve): redraw everything next time."""
        self._background = None

    def render(self):
        """Redraw what changed and replace the PNG in the Image widget."""
        if not self._laid_out:  # lay out once, with the first picture's labels; then keep it fixed (fast)
            self.figure.tight_layout()
            self._laid_out = True
        limits = [(ax.get_xlim(), ax.get_ylim()) for ax in self.axes]
        if self._background is None or limits != self._limits:
            self.canvas.draw()  # everything except the animated artists
            self._background, self._limits = self.canvas.copy_from_bbox(self.figure.bbox), limits
        else:
            self.canvas.restore_region(self._background)
        for ax in self.axes:
            for artist in sorted(_animated(ax), key=lambda a: a.get_zorder()):
                self.figure.draw_artist(artist)
        self.image.value = self.png()
        self.n_renders += 1

    def png(self) -> bytes:
        """The canvas as PNG bytes (fast, light compression)."""
        width, height = self.canvas.get_width_height()
        picture = PILImage.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        picture.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


def _animated(ax):
    return [a for a in ax.get_children() if a.get_animated() and a.get_visible()]


class _Ellipses:
    """Each component's n-sigma ellipses and its mean, as artists updated in place."""

    def __init__(self, ax, n_std=(1.0, 2.0), color=None, zorder=3, **style):
        self.ax, self.n_std, self.color, self.zorder, self.style = ax, tuple(n_std), color, zorder, style
        self.patches = []  # patches[k][i]: component k's n_std[i] ellipse
        (self.means,) = ax.plot([], [], animated=True, **{**mean_style(), "zorder": zorder + 1,
                                                          **({} if color is None else {"color": color})})

    def _resize(self, K: int):
        while len(self.patches) > K:
            for patch in self.patches.pop():
                patch.remove()
        while len(self.patches) < K:
            k = len(self.patches)
            color = {} if self.color is None else {"edgecolor": self.color}
            row = [Ellipse((0, 0), 1, 1, angle=0.0, animated=True,
                           **{**ellipse_style(k, i), "zorder": self.zorder, **color, **self.style})
                   for i in range(len(self.n_std))]
            for patch in row:
                self.ax.add_patch(patch)
            self.patches.append(row)

    def update(self, params, features=(0, 1)):
        """Show the ellipses of ``params`` (GMMParams), or hide everything for None."""
        if params is None:
            self._resize(0)
            self.means.set_data([], [])
            return
        self._resize(params.K)
        i, j = features
        for k, row in enumerate(self.patches):
            mean, cov = params.mu[k, [i, j]], params.Sigma[k][np.ix_([i, j], [i, j])]
            for s, patch in zip(self.n_std, row, strict=True):
                _place(patch, covariance_ellipse(mean, cov, s))
                if "lw" not in self.style:  # heavier components get thicker lines, as in the figures
                    patch.set_linewidth(ellipse_style(k, 0, params.pi[k])["lw"])
        self.means.set_data(params.mu[:, i], params.mu[:, j])

    def geometry(self):
        """(center, width, height, angle) of every drawn ellipse, for tests."""
        return [[(p.get_center(), p.get_width(), p.get_height(), p.get_angle()) for p in row]
                for row in self.patches]


def _mark_labels(scatter, labels):
    """Each point in the marker of its hard label (the second cue), or all circles for None."""
    scatter.set_paths(marker_paths(np.zeros(len(scatter.get_offsets()), dtype=int) if labels is None else labels))


def _place(patch, g):
    """Move an Ellipse patch to an EllipseGeometry."""
    patch.set_center(g.center)
    patch.set_width(g.width)
    patch.set_height(g.height)
    patch.set_angle(g.angle)


def _padded_limits(values, pad=0.08):
    lo, hi = float(np.min(values)), float(np.max(values))
    margin = pad * (hi - lo) + 1e-9
    return lo - margin, hi + margin


def _set_data_limits(ax, X):
    ax.set_xlim(*_padded_limits(X[:, 0]))
    ax.set_ylim(*_padded_limits(X[:, 1]))


def _nice_step(span: float, n: int = 200) -> float:
    """A round slider step (1, 2 or 5 times a power of ten) of about span / n."""
    raw = span / n
    power = 10.0 ** np.floor(np.log10(raw))
    return float(min((m * power for m in (1, 2, 5, 10)), key=lambda s: abs(s - raw)))


def _histogram_bins(X, bins):
    if bins is not None:
        return bins
    values = X[:, 0]
    # Heights written to whole or half inches make a comb with narrow bins: use
    # unit-wide bins centred on whole values when the data look like that.
    if np.allclose(values * 10, np.round(values * 10)) and np.ptp(values) > 10:
        return np.arange(np.floor(values.min()) - 0.25, np.ceil(values.max()) + 1.0, 1.0)
    return "auto"


def _table(header, rows) -> str:
    """A small HTML table (numbers already formatted)."""
    head = "".join(f"<th style='padding:0 8px'>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='padding:0 8px;text-align:right'>{c}</td>" for c in row)
                   + "</tr>" for row in rows)
    return f"<table style='border-collapse:collapse'><tr>{head}</tr>{body}</table>"


def _swatch(k: int) -> str:
    return f"<span style='color:{component_color(k)}'>&#9679;</span>"


# ====================================================================== the shared base


LIVE = "<div role='status' aria-live='polite'>"


class _Readout(widgets.HTML):
    """The text readout of a widget's state: every value is wrapped in a polite live region,
    so a screen reader may announce the new state after a change."""

    @traitlets.validate("value")
    def _live(self, proposal):
        value = proposal["value"]
        return value if not value or value.startswith(LIVE) else f"{LIVE}{value}</div>"


class Explorer(widgets.VBox):
    """What every explorer shares: controls on top, a message line, the picture, a status line.

    Callbacks go through ``_guarded``: an exception becomes a message (and the
    previous picture stays); warnings become a note.

    Without a kernel (nbconvert HTML, GitHub, a saved notebook opened later) the
    cell shows what ``_repr_mimebundle_`` stored beside the widget view: the
    picture as ``image/png`` with ``summary()`` as its alt text, and ``summary()``
    as ``text/plain`` instead of the widget's repr.
    """

    SHOWS = "An interactive picture"  # what the picture shows, in words (each explorer says it)

    def __init__(self, picture: _Picture):
        super().__init__()
        self.picture = picture
        self.figure = picture.figure
        self.image = picture.image
        self.status = _Readout()
        self.status.add_class("gt-status")
        self.message = widgets.HTML()
        self.message.add_class("gt-message")
        self.message.layout.display = "none"
        self.controls, self.buttons = {}, {}
        self._busy = False
        self.add_class("gt-widget")

    def _layout(self, *rows, status_beside=False):
        """Control rows on top, then the message line, the picture and the status line (below or beside it)."""
        # The message goes right under the controls, where the learner is looking; hidden while empty.
        if status_beside:
            self.status.layout.margin = "24px 0 0 16px"
            self.children = [*rows, self.message, widgets.HBox([self.image, self.status])]
        else:
            self.children = [*rows, self.message, self.image, self.status]

    # ------------------------------------------------------------- controls
    def _control(self, name, widget, handler):
        """Register a value widget: changing it calls ``handler`` (guarded)."""
        self.controls[name] = widget
        widget.observe(lambda change: self._guarded(handler), names="value")
        return widget

    def _button(self, name, description, handler, icon="", tooltip=""):
        button = widgets.Button(description=description, icon=icon, tooltip=tooltip,
                                layout=widgets.Layout(width="auto", align_self="flex-start"))
        button.on_click(lambda _: self._guarded(handler))
        self.buttons[name] = button
        return button

    @property
    def sliders(self):
        """The controls that are sliders, by name."""
        return {k: w for k, w in self.controls.items() if isinstance(w, (widgets.FloatSlider, widgets.IntSlider,
                                                                          widgets.FloatLogSlider))}

    @property
    def png(self) -> bytes:
        """The picture shown now, as PNG bytes."""
        return bytes(self.image.value)

    @property
    def n_renders(self) -> int:
        """How many times the picture has been redrawn."""
        return self.picture.n_renders

    # ------------------------------------------------------------- without a kernel
    def summary(self) -> str:
        """What the picture shows and the widget's state, in plain sentences (stable precision: nbval compares it)."""
        return f"{self.SHOWS}."

    def _repr_mimebundle_(self, **kwargs):
        """The live widget view, plus a static picture with alt text and a sentence for viewers without a kernel."""
        data = dict(super()._repr_mimebundle_(**kwargs) or {})
        sentence = self.summary()
        data["text/plain"] = sentence
        data["image/png"] = base64.b64encode(self.png).decode("ascii")
        return data, {"image/png": {"alt": sentence}}

    # ------------------------------------------------------------- errors
    def _guarded(self, handler, reraise=False):
        """Run a callback; an exception becomes a message, never a traceback in the notebook."""
        if self._busy:  # a callback triggered by another: the outermost one reports
            return handler()
        self._busy = True
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    handler()
                except Exception as err:
                    if reraise:
                        raise
                    # A ValueError is the library telling the learner what is wrong: its words suffice.
                    self._say(str(err) if isinstance(err, ValueError) else f"{type(err).__name__}: {err}", "error")
                    return
            self._say("<br>".join(dict.fromkeys(str(w.message) for w in caught if _for_learner(w))), "warning")
        finally:
            self._busy = False

    def _say(self, text: str, level: str):
        self.message.layout.display = "" if text else "none"
        if not text:
            self.message.value = ""
            return
        # The words say how bad it is (colour is not the only cue); black text, a bold label.
        label = "Error:" if level == "error" else "Note:"
        self.message.value = (f"<div role='alert' style='color:{INK};line-height:1.3'>&#9888; <b>{label}</b> "
                              f"{html.escape(text).replace('&lt;br&gt;', '<br>')}</div>")


def _slider(cls=widgets.FloatSlider, width="300px", **kwargs):
    kwargs.setdefault("continuous_update", True)
    return cls(style={"description_width": "initial"}, layout=widgets.Layout(width=width), **kwargs)


# ====================================================================== 1. mixture explorer (1-D)


class MixtureExplorer(Explorer):
    """Guess a 1-D mixture by hand: each component's weight, mean and sd, over the data's histogram.

    Teaches: a mixture density is a weighted sum of bell curves; the
    log-likelihood scores a guess (higher is better); EM finds a (local) best.
    The weight sliders are relative: the weights used are them divided by their
    sum, so they always sum to 1.
    """

    def __init__(self, x=None, K=2, bins=None, seed=0, xlabel=None):
        super().__init__(_Picture(8.0, 3.4))
        if x is None:
            x, xlabel = gt.datasets.load_galton().X, xlabel or "height of adult child (inches)"
        self.X = check_X(x)  # (N, 1)
        if self.X.shape[1] != 1:
            raise ValueError(f"x must hold one feature, shape (N,) or (N, 1); got shape {self.X.shape}")
        self.K = check_n_components(K, len(self.X))
        self.seed = seed
        self.grid = np.linspace(*_padded_limits(self.X[:, 0], 0.1), 400)  # (G,) where the curves are drawn
        self.params, self.log_likelihood, self.em_result, self.show_em = None, None, None, False
        self._draw_static(self.picture.axes[0], bins, xlabel)
        by_kind = self._make_sliders()
        columns = []
        for k in range(self.K):
            column = [self._control(f"{kind}{k + 1}", row[k], self._update)
                      for kind, row in by_kind.items()]
            columns.append(widgets.VBox([widgets.HTML(f"<b>{_swatch(k)} component {k + 1}</b>"), *column]))
        em_button = self._button("em", "Show EM's answer", self._toggle_em, icon="magic",
                                 tooltip="Fit by EM (gt.fit_gmm) and draw its answer beside your guess")
        self._layout(widgets.HBox(columns, layout=widgets.Layout(flex_flow="row wrap")), em_button)
        self.add_class("gt-mixture-explorer")
        self._guarded(self._update, reraise=True)

    def _draw_static(self, ax, bins, xlabel):
        heights, _, _ = ax.hist(self.X[:, 0], bins=_histogram_bins(self.X, bins), label="data", **histogram_style())
        self.ax = ax
        self.component_lines = [ax.plot([], [], animated=True, label=f"$\\pi_{k + 1}\\,\\mathcal{{N}}_{k + 1}$",
                                        **component_curve_style(k))[0] for k in range(self.K)]
        (self.mixture_line,) = ax.plot([], [], label="your mixture $p(x)$", animated=True, **mixture_curve_style())
        self.em_component_lines = [ax.plot([], [], color=GREY, lw=1.2, ls="-.", animated=True)[0]
                                   for _ in range(self.K)]
        (self.em_mixture_line,) = ax.plot([], [], color=component_color(4), lw=2.5, ls=":", label="_EM's mixture",
                                          animated=True)
        ax.title.set_animated(True)
        ax.set_xlim(self.grid[0], self.grid[-1])
        ax.set_ylim(0, 1.6 * heights.max())  # fixed: a spike (sd -> 0) runs off the top
        ax.set_xlabel(xlabel or "x")
        ax.set_ylabel("density")
        self._legend()

    def _legend(self):
        self.em_mixture_line.set_label(("" if self.show_em else "_") + "EM's mixture")
        self.ax.legend(loc="upper right", frameon=False, fontsize=9)
        self.picture.invalidate()

    def _make_sliders(self):
        x = self.X[:, 0]
        lo, hi = float(x.min()), float(x.max())
        span = hi - lo
        mean_step, sd_step = _nice_step(span), _nice_step(span / 2)
        # A starting guess that is visibly off: means spread over the middle of the data.
        means = np.quantile(x, (np.arange(self.K) + 0.5) / self.K)
        sd = max(float(x.std()) / self.K, sd_step)
        return {
            "weight": [_slider(description="weight", min=0.0, max=1.0, step=0.01, value=1.0 / self.K)
                       for _ in range(self.K)],
            "mean": [_slider(description="mean μ", min=round(lo, 6), max=round(hi, 6), step=mean_step,
                             value=round(m / mean_step) * mean_step) for m in means],
            "sd": [_slider(description="sd σ", min=0.0, max=round(span / 2, 6), step=sd_step,
                           value=round(sd / sd_step) * sd_step) for _ in range(self.K)],
        }

    def guess(self):
        """The GMMParams the sliders describe; a ValueError says what is wrong with them."""
        c = self.controls
        w = np.array([c[f"weight{k + 1}"].value for k in range(self.K)])  # (K,)
        mu = np.array([c[f"mean{k + 1}"].value for k in range(self.K)])  # (K,)
        sd = np.array([c[f"sd{k + 1}"].value for k in range(self.K)])  # (K,)
        if w.sum() <= 0:
            raise ValueError("all weights are 0: give at least one component a weight above 0")
        for k in np.flatnonzero(sd <= 0):
            raise ValueError(f"σ{k + 1} = 0: a Gaussian needs a standard deviation above 0 "
                             "(as σ → 0 it becomes an infinitely thin, infinitely tall spike)")
        return gt.GMMParams(pi=w / w.sum(), mu=mu, Sigma=sd**2)  # variances, one per component

    def _update(self):
        p = self.guess()
        weighted = np.exp(gt.log_joint(self.grid, p))  # (G, K): pi_k N(x | mu_k, sigma_k^2)
        mixture = np.exp(gt.log_mixture_density(self.grid, p))  # (G,)
        ll = gt.log_likelihood(self.X, p)
        for k, line in enumerate(self.component_lines):
            line.set_data(self.grid, weighted[:, k])
        self.mixture_line.set_data(self.grid, mixture)
        self.params, self.log_likelihood = p, ll
        self._draw_em()
        self._describe()
        self.picture.render()

    def _toggle_em(self):
        self.show_em = not self.show_em
        if self.show_em and self.em_result is None:
            # Run EM to a tight convergence: on heights the likelihood is flat and the default tol stops early.
            self.em_result = gt.fit_gmm(self.X, self.K, seed=self.seed, tol=EM_TOL, max_iter=1000)
        self.buttons["em"].description = "Hide EM's answer" if self.show_em else "Show EM's answer"
        self._legend()
        self._draw_em()
        self._describe()
        self.picture.render()
        self.guess()  # sliders still bad (sd 0)? keep saying so

    def _draw_em(self):
        p = self.em_result.params if (self.show_em and self.em_result is not None) else None
        weighted = np.exp(gt.log_joint(self.grid, p)) if p is not None else None  # (G, K)
        for k, line in enumerate(self.em_component_lines):
            line.set_data(*((self.grid, weighted[:, k]) if p is not None else ([], [])))
        mixture = np.exp(gt.log_mixture_density(self.grid, p)) if p is not None else None
        self.em_mixture_line.set_data(*((self.grid, mixture) if p is not None else ([], [])))
        title = f"your guess: log-likelihood {self.log_likelihood:,.1f}"
        if p is not None:
            title += f"   ·   EM: {self.em_result.log_likelihoods[-1]:,.1f}"
        self.ax.set_title(title, fontsize=11)

    SHOWS = ("A histogram of the data with each weighted component of your guess (coloured, each in its own "
             "line style) and their sum, the mixture density (black)")

    def summary(self) -> str:
        p = self.params
        parts = [f"component {k + 1}: weight {p.pi[k]:.2f}, mean {p.mu[k, 0]:.1f}, sd {np.sqrt(p.Sigma[k, 0, 0]):.1f}"
                 for k in range(self.K)]
        text = f"{self.SHOWS}. Your guess: {'; '.join(parts)}; log-likelihood {self.log_likelihood:,.0f}."
        if self.show_em and self.em_result is not None:
            text += f" EM's answer (dotted) has log-likelihood {self.em_result.log_likelihoods[-1]:,.0f}."
        return text

    def _describe(self):
        p = self.params
        rows = [[f"{_swatch(k)} {k + 1}", f"{p.pi[k]:.3f}", f"{p.mu[k, 0]:.2f}", f"{np.sqrt(p.Sigma[k, 0, 0]):.2f}"]
                for k in range(self.K)]
        text = "<b>your guess</b> (weights divided by their sum)" + _table(["", "π", "μ", "σ"], rows)
        if self.show_em and self.em_result is not None:
            q = self.em_result.params
            rows = [[str(k + 1), f"{q.pi[k]:.3f}", f"{q.mu[k, 0]:.2f}", f"{np.sqrt(q.Sigma[k, 0, 0]):.2f}"]
                    for k in range(self.K)]
            text = (f"<div style='display:flex;gap:32px'><div>{text}</div><div><b>EM's answer</b> "
                    f"({self.em_result.n_iter} iterations)" + _table(["", "π", "μ", "σ"], rows) + "</div></div>")
        self.status.value = text


def mixture_explorer(x=None, K=2, bins=None, seed=0, xlabel=None) -> MixtureExplorer:
    """Sliders for each component's weight, mean and sd over a histogram of 1-D data.

    Shows each weighted component, the mixture and the live log-likelihood;
    a button fits EM (``gt.fit_gmm(x, K, seed=seed, tol=1e-8, max_iter=1000)``) and
    draws its answer beside.

    Parameters
    ----------
    x : (N,) or (N, 1) data; default Galton's heights (gt.datasets.load_galton()).
    K : number of components.
    bins : histogram bins (numpy's), default chosen from the data.
    seed : seed of EM's initialisation.
    xlabel : axis label.
    """
    return MixtureExplorer(x, K, bins, seed, xlabel)


# ====================================================================== 2. EM stepper (2-D)


@dataclass(frozen=True)
class Frame:
    """One picture of the EM stepper.

    kind: "start" (theta_0, no responsibilities yet), "E" (new gamma from the
    current theta) or "M" (new theta from the current gamma). ``previous`` is
    the theta before an M-step (drawn faintly), ``log_likelihoods`` the total
    log-likelihood of each theta the E-steps have seen so far.
    """

    kind: str
    iteration: int
    params: object  # GMMParams
    gamma: np.ndarray | None  # (N, K)
    log_likelihoods: tuple
    previous: object = None


class EMStepper(Explorer):
    """EM one half-step at a time: the E-step colours the points, the M-step moves the Gaussians.

    Teaches: EM alternates two simple updates; responsibilities are soft
    (mixed colours = uncertain points); the log-likelihood never goes down;
    the answer depends on K, the covariance type and the start.
    """

    def __init__(self, X=None, K=3, dataset="blobs", covariance_type="full", init="kmeans++", seed=0,
                 reg_covar=1e-6, interval=600):
        super().__init__(_Picture(9.6, 4.3, ncols=2, width_ratios=(1.35, 1.0),
                                  margins=dict(left=0.065, right=0.985, bottom=0.12, top=0.92, wspace=0.24)))
        self.user_X = None if X is None else _two_features(X)
        self.reg_covar = reg_covar
        self.frames = []
        self.ax, self.ll_ax = self.picture.axes
        datasets = (("your data", "yours"),) if X is not None else ()
        datasets += tuple((name, name) for name in DATASETS_2D)
        self.play = widgets.Play(value=0, min=0, max=2 * MAX_ITERATIONS, step=1, interval=interval,
                                 show_repeat=False, description="play", tooltip="play / pause / back to the start")
        self.play.observe(lambda change: self._guarded(self._show), names="value")
        self._layout(*self._make_controls("yours" if X is not None else dataset, datasets, K, covariance_type,
                                          init, seed))
        self._draw_static()
        self.add_class("gt-em-stepper")
        self._guarded(self._restart, reraise=True)

    def _make_controls(self, dataset, datasets, K, covariance_type, init, seed):
        narrow = widgets.Layout(width="200px")
        c = [self._control(name, w, self._restart) for name, w in (
            ("dataset", widgets.Dropdown(options=datasets, value=dataset, description="data", layout=narrow)),
            ("K", _slider(widgets.IntSlider, description="K", min=1, max=8, value=K, width="200px",
                          continuous_update=False)),
            ("covariance_type", widgets.Dropdown(options=COVARIANCE_TYPES, value=covariance_type,
                                                 description="covariance", layout=narrow)),
            ("init", widgets.Dropdown(options=INITS, value=init, description="init",
                                      layout=widgets.Layout(width="220px"))),
            ("seed", widgets.BoundedIntText(value=seed, min=0, max=10_000, description="seed",
                                            layout=widgets.Layout(width="130px"))),
        )]
        step = self._button("step", "Step", self._step, icon="step-forward", tooltip="one half-step: E or M")
        reset = self._button("reset", "Reset", self._reset, icon="undo", tooltip="back to the start, θ₀")
        step.add_class("gt-step")
        return widgets.HBox(c[:3]), widgets.HBox(c[3:]), widgets.HBox([step, self.play, reset])

    def _draw_static(self):
        self.scatter = self.ax.scatter([], [], s=12, linewidths=0, alpha=0.75, animated=True)
        self.ax.title.set_animated(True)
        self.ghosts = _Ellipses(self.ax, n_std=(1.0,), color=GREY, zorder=2, lw=1.2, ls=":")
        self.ellipses = _Ellipses(self.ax)
        (self.ll_line,) = self.ll_ax.plot([], [], marker="o", ms=4, color=INK, animated=True)
        self.ll_ax.set_xlabel("EM iteration (E-steps so far)")
        self.ll_ax.set_ylabel("mean log-likelihood per point")
        self.ll_ax.set_title("log-likelihood so far", fontsize=11)
        self.ll_ax.grid(alpha=0.3)
        self.no_ll_text = self.ll_ax.text(0.5, 0.5, "no E-step yet:\npress Step or play", ha="center", va="center",
                                          transform=self.ll_ax.transAxes, color=GREY, animated=True)

    # ------------------------------------------------------------- state
    @property
    def frame(self) -> Frame:
        return self.frames[self.play.value]

    @property
    def params(self):
        """The current theta (GMMParams)."""
        return self.frame.params

    @property
    def gamma(self):
        """The current responsibilities (N, K), or None before the first E-step."""
        return self.frame.gamma

    @property
    def log_likelihoods(self):
        return np.array(self.frame.log_likelihoods)

    @property
    def converged(self) -> bool:
        """The last two E-steps' mean log-likelihoods differ by less than 1e-3 (fit_gmm's default tol)."""
        lls = self.frame.log_likelihoods
        return len(lls) > 1 and abs(lls[-1] - lls[-2]) / len(self.X) < 1e-3

    # ------------------------------------------------------------- callbacks
    def _restart(self):
        """New data or settings: theta_0 from the chosen initialisation, back to frame 0."""
        c = self.controls
        new_data = c["dataset"].value != getattr(self, "dataset", None)
        self.dataset = c["dataset"].value
        self.X, self.feature_names = ((self.user_X, ("x1", "x2")) if self.dataset == "yours"
                                      else load_2d(self.dataset))
        self.covariance_type = c["covariance_type"].value
        p0 = gt.initial_params(self.X, c["K"].value, c["init"].value, self.covariance_type,
                               self.reg_covar, seed=c["seed"].value)
        self.frames = [Frame("start", 0, p0, None, ())]
        self.scatter.set_offsets(self.X[:, :2])
        _set_data_limits(self.ax, self.X)
        self.ax.set_xlabel(self.feature_names[0])
        self.ax.set_ylabel(self.feature_names[1])
        if new_data:
            self.picture.invalidate()  # new axis labels
        self.play.playing = False
        if self.play.value == 0:
            self._show()
        else:
            self.play.value = 0  # its observer draws frame 0

    def _step(self):
        self.play.value = min(self.play.value + 1, self.play.max)

    def _reset(self):
        self.play.playing = False
        self.play.value = 0
        self._show()

    def _next(self, frame: Frame) -> Frame:
        """One half-step of EM from ``frame``: an E-step after a start or an M-step, else an M-step."""
        if frame.kind in ("start", "M"):
            gamma, ll = gt.e_step(self.X, frame.params)
            return Frame("E", frame.iteration + 1, frame.params, gamma, frame.log_likelihoods + (ll,))
        params = gt.m_step(self.X, frame.gamma, self.covariance_type, self.reg_covar)
        return Frame("M", frame.iteration, params, frame.gamma, frame.log_likelihoods, previous=frame.params)

    def _show(self):
        """Draw frame number play.value, computing the half-steps up to it."""
        while len(self.frames) <= self.play.value:
            self.frames.append(self._next(self.frames[-1]))
        f = self.frame
        gray = np.tile(to_rgb(GREY), (len(self.X), 1))  # (N, 3) no responsibilities yet
        self.scatter.set_facecolors(gray if f.gamma is None else responsibility_colors(f.gamma))
        _mark_labels(self.scatter, None if f.gamma is None else f.gamma.argmax(axis=1))
        self.ellipses.update(f.params)
        self.ghosts.update(f.previous if f.kind == "M" else None)
        self._draw_log_likelihoods(f)
        self.ax.set_title(self._caption(f), fontsize=10.5)
        if self.converged and self.play.playing:
            self.play.playing = False  # nothing more to see
        self._describe(f)
        self.picture.render()

    def _draw_log_likelihoods(self, f: Frame):
        lls = np.array(f.log_likelihoods) / len(self.X)
        self.ll_line.set_data(np.arange(len(lls)), lls)
        self.no_ll_text.set_visible(len(lls) == 0)
        # Limits change only when the curve leaves them (each change redraws the whole figure).
        n_shown = 5
        while n_shown < len(lls):
            n_shown *= 2
        self.ll_ax.set_xlim(-0.5, n_shown - 0.5)
        if len(lls) == 0:
            self.ll_ax.set_ylim(0, 1)
            self.ll_ax.yaxis.set_major_locator(NullLocator())
            return
        lo, hi = self.ll_ax.get_ylim()
        if isinstance(self.ll_ax.yaxis.get_major_locator(), NullLocator) or lls.min() < lo or lls.max() > hi:
            span = max(lls.max() - lls.min(), 0.02)
            self.ll_ax.set_ylim(lls.min() - 0.1 * span, lls.max() + 0.5 * span)  # room to rise
            self.ll_ax.yaxis.set_major_locator(AutoLocator())

    @staticmethod
    def _caption(f: Frame) -> str:
        if f.kind == "start":
            return "start: θ₀ from the initialisation (grey: no responsibilities yet)"
        if f.kind == "E":
            return f"iteration {f.iteration}, E-step: colour each point by γₙₖ = p(k | xₙ)"
        return f"iteration {f.iteration}, M-step: refit each Gaussian to its soft points (dotted: before)"

    SHOWS = ("Left: the data, each point coloured by its responsibilities and shaped by its most likely "
             "component, with each Gaussian's 1 and 2 sigma ellipses; right: the log-likelihood after each E-step")

    def summary(self) -> str:
        f, lls = self.frame, self.frame.log_likelihoods
        state = f"frame {self.play.value} ({'start' if f.kind == 'start' else f.kind + '-step'}), {len(lls)} E-steps"
        if lls:
            state += f", mean log-likelihood per point {lls[-1] / len(self.X):.2f}"
        return (f"{self.SHOWS}. EM on {self.dataset} with K = {self.params.K}, {self.covariance_type} covariances: "
                f"{state}.")

    def _describe(self, f: Frame):
        lls = f.log_likelihoods
        parts = [f"{html.escape(self.dataset)}, K = {f.params.K}, {self.covariance_type}",
                 f"frame {self.play.value}: <b>{f.kind if f.kind != 'start' else 'start'}</b>",
                 f"E-steps so far: {len(lls)}"]
        if lls:
            parts.append(f"log-likelihood {lls[-1]:,.2f} (mean {lls[-1] / len(self.X):.4f} per point)")
        if len(lls) > 1:
            parts.append(f"change {(lls[-1] - lls[-2]) / len(self.X):+.2e} per point")
        if self.converged:
            parts.append("<b>converged</b> (change &lt; 1e-3 per point)")
        self.status.value = " · ".join(parts)


def em_stepper(X=None, K=3, dataset="blobs", covariance_type="full", init="kmeans++", seed=0,
               reg_covar=1e-6, interval=600) -> EMStepper:
    """EM on 2-D data, one E-step or M-step per frame: step, play/pause, reset.

    Controls choose the dataset (blobs, Old Faithful, penguins; or ``X`` if
    given), K, the covariance type, the initialisation and its seed. Each step
    calls ``gt.e_step`` or ``gt.m_step``; frame 0 is ``gt.initial_params``, so
    after t iterations the parameters are those of ``gt.fit_gmm(..., max_iter=t, tol=0)``.

    Parameters
    ----------
    X : (N, D >= 2) data (features 0 and 1 are drawn), or None for the lesson datasets.
    K, covariance_type, init, seed, reg_covar : as for ``gt.fit_gmm``.
    dataset : "blobs", "Old Faithful" or "penguins" (the latter two standardised).
    interval : milliseconds between frames when playing.
    """
    return EMStepper(X, K, dataset, covariance_type, init, seed, reg_covar, interval)


# ====================================================================== 3. soft k-means stiffness


class SoftKMeansExplorer(Explorer):
    """Soft k-means with stiffness beta beside hard k-means.

    Teaches: soft k-means is EM for equal-weight Gaussians sharing one spherical
    covariance sigma^2 I with beta = 1 / (2 sigma^2) (circles: 1 sigma). Small
    beta: every point is shared and the centres merge; large beta: every point
    belongs to one centre and soft k-means becomes k-means.
    """

    def __init__(self, X=None, K=3, beta=0.5, seed=0):
        super().__init__(_Picture(9.6, 4.3, ncols=2))
        self.X = load_2d("blobs")[0] if X is None else _two_features(X)
        self.seed = seed
        self._hard = {}  # K -> gt.kmeans result, computed once per K
        self.soft_ax, self.hard_ax = self.picture.axes
        # beta is in 1 / (units of X)^2: the slider spans soft to hard for this data's scale.
        scale = float(np.log10(self.X.var(axis=0).mean()))
        beta_w = _slider(widgets.FloatLogSlider, description="stiffness β", base=10, value=beta,
                         min=np.floor(scale - 2), max=np.ceil(scale + 2), step=0.05, width="380px",
                         readout_format=".3g")
        K_w = _slider(widgets.IntSlider, description="K", min=1, max=6, value=K, width="200px")
        self._control("beta", beta_w, self._update)
        self._control("K", K_w, self._update)
        self._layout(widgets.HBox([beta_w, K_w]))
        self._draw_static()
        self.add_class("gt-soft-kmeans")
        self._guarded(self._update, reraise=True)

    def _draw_static(self):
        style = dict(s=12, linewidths=0, alpha=0.75, animated=True)
        self.soft_scatter = self.soft_ax.scatter(self.X[:, 0], self.X[:, 1], **style)
        self.hard_scatter = self.hard_ax.scatter(self.X[:, 0], self.X[:, 1], **style)
        self.soft_ax.title.set_animated(True)
        self.circles = _Ellipses(self.soft_ax, n_std=(1.0,), color=INK, lw=1.2)
        style = dict(marker="o", s=90, edgecolors=INK, linewidths=1.5, zorder=5, animated=True)
        self.soft_centers = self.soft_ax.scatter(np.empty(0), np.empty(0), **style)
        self.hard_centers = self.hard_ax.scatter(np.empty(0), np.empty(0), **style)
        for ax in (self.soft_ax, self.hard_ax):
            _set_data_limits(ax, self.X)
            ax.set_aspect("equal", adjustable="box")
        self.hard_ax.set_title("hard k-means (β → ∞)", fontsize=11)

    def _update(self):
        beta, K = self.controls["beta"].value, self.controls["K"].value
        soft = gt.soft_kmeans(self.X, K, beta, seed=self.seed)
        if K not in self._hard:
            self._hard[K] = gt.kmeans(self.X, K, seed=self.seed)
        hard = self._hard[K]
        self.soft, self.hard, self.beta = soft, hard, beta
        self.soft_scatter.set_facecolors(responsibility_colors(soft.responsibilities))
        self.hard_scatter.set_facecolors(responsibility_colors(np.eye(K)[hard.labels]))
        _mark_labels(self.soft_scatter, soft.responsibilities.argmax(axis=1))
        _mark_labels(self.hard_scatter, hard.labels)
        colors = responsibility_colors(np.eye(K))  # (K, 3) component k's colour
        for artist, centers in ((self.soft_centers, soft.centers), (self.hard_centers, hard.centers)):
            artist.set_offsets(centers[:, :2])
            artist.set_facecolors(colors)
            _mark_labels(artist, np.arange(K))
        self.circles.update(self.equivalent_gmm)
        sigma = np.sqrt(self.equivalent_gmm.Sigma[0, 0, 0])
        self.soft_ax.set_title(f"soft k-means, β = {beta:.3g}  (σ = 1/√(2β) = {sigma:.3g})", fontsize=11)
        self._describe()
        self.picture.render()

    @property
    def equivalent_gmm(self):
        """The mixture soft k-means is EM for: equal weights, shared covariance I / (2 beta), its centres."""
        K = len(self.soft.centers)
        Sigma = np.repeat(np.eye(2)[None] / (2 * self.beta), K, axis=0)  # beta = 1 / (2 sigma^2)
        return gt.GMMParams(pi=np.full(K, 1 / K), mu=self.soft.centers[:, :2], Sigma=Sigma,
                            covariance_type="spherical")

    SHOWS = ("Left: soft k-means, each point coloured by its responsibilities, with 1 sigma circles; right: "
             "hard k-means; each point is shaped by its cluster")

    def summary(self) -> str:
        same = np.mean(self.soft.labels == self.hard.labels)
        return (f"{self.SHOWS}. Stiffness beta = {self.beta:.3g}, K = {len(self.soft.centers)}: average certainty "
                f"{self.soft.responsibilities.max(axis=1).mean():.2f}; {same:.0%} of the points get the same cluster "
                "as hard k-means.")

    def _describe(self):
        r = self.soft.responsibilities  # (N, K)
        same = np.mean(self.soft.labels == self.hard.labels)
        self.status.value = (f"average certainty max<sub>k</sub> r<sub>nk</sub>: <b>{r.max(axis=1).mean():.3f}</b>"
                             f" (1 = hard) · points given the same cluster as k-means: <b>{same:.1%}</b>"
                             f" (both start from the same k-means++ seeds) · soft k-means iterations: "
                             f"{self.soft.n_iter}")


def soft_kmeans_explorer(X=None, K=3, beta=0.5, seed=0) -> SoftKMeansExplorer:
    """A stiffness slider beta from soft to hard: soft k-means' responsibilities as colour, k-means beside.

    Calls ``gt.soft_kmeans(X, K, beta, seed=seed)`` and ``gt.kmeans(X, K, seed=seed)``.

    Parameters
    ----------
    X : (N, D >= 2) data; default the blobs (gt.datasets.blobs(seed=0)).
    K : number of centres.
    beta : starting stiffness, in 1 / (units of X)^2.
    seed : seed of both k-means++ initialisations (the same one).
    """
    return SoftKMeansExplorer(X, K, beta, seed)


# ====================================================================== 4. ellipse explorer


def covariance_matrix(sigma_x: float, sigma_y: float, rho: float) -> np.ndarray:
    """Sigma = [[sigma_x^2, rho sigma_x sigma_y], [rho sigma_x sigma_y, sigma_y^2]]: the definition of rho."""
    cov_xy = rho * sigma_x * sigma_y
    return np.array([[sigma_x**2, cov_xy], [cov_xy, sigma_y**2]])  # (2, 2)


class EllipseExplorer(Explorer):
    """sigma_x, sigma_y and rho -> the covariance ellipse, its eigenvectors and the mass it holds.

    Teaches: the ellipse's axes are the eigenvectors of Sigma, with half-lengths
    sqrt(lambda) (standard deviations, not variances); in 2-D the 1, 2, 3 sigma
    ellipses hold 39.3 %, 86.5 %, 98.9 % of the probability, not 68/95/99.7 %.
    """

    N_STD = (1.0, 2.0, 3.0)

    def __init__(self, sigma_x=1.5, sigma_y=1.0, rho=0.6, n_samples=1000, seed=0, limit=7.0):
        super().__init__(_Picture(5.4, 6.0))
        self.mean = np.zeros(2)
        self.n_samples, self.seed = n_samples, seed
        self.ax = self.picture.axes[0]
        sx = _slider(description="σx", min=0.0, max=2.5, step=0.05, value=sigma_x, width="260px")
        sy = _slider(description="σy", min=0.0, max=2.5, step=0.05, value=sigma_y, width="260px")
        rho_w = _slider(description="correlation ρ", min=-1.0, max=1.0, step=0.01, value=rho, width="300px")
        for name, w in (("sigma_x", sx), ("sigma_y", sy), ("rho", rho_w)):
            self._control(name, w, self._update)
        self._layout(widgets.HBox([sx, sy, rho_w], layout=widgets.Layout(flex_flow="row wrap")), status_beside=True)
        self._draw_static(limit)
        self.image.layout.min_width = "360px"
        self.add_class("gt-ellipse-explorer")
        self._guarded(self._update, reraise=True)

    def _draw_static(self, limit):
        ax = self.ax
        self.mass = gt.prob_inside_ellipse(np.array(self.N_STD), D=2)  # (3,) 0.393, 0.865, 0.989
        self.samples = ax.scatter([], [], s=4, color=GREY, alpha=0.5, linewidths=0, animated=True,
                                  label=f"{self.n_samples} samples")
        self.ellipses = []
        for s, mass, ls in zip(self.N_STD, self.mass, ("-", "--", ":"), strict=True):
            patch = Ellipse((0, 0), 1, 1, angle=0.0, facecolor="none", edgecolor=component_color(0), lw=2, ls=ls,
                            label=f"{s:.0f}σ ellipse: holds {mass:.1%}", animated=True)
            ax.add_patch(patch)
            self.ellipses.append(patch)
        self.arrows = [FancyArrow(0, 0, 1, 0, width=0.04, length_includes_head=True, head_width=0.22,
                                  color=c, zorder=5, label=label, animated=True)
                       for c, label in ((component_color(1), "√λ₁ v₁ (major axis)"),
                                        (component_color(2), "√λ₂ v₂ (minor axis)"))]
        for arrow in self.arrows:
            ax.add_patch(arrow)
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
        ax.set_aspect("equal")
        ax.axhline(0, color=DATA_GREY, lw=0.8, zorder=0)
        ax.axvline(0, color=DATA_GREY, lw=0.8, zorder=0)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        # Below the axes, so the moving points never cover it (and it is drawn once, not on every update).
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=2, fontsize=8.5, frameon=False)
        ax.title.set_animated(True)

    def _update(self):
        c = self.controls
        Sigma = covariance_matrix(c["sigma_x"].value, c["sigma_y"].value, c["rho"].value)
        try:
            geometry = [covariance_ellipse(self.mean, Sigma, s) for s in self.N_STD]
        except ValueError as err:
            raise ValueError("Σ is not positive definite, so there is no ellipse: with σ = 0 or ρ = ±1 all "
                             "the probability sits on a line. Move σ above 0 and ρ inside (−1, 1). "
                             f"(The library says: {err})") from None
        X = gt.sample_gaussian(self.mean, Sigma, self.n_samples, seed=self.seed)  # same z each time
        L = gt.gaussian.cholesky_factor(Sigma)
        inside = np.sqrt(gt.gaussian.mahalanobis_sq(X, self.mean, L))[:, None] <= np.array(self.N_STD)  # (n, 3)
        for patch, g in zip(self.ellipses, geometry, strict=True):
            _place(patch, g)
        self.samples.set_offsets(X)
        self.Sigma, self.geometry, self.sample_fraction = Sigma, geometry[0], inside.mean(axis=0)
        self._draw_axes_arrows(geometry[0])
        self.ax.set_title(f"σx = {c['sigma_x'].value:.2f}, σy = {c['sigma_y'].value:.2f}, "
                          f"ρ = {c['rho'].value:+.2f}", fontsize=11)
        self._describe()
        self.picture.render()

    @property
    def eigen(self):
        """(lambda (2,), V (2, 2) with the eigenvectors as columns), read off the 1-sigma ellipse's axes."""
        g = self.geometry
        theta = np.radians(g.angle)
        V = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])  # (2, 2)
        return np.array([(g.width / 2) ** 2, (g.height / 2) ** 2]), V

    def _draw_axes_arrows(self, g):
        lam, V = self.eigen
        for arrow, half_axis, v in zip(self.arrows, np.sqrt(lam), V.T, strict=True):
            arrow.set_data(x=self.mean[0], y=self.mean[1], dx=half_axis * v[0], dy=half_axis * v[1])

    SHOWS = ("1000 samples of a 2-D Gaussian with its 1, 2 and 3 sigma ellipses (solid, dashed, dotted) and "
             "arrows along its two eigenvectors")

    def summary(self) -> str:
        c, (lam, _) = self.controls, self.eigen
        return (f"{self.SHOWS.replace('1000', str(self.n_samples))}. sigma_x = {c['sigma_x'].value:.2f}, "
                f"sigma_y = {c['sigma_y'].value:.2f}, rho = {c['rho'].value:+.2f}: eigenvalues {lam[0]:.3f} and "
                f"{lam[1]:.3f}, major axis at {self.geometry.angle:.0f} degrees; the ellipses hold "
                f"{', '.join(f'{m:.1%}' for m in self.mass)} of the probability.")

    def _describe(self):
        S, (lam, V) = self.Sigma, self.eigen
        one_d = gt.prob_inside_ellipse(np.array(self.N_STD), D=1)
        matrix = (f"<b>Σ</b> = [[{S[0, 0]:.3f}, {S[0, 1]:.3f}], [{S[1, 0]:.3f}, {S[1, 1]:.3f}]]<br>"
                  f"<b>eigenvalues</b> λ₁ = {lam[0]:.3f}, λ₂ = {lam[1]:.3f}<br>"
                  f"<b>eigenvectors</b> v₁ = ({V[0, 0]:+.3f}, {V[1, 0]:+.3f}), "
                  f"v₂ = ({V[0, 1]:+.3f}, {V[1, 1]:+.3f})<br>"
                  f"major axis at {self.geometry.angle:.1f}°; half-axes √λ₁ = {np.sqrt(lam[0]):.3f}, "
                  f"√λ₂ = {np.sqrt(lam[1]):.3f}")
        rows = [[f"{s:.0f}σ", f"{m2:.1%}", f"{frac:.1%}", f"{m1:.1%}"]
                for s, m2, frac, m1 in zip(self.N_STD, self.mass, self.sample_fraction, one_d, strict=True)]
        table = _table(["", "2-D ellipse holds", f"of the {self.n_samples} samples", "1-D: within kσ"], rows)
        self.status.value = f"<div style='line-height:1.6'>{matrix}</div><br>{table}"


def ellipse_explorer(sigma_x=1.5, sigma_y=1.0, rho=0.6, n_samples=1000, seed=0) -> EllipseExplorer:
    """Sliders sigma_x, sigma_y, rho -> the 1/2/3-sigma ellipses of N(0, Sigma), its eigenvectors, its mass.

    The ellipses come from ``gt.plotting.covariance_ellipse``, the masses from
    ``gt.prob_inside_ellipse``; ``n_samples`` draws (``gt.sample_gaussian``, the
    same standard-normal draws every time, so the cloud deforms with Sigma) show
    the masses empirically.
    """
    return EllipseExplorer(sigma_x, sigma_y, rho, n_samples, seed)


# ====================================================================== 5. choosing K


class ChooseK(Explorer):
    """A K slider over EM fits for K = 1..K_max, with BIC and AIC against K and the current K marked.

    Teaches: the log-likelihood always rises with K; BIC and AIC add a price per
    parameter (BIC's grows with log N, so it picks fewer components); the
    "best" K is the one where the curve is lowest, and BIC picks density
    components, not necessarily "clusters".
    """

    def __init__(self, X=None, K_max=8, covariance_type="full", n_init=3, seed=0, xlabel=None):
        super().__init__(_Picture(9.6, 4.2, ncols=2, width_ratios=(1.2, 1.0)))
        if X is None:
            X, names = load_2d("Old Faithful")
        else:
            X, names = check_X(X), ("x1", "x2")
        self.X, self.names, self.n_init, self.seed = X, names, n_init, seed
        self.K_max = check_n_components(K_max, len(X), name="K_max")
        self.one_d = X.shape[1] == 1
        self.fit_ax, self.score_ax = self.picture.axes
        K_w = _slider(widgets.IntSlider, description="K", min=1, max=self.K_max, value=min(2, self.K_max),
                      width="320px")
        type_w = widgets.Dropdown(options=COVARIANCE_TYPES, value=covariance_type, description="covariance",
                                  layout=widgets.Layout(width="200px"))
        self._control("K", K_w, self._update)
        self._control("covariance_type", type_w, self._refit)
        self._layout(widgets.HBox([K_w, type_w]))
        self._draw_static(xlabel)
        self.add_class("gt-choose-k")
        self._guarded(self._refit, reraise=True)

    def _draw_static(self, xlabel):
        ax = self.fit_ax
        if self.one_d:
            heights, _, _ = ax.hist(self.X[:, 0], bins=_histogram_bins(self.X, None), **histogram_style())
            self.grid = np.linspace(*_padded_limits(self.X[:, 0], 0.1), 400)  # (G,)
            self.component_lines = []
            (self.mixture_line,) = ax.plot([], [], animated=True, **mixture_curve_style())
            ax.set_ylim(0, 1.6 * heights.max())
            ax.set_xlabel(xlabel or self.names[0])
        else:
            self.scatter = ax.scatter(self.X[:, 0], self.X[:, 1], s=12, linewidths=0, alpha=0.75, animated=True)
            self.ellipses = _Ellipses(ax)
            _set_data_limits(ax, self.X)
            ax.set_xlabel(self.names[0])
            ax.set_ylabel(self.names[1])
        sax = self.score_ax
        (self.bic_line,) = sax.plot([], [], label="BIC", **{**category_style(0, "points"), "ls": "-"})
        (self.aic_line,) = sax.plot([], [], label="AIC", **{**category_style(1, "points"), "ls": "--"})
        (self.best_marks,) = sax.plot([], [], ls="none", marker="*", ms=16, color=PALETTE[6], mec=INK, zorder=5,
                                      label="lowest")
        self.current_line = sax.axvline(1, color=INK, lw=1.5, ls="--", label="current K", animated=True)
        ax.title.set_animated(True)
        sax.set_xlabel("K (number of components)")
        sax.set_ylabel("score (lower is better)")
        sax.set_xticks(range(1, self.K_max + 1))
        sax.set_xlim(0.5, self.K_max + 0.5)
        sax.grid(alpha=0.3)
        sax.legend(frameon=False, fontsize=9)

    def _refit(self):
        """Fit K = 1..K_max (best of n_init starts each), score them with BIC and AIC."""
        covariance_type = self.controls["covariance_type"].value
        self.status.value = f"fitting K = 1..{self.K_max} ({covariance_type}), {self.n_init} starts each…"  # sent now
        rng = np.random.default_rng(self.seed)
        fits = {}
        for K in range(1, self.K_max + 1):
            runs = [gt.fit_gmm(self.X, K, covariance_type=covariance_type, seed=rng) for _ in range(self.n_init)]
            fits[K] = max(runs, key=lambda r: r.log_likelihoods[-1])
        self.fits, self.covariance_type = fits, covariance_type
        self.bics = np.array([gt.bic(self.X, fits[K].params) for K in fits])  # (K_max,)
        self.aics = np.array([gt.aic(self.X, fits[K].params) for K in fits])  # (K_max,)
        self.best_bic_K, self.best_aic_K = int(np.argmin(self.bics)) + 1, int(np.argmin(self.aics)) + 1
        Ks = np.arange(1, self.K_max + 1)
        self.bic_line.set_data(Ks, self.bics)
        self.aic_line.set_data(Ks, self.aics)
        self.best_marks.set_data([self.best_bic_K, self.best_aic_K],
                                 [self.bics[self.best_bic_K - 1], self.aics[self.best_aic_K - 1]])
        self.score_ax.relim()
        self.score_ax.autoscale_view(scalex=False)
        self.score_ax.set_title(f"BIC picks K = {self.best_bic_K}, AIC picks K = {self.best_aic_K}", fontsize=11)
        self.picture.invalidate()
        self._update()

    @property
    def K(self) -> int:
        return self.controls["K"].value

    @property
    def params(self):
        """The fit drawn now: GMMParams for the current K."""
        return self.fits[self.K].params

    def _update(self):
        r = self.fits[self.K]
        if self.one_d:
            self._draw_1d(r.params)
        else:
            self.scatter.set_facecolors(responsibility_colors(r.gamma))
            _mark_labels(self.scatter, r.gamma.argmax(axis=1))
            self.ellipses.update(r.params)
        self.current_line.set_xdata([self.K, self.K])
        P = gt.n_parameters(self.K, self.X.shape[1], self.covariance_type)
        self.fit_ax.set_title(f"K = {self.K}: log-likelihood {r.log_likelihoods[-1]:,.1f}, {P} parameters",
                              fontsize=11)
        self.status.value = (f"K = {self.K}: BIC {self.bics[self.K - 1]:,.1f}, AIC {self.aics[self.K - 1]:,.1f}"
                             f" · lowest BIC at K = {self.best_bic_K}, lowest AIC at K = {self.best_aic_K}"
                             f" · EM {'converged' if r.converged else 'did NOT converge'} in {r.n_iter} iterations"
                             f" (best of {self.n_init} starts)")
        self.picture.render()

    SHOWS = ("Left: the EM fit for the chosen K over the data; right: BIC (solid, circles) and AIC (dashed, "
             "squares) against K, stars at their lowest, a dashed line at the chosen K")

    def summary(self) -> str:
        return (f"{self.SHOWS}. {self.covariance_type} covariances, K = {self.K}: BIC picks K = {self.best_bic_K}, "
                f"AIC picks K = {self.best_aic_K}.")

    def _draw_1d(self, p):
        weighted = np.exp(gt.log_joint(self.grid, p))  # (G, K)
        while len(self.component_lines) < p.K:
            k = len(self.component_lines)
            self.component_lines.append(self.fit_ax.plot([], [], animated=True, **component_curve_style(k))[0])
        for k, line in enumerate(self.component_lines):
            line.set_data(*((self.grid, weighted[:, k]) if k < p.K else ([], [])))
        self.mixture_line.set_data(self.grid, np.exp(gt.log_mixture_density(self.grid, p)))


def choose_k(X=None, K_max=8, covariance_type="full", n_init=3, seed=0, xlabel=None) -> ChooseK:
    """A K slider showing the EM fit for that K, and BIC/AIC against K with the current K marked.

    Fits ``gt.fit_gmm(X, K, covariance_type)`` for K = 1..K_max (the best of
    ``n_init`` starts, seeded from ``seed``) and scores them with ``gt.bic`` and
    ``gt.aic``. Changing the covariance type refits everything.

    Parameters
    ----------
    X : (N, D) data; 1-D data is drawn as a histogram, more features as a
        scatter of features 0 and 1. Default: Old Faithful, standardised.
    """
    return ChooseK(X, K_max, covariance_type, n_init, seed, xlabel)
