"""What every explorer shares: the lessons' 2-D data, one matplotlib picture rendered to PNG
(blitting), ellipses as artists, the guarded base class with its readout and its static fallback."""

from __future__ import annotations

import base64
import html
import io
import warnings

import ipywidgets as widgets
import numpy as np
import traitlets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse
from PIL import Image as PILImage

import gmm_teach as gt

from .._validation import check_X
from ..plotting import (
    INK,
    component_color,
    covariance_ellipse,
    ellipse_style,
    marker_paths,
    mean_style,
)

DPI = 100  # figures are drawn at 1 pixel per 1/100 inch: sharp enough, fast to encode
GREY = "#767676"  # faint things (the previous step, EM's components): a grey with 4.5:1 on white
INITS = ("kmeans++", "kmeans", "random_from_data", "random")


def standardised(X):
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
    return standardised(data.X), tuple(f"{f}, standardised" for f in data.feature_names)


def two_features(X):
    """(N, D >= 2) data as given; the pictures show features 0 and 1."""
    X = check_X(X)
    if X.shape[1] < 2:
        raise ValueError(f"X must have at least 2 features for this widget, got shape {X.shape}")
    return X





def for_learner(w) -> bool:
    """A warning worth showing a learner: not another library's deprecation notice for its developers
    (matplotlib 3.7 under a newer pyparsing emits several on every draw)."""
    return not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))

class NamedImage(widgets.Image):
    """An ipywidgets Image whose ``tooltip`` becomes the <img>'s title, its accessible name.

    ipywidgets 8.1's front end sets the title only when ``description`` is empty, and reads
    ``description`` even on an Image, which has none (a JavaScript error): this one has an empty one."""

    description = traitlets.Unicode("", help="Always empty; lets the front end use the tooltip").tag(sync=True)


