"""4. The ellipse explorer: sigma_x, sigma_y, rho -> the covariance ellipse, its eigenvectors, its mass."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Ellipse, FancyArrow

import gmm_teach as gt

from ..covariance import from_sd_rho
from ..plotting import (
    DATA_GREY,
    component_color,
    covariance_ellipse,
)
from ._base import (
    GREY,
    Explorer,
    Picture,
    html_table,
    place,
    slider,
)

covariance_matrix = from_sd_rho  # the name lessons used; the maths lives in gmm_teach.covariance


class EllipseExplorer(Explorer):
    """sigma_x, sigma_y and rho -> the covariance ellipse, its eigenvectors and the mass it holds.

    Teaches: the ellipse's axes are the eigenvectors of Sigma, with half-lengths
    sqrt(lambda) (standard deviations, not variances); in 2-D the 1, 2, 3 sigma
    ellipses hold 39.3 %, 86.5 %, 98.9 % of the probability, not 68/95/99.7 %.
    """

    N_STD = (1.0, 2.0, 3.0)

    def __init__(self, sigma_x=1.5, sigma_y=1.0, rho=0.6, n_samples=1000, seed=0, limit=7.0):
        super().__init__(Picture(5.4, 6.0))
        self.mean = np.zeros(2)
        self.n_samples, self.seed = n_samples, seed
        self.ax = self.picture.axes[0]
        sx = slider(description="σx", min=0.0, max=2.5, step=0.05, value=sigma_x, width="260px")
        sy = slider(description="σy", min=0.0, max=2.5, step=0.05, value=sigma_y, width="260px")
        rho_w = slider(description="correlation ρ", min=-1.0, max=1.0, step=0.01, value=rho, width="300px")
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
        try:
            Sigma = from_sd_rho(c["sigma_x"].value, c["sigma_y"].value, c["rho"].value)
            geometry = [covariance_ellipse(self.mean, Sigma, s) for s in self.N_STD]
        except ValueError as err:
            raise ValueError("Σ is not positive definite, so there is no ellipse: with σ = 0 or ρ = ±1 all "
                             "the probability sits on a line. Move σ above 0 and ρ inside (−1, 1). "
                             f"(The library says: {err})") from None
        X = gt.sample_gaussian(self.mean, Sigma, self.n_samples, seed=self.seed)  # same z each time
        L = gt.gaussian.cholesky_factor(Sigma)
        inside = np.sqrt(gt.gaussian.mahalanobis_sq(X, self.mean, L))[:, None] <= np.array(self.N_STD)  # (n, 3)
        for patch, g in zip(self.ellipses, geometry, strict=True):
            place(patch, g)
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
    CAPTION = "A covariance as an ellipse: change the spreads and the correlation and watch the ellipses and axes turn"

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
        table = html_table(["", "2-D ellipse holds", f"of the {self.n_samples} samples", "1-D: within kσ"], rows)
        self.status.value = f"<div style='line-height:1.6'>{matrix}</div><br>{table}"


def ellipse_explorer(sigma_x=1.5, sigma_y=1.0, rho=0.6, n_samples=1000, seed=0) -> EllipseExplorer:
    """Sliders sigma_x, sigma_y, rho -> the 1/2/3-sigma ellipses of N(0, Sigma), its eigenvectors, its mass.

    The ellipses come from ``gt.plotting.covariance_ellipse``, the masses from
    ``gt.prob_inside_ellipse``; ``n_samples`` draws (``gt.sample_gaussian``, the
    same standard-normal draws every time, so the cloud deforms with Sigma) show
    the masses empirically.
    """
    return EllipseExplorer(sigma_x, sigma_y, rho, n_samples, seed)
