"""2. The EM stepper (2-D): one half-step at a time (E-step, M-step), play/pause, reset."""

from __future__ import annotations

import html
import inspect
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.ticker import AutoLocator, NullLocator

import gmm_teach as gt

from .._validation import COVARIANCE_TYPES
from ..em import has_converged
from ..plotting import INK, responsibility_colors
from ._base import (
    DATASETS_2D,
    GREY,
    INITS,
    Ellipses,
    Explorer,
    Picture,
    load_2d,
    mark_labels,
    set_data_limits,
    slider,
    two_features,
)

STOP_TOL = inspect.signature(gt.fit_gmm).parameters["tol"].default  # fit_gmm's, 1e-3
MAX_ITERATIONS = 200  # the EM stepper's play button stops here at the latest


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
        super().__init__(Picture(9.6, 4.3, ncols=2, width_ratios=(1.35, 1.0),
                                  margins=dict(left=0.065, right=0.985, bottom=0.12, top=0.92, wspace=0.24)))
        self.user_X = None if X is None else two_features(X)
        self.reg_covar = reg_covar
        self.frames = []
        self.ax, self.ll_ax = self.picture.axes
        datasets = (("your data", "yours"),) if X is not None else ()
        datasets += tuple((name, name) for name in DATASETS_2D)
        self.play = widgets.Play(value=0, min=0, max=2 * MAX_ITERATIONS, step=1, interval=interval,
                                 show_repeat=False, description="play", tooltip="play / pause / back to the start")
        self.play.observe(lambda change: self._guarded(self._show), names="value")
        self.play.layout.display = "none"  # its icon buttons have no accessible name: the named toggle drives it
        self.run = widgets.ToggleButton(value=False, description="Play", icon="play",
                                        tooltip="play the half-steps one after another; press again to pause",
                                        layout=widgets.Layout(width="auto", align_self="flex-start"))
        self.run.add_class("gt-play")
        widgets.jslink((self.run, "value"), (self.play, "playing"))  # the browser's timer, no kernel round trip
        self.play.observe(self._playing_changed, names="playing")
        self._layout(*self._make_controls("yours" if X is not None else dataset, datasets, K, covariance_type,
                                          init, seed))
        self._draw_static()
        self.add_class("gt-em-stepper")
        self._guarded(self._restart, reraise=True)

    def _make_controls(self, dataset, datasets, K, covariance_type, init, seed):
        narrow = widgets.Layout(width="200px")
        c = [self._control(name, w, self._restart) for name, w in (
            ("dataset", widgets.Dropdown(options=datasets, value=dataset, description="data", layout=narrow)),
            ("K", slider(widgets.IntSlider, description="K", min=1, max=8, value=K, width="200px",
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
        return widgets.HBox(c[:3]), widgets.HBox(c[3:]), widgets.HBox([step, self.run, reset, self.play])

    def _playing_changed(self, change):
        """The toggle says what pressing it will do: Play, or Pause while playing."""
        self.run.value = change["new"]
        self.run.description, self.run.icon = ("Pause", "pause") if change["new"] else ("Play", "play")

    def _draw_static(self):
        self.scatter = self.ax.scatter([], [], s=12, linewidths=0, alpha=0.75, animated=True)
        self.ax.title.set_animated(True)
        self.ghosts = Ellipses(self.ax, n_std=(1.0,), color=GREY, zorder=2, lw=1.2, ls=":")
        self.ellipses = Ellipses(self.ax)
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
        """EM's stopping rule (gt.em.has_converged) with fit_gmm's default tol, on the last two E-steps."""
        lls = self.frame.log_likelihoods
        return len(lls) > 1 and has_converged(lls[-2], lls[-1], len(self.X), STOP_TOL)

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
        set_data_limits(self.ax, self.X)
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
        mark_labels(self.scatter, None if f.gamma is None else f.gamma.argmax(axis=1))
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
    CAPTION = ("EM one step at a time: each E-step recolours the points, each M-step moves the ellipses, "
               "and the log-likelihood only climbs")

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
            parts.append(f"<b>converged</b> (change &lt; {STOP_TOL:g} per point)")
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