class Picture:
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
        self.image = NamedImage(format="png", layout=widgets.Layout(width=f"{round(width * DPI)}px",
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
            for artist in sorted(animated_artists(ax), key=lambda a: a.get_zorder()):
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


def animated_artists(ax):
    return [a for a in ax.get_children() if a.get_animated() and a.get_visible()]


class Ellipses:
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
                place(patch, covariance_ellipse(mean, cov, s))
                if "lw" not in self.style:  # heavier components get thicker lines, as in the figures
                    patch.set_linewidth(ellipse_style(k, 0, params.pi[k])["lw"])
        self.means.set_data(params.mu[:, i], params.mu[:, j])

    def geometry(self):
        """(center, width, height, angle) of every drawn ellipse, for tests."""
        return [[(p.get_center(), p.get_width(), p.get_height(), p.get_angle()) for p in row]
                for row in self.patches]


def mark_labels(scatter, labels):
    """Each point in the marker of its hard label (the second cue), or all circles for None."""
    scatter.set_paths(marker_paths(np.zeros(len(scatter.get_offsets()), dtype=int) if labels is None else labels))


def place(patch, g):
    """Move an Ellipse patch to an EllipseGeometry."""
    patch.set_center(g.center)
    patch.set_width(g.width)
    patch.set_height(g.height)
    patch.set_angle(g.angle)


def padded_limits(values, pad=0.08):
    lo, hi = float(np.min(values)), float(np.max(values))
    margin = pad * (hi - lo) + 1e-9
    return lo - margin, hi + margin


def set_data_limits(ax, X):
    ax.set_xlim(*padded_limits(X[:, 0]))
    ax.set_ylim(*padded_limits(X[:, 1]))


def nice_step(span: float, n: int = 200) -> float:
    """A round slider step (1, 2 or 5 times a power of ten) of about span / n."""
    raw = span / n
    power = 10.0 ** np.floor(np.log10(raw))
    return float(min((m * power for m in (1, 2, 5, 10)), key=lambda s: abs(s - raw)))


def histogram_bins(X, bins):
    if bins is not None:
        return bins
    values = X[:, 0]
    # Heights written to whole or half inches make a comb with narrow bins: use
    # unit-wide bins centred on whole values when the data look like that.
    if np.allclose(values * 10, np.round(values * 10)) and np.ptp(values) > 10:
        return np.arange(np.floor(values.min()) - 0.25, np.ceil(values.max()) + 1.0, 1.0)
    return "auto"


def html_table(header, rows) -> str:
    """A small HTML table (numbers already formatted)."""
    head = "".join(f"<th style='padding:0 8px'>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='padding:0 8px;text-align:right'>{c}</td>" for c in row)
                   + "</tr>" for row in rows)
    return f"<table style='border-collapse:collapse'><tr>{head}</tr>{body}</table>"


def swatch(k: int) -> str:
    return f"<span style='color:{component_color(k)}'>&#9679;</span>"




LIVE = "<div role='status' aria-live='polite'>"


class Readout(widgets.HTML):
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
    CAPTION = "An interactive figure"  # the short visible caption: what to do and what to notice

    def __init__(self, picture: Picture):
        super().__init__()
        self.picture = picture
        self.figure = picture.figure
        self.image = picture.image
        self.status = Readout()
        self.status.add_class("gt-status")
        self.message = widgets.HTML()
        self.message.add_class("gt-message")
        self.message.layout.display = "none"
        self.controls, self.buttons, self.number_boxes = {}, {}, {}
        self._busy = False
        self.add_class("gt-widget")
        # The picture's accessible name (the <img>'s title): the same sentence as the static fallback's alt text.
        self.image.observe(lambda change: setattr(self.image, "tooltip", self.summary()), names="value")

    def _layout(self, *rows, status_beside=False):
        """Control rows on top, then the message line, the picture and the status line (below or beside it)."""
        # The message goes right under the controls, where the learner is looking; hidden while empty.
        rows = [self._with_number_boxes(row) for row in rows]
        if status_beside:
            self.status.layout.margin = "24px 0 0 16px"
            self.children = [*rows, self.message, widgets.HBox([self.image, self.status])]
        else:
            self.children = [*rows, self.message, self.image, self.status]

    # ------------------------------------------------------------- controls
    def _with_number_boxes(self, widget):
        """``widget`` with every registered slider replaced by [slider | its named number box] (recursively).

        ipywidgets 8.1 gives the slider handle (role=slider) no accessible name, and nothing from
        Python can: the box beside it is the named control for keyboard and screen-reader users."""
        for name, control in self.sliders.items():
            if control is widget:
                self.number_boxes[name] = box = number_box(control)
                return widgets.HBox([control, box], layout=widgets.Layout(align_items="center"))
        if isinstance(widget, widgets.Box):
            widget.children = tuple(self._with_number_boxes(child) for child in widget.children)
        return widget

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

    def caption(self) -> str:
        """The visible caption under the widget: what it shows and how to drive it."""
        return (f"*{self.CAPTION}. (Live with a running kernel; saved without one, this is the "
                "starting picture.)*")

    def _ipython_display_(self):
        """The widget (or, without a kernel, its picture and sentence), then its caption, as gt.plotting.show does."""
        from IPython.display import Markdown, display

        data, metadata = self._repr_mimebundle_()
        display(data, metadata=metadata, raw=True)
        display(Markdown(self.caption()))

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
            self._say("<br>".join(dict.fromkeys(str(w.message) for w in caught if for_learner(w))), "warning")
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


def number_box(control, width="84px"):
    """A number box bound to a slider, labelled with the slider's description; the label is zero-width
    (the slider shows it), but a screen reader reads it. The box replaces the slider's readout."""
    log = isinstance(control, widgets.FloatLogSlider)  # its min and max are exponents
    lo, hi = (control.base ** control.min, control.base ** control.max) if log else (control.min, control.max)
    cls = widgets.BoundedIntText if isinstance(control, widgets.IntSlider) else widgets.BoundedFloatText
    box = cls(value=control.value, min=lo, max=hi, step=None if log else control.step,
              description=control.description, style={"description_width": "0px"},
              layout=widgets.Layout(width=width))
    box.add_class("gt-number-box")
    control.readout = False
    if cls is widgets.BoundedIntText:  # linked in the browser: no kernel round trip
        for name in ("value", "min", "max"):
            widgets.jslink((control, name), (box, name))
    else:  # linked in the kernel, to show the value rounded (not 0.6000000000000001)
        bind_rounded(control, box, significant=3 if log else None)
    return box


def bind_rounded(control, box, significant=None):
    """Keep a float slider and its box equal: the box shows the slider's value rounded to the slider's
    step (or to ``significant`` digits); a value typed into the box moves the slider."""
    decimals = None if significant else max(0, int(np.ceil(-np.log10(control.step) - 1e-9)))

    def rounded(value):
        return float(f"{value:.{significant}g}") if significant else round(value, decimals)

    def to_box(change):
        box.value = min(max(rounded(change["new"]), box.min), box.max)

    def to_slider(change):
        if change["new"] != rounded(control.value):  # not the echo of to_box
            control.value = change["new"]

    box.value = rounded(control.value)
    control.observe(to_box, names="value")
    box.observe(to_slider, names="value")


def slider(cls=widgets.FloatSlider, width="300px", **kwargs):
    kwargs.setdefault("continuous_update", True)
    return cls(style={"description_width": "initial"}, layout=widgets.Layout(width=width), **kwargs)
