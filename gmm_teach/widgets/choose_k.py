"""5. Choosing K: a K slider over fits for K = 1..K_max, with the BIC and AIC curves."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import gmm_teach as gt

from .._validation import COVARIANCE_TYPES, check_n_components, check_X
from ..plotting import (
    INK,
    PALETTE,
    category_style,
    component_curve_style,
    histogram_style,
    mixture_curve_style,
    responsibility_colors,
)
from ._base import (
    Ellipses,
    Explorer,
    Picture,
    histogram_bins,
    load_2d,
    mark_labels,
    padded_limits,
    set_data_limits,
    slider,
)


class ChooseK(Explorer):
    """A K slider over EM fits for K = 1..K_max, with BIC and AIC against K and the current K marked.

    Teaches: the log-likelihood always rises with K; BIC and AIC add a price per
    parameter (BIC's grows with log N, so it picks fewer components); the
    "best" K is the one where the curve is lowest, and BIC picks density
    components, not necessarily "clusters".
    """

    def __init__(self, X=None, K_max=8, covariance_type="full", n_init=3, seed=0, xlabel=None):
        super().__init__(Picture(9.6, 4.2, ncols=2, width_ratios=(1.2, 1.0)))
        if X is None:
            X, names = load_2d("Old Faithful")
        else:
            X, names = check_X(X), ("x1", "x2")
        self.X, self.names, self.n_init, self.seed = X, names, n_init, seed
        self.K_max = check_n_components(K_max, len(X), name="K_max")
        self.one_d = X.shape[1] == 1
        self.fit_ax, self.score_ax = self.picture.axes
        K_w = slider(widgets.IntSlider, description="K", min=1, max=self.K_max, value=min(2, self.K_max),
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
            heights, _, _ = ax.hist(self.X[:, 0], bins=histogram_bins(self.X, None), **histogram_style())
            self.grid = np.linspace(*padded_limits(self.X[:, 0], 0.1), 400)  # (G,)
            self.component_lines = []
            (self.mixture_line,) = ax.plot([], [], animated=True, **mixture_curve_style())
            ax.set_ylim(0, 1.6 * heights.max())
            ax.set_xlabel(xlabel or self.names[0])
        else:
            self.scatter = ax.scatter(self.X[:, 0], self.X[:, 1], s=12, linewidths=0, alpha=0.75, animated=True)
            self.ellipses = Ellipses(ax)
            set_data_limits(ax, self.X)
            ax.set_xlabel(self.names[0])
            ax.set_ylabel(self.names[1])
        ax.title.set_animated(True)
        self._draw_scores()

    def _draw_scores(self):
        """The right panel: BIC and AIC against K, their lowest points, the current K."""
        sax = self.score_ax
        (self.bic_line,) = sax.plot([], [], label="BIC", **{**category_style(0, "points"), "ls": "-"})
        (self.aic_line,) = sax.plot([], [], label="AIC", **{**category_style(1, "points"), "ls": "--"})
        (self.best_marks,) = sax.plot([], [], ls="none", marker="*", ms=16, color=PALETTE[6], mec=INK, zorder=5,
                                      label="lowest")
        self.current_line = sax.axvline(1, color=INK, lw=1.5, ls="--", label="current K", animated=True)
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
            fits[K] = gt.fit_gmm(self.X, K, covariance_type=covariance_type, seed=rng, n_init=self.n_init)
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
            mark_labels(self.scatter, r.gamma.argmax(axis=1))
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
    CAPTION = "Choosing K: slide K and compare the fit with where BIC and AIC are lowest"

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
