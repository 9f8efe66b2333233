"""1. The mixture explorer (1-D): each component's weight, mean and sd by hand; EM's answer beside."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import gmm_teach as gt

from .._validation import check_n_components, check_X
from ..plotting import (
    component_color,
    component_curve_style,
    histogram_style,
    mixture_curve_style,
)
from ._base import (
    GREY,
    Explorer,
    Picture,
    histogram_bins,
    html_table,
    nice_step,
    padded_limits,
    slider,
    swatch,
)

EM_TOL = 1e-8  # the mixture explorer's EM answer: converged for real, not just roughly


class MixtureExplorer(Explorer):
    """Guess a 1-D mixture by hand: each component's weight, mean and sd, over the data's histogram.

    Teaches: a mixture density is a weighted sum of bell curves; the
    log-likelihood scores a guess (higher is better); EM finds a (local) best.
    The weight sliders are relative: the weights used are them divided by their
    sum, so they always sum to 1.
    """

    def __init__(self, x=None, K=2, bins=None, seed=0, xlabel=None):
        super().__init__(Picture(8.0, 3.4))
        if x is None:
            x, xlabel = gt.datasets.load_galton().X, xlabel or "height of adult child (inches)"
        self.X = check_X(x)  # (N, 1)
        if self.X.shape[1] != 1:
            raise ValueError(f"x must hold one feature, shape (N,) or (N, 1); got shape {self.X.shape}")
        self.K = check_n_components(K, len(self.X))
        self.seed = seed
        self.grid = np.linspace(*padded_limits(self.X[:, 0], 0.1), 400)  # (G,) where the curves are drawn
        self.params, self.log_likelihood, self.em_result, self.show_em = None, None, None, False
        self._draw_static(self.picture.axes[0], bins, xlabel)
        by_kind = self._make_sliders()
        columns = []
        for k in range(self.K):
            column = [self._control(f"{kind}{k + 1}", row[k], self._update)
                      for kind, row in by_kind.items()]
            columns.append(widgets.VBox([widgets.HTML(f"<b>{swatch(k)} component {k + 1}</b>"), *column]))
        em_button = self._button("em", "Show EM's answer", self._toggle_em, icon="magic",
                                 tooltip="Fit by EM (gt.fit_gmm) and draw its answer beside your guess")
        self._layout(widgets.HBox(columns, layout=widgets.Layout(flex_flow="row wrap")), em_button)
        self.add_class("gt-mixture-explorer")
        self._guarded(self._update, reraise=True)

    def _draw_static(self, ax, bins, xlabel):
        heights, _, _ = ax.hist(self.X[:, 0], bins=histogram_bins(self.X, bins), label="data", **histogram_style())
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
        mean_step, sd_step = nice_step(span), nice_step(span / 2)
        # A starting guess that is visibly off: means spread over the middle of the data.
        means = np.quantile(x, (np.arange(self.K) + 0.5) / self.K)
        sd = max(float(x.std()) / self.K, sd_step)
        return {
            "weight": [slider(description="weight", min=0.0, max=1.0, step=0.01, value=1.0 / self.K)
                       for _ in range(self.K)],
            "mean": [slider(description="mean μ", min=round(lo, 6), max=round(hi, 6), step=mean_step,
                             value=round(m / mean_step) * mean_step) for m in means],
            "sd": [slider(description="sd σ", min=0.0, max=round(span / 2, 6), step=sd_step,
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
    CAPTION = "Your guess against the data: move weights, means and spreads and watch the log-likelihood"

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
        rows = [[f"{swatch(k)} {k + 1}", f"{p.pi[k]:.3f}", f"{p.mu[k, 0]:.2f}", f"{np.sqrt(p.Sigma[k, 0, 0]):.2f}"]
                for k in range(self.K)]
        text = "<b>your guess</b> (weights divided by their sum)" + html_table(["", "π", "μ", "σ"], rows)
        if self.show_em and self.em_result is not None:
            q = self.em_result.params
            rows = [[str(k + 1), f"{q.pi[k]:.3f}", f"{q.mu[k, 0]:.2f}", f"{np.sqrt(q.Sigma[k, 0, 0]):.2f}"]
                    for k in range(self.K)]
            text = (f"<div style='display:flex;gap:32px'><div>{text}</div><div><b>EM's answer</b> "
                    f"({self.em_result.n_iter} iterations)" + html_table(["", "π", "μ", "σ"], rows) + "</div></div>")
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
