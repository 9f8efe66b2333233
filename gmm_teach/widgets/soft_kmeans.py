"""3. Soft k-means with stiffness beta, hard k-means beside it."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import gmm_teach as gt

from ..kmeans import sigma_from_beta
from ..plotting import INK, responsibility_colors
from ._base import Ellipses, Explorer, Picture, load_2d, mark_labels, set_data_limits, slider, two_features


class SoftKMeansExplorer(Explorer):
    """Soft k-means with stiffness beta beside hard k-means.

    Teaches: soft k-means is EM for equal-weight Gaussians sharing one spherical
    covariance sigma^2 I with beta = 1 / (2 sigma^2) (circles: 1 sigma). Small
    beta: every point is shared and the centres merge; large beta: every point
    belongs to one centre and soft k-means becomes k-means.
    """

    def __init__(self, X=None, K=3, beta=0.5, seed=0):
        super().__init__(Picture(9.6, 4.3, ncols=2))
        self.X = load_2d("blobs")[0] if X is None else two_features(X)
        self.seed = seed
        self._hard = {}  # K -> gt.kmeans result, computed once per K
        self.soft_ax, self.hard_ax = self.picture.axes
        # beta is in 1 / (units of X)^2: the slider spans soft to hard for this data's scale.
        scale = float(np.log10(self.X.var(axis=0).mean()))
        beta_w = slider(widgets.FloatLogSlider, description="stiffness β", base=10, value=beta,
                         min=np.floor(scale - 2), max=np.ceil(scale + 2), step=0.05, width="380px",
                         readout_format=".3g")
        K_w = slider(widgets.IntSlider, description="K", min=1, max=6, value=K, width="200px")
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
        self.circles = Ellipses(self.soft_ax, n_std=(1.0,), color=INK, lw=1.2)
        style = dict(marker="o", s=90, edgecolors=INK, linewidths=1.5, zorder=5, animated=True)
        self.soft_centers = self.soft_ax.scatter(np.empty(0), np.empty(0), **style)
        self.hard_centers = self.hard_ax.scatter(np.empty(0), np.empty(0), **style)
        for ax in (self.soft_ax, self.hard_ax):
            set_data_limits(ax, self.X)
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
        mark_labels(self.soft_scatter, soft.responsibilities.argmax(axis=1))
        mark_labels(self.hard_scatter, hard.labels)
        colors = responsibility_colors(np.eye(K))  # (K, 3) component k's colour
        for artist, centers in ((self.soft_centers, soft.centers), (self.hard_centers, hard.centers)):
            artist.set_offsets(centers[:, :2])
            artist.set_facecolors(colors)
            mark_labels(artist, np.arange(K))
        self.circles.update(self.equivalent_gmm)
        sigma = sigma_from_beta(beta)
        self.soft_ax.set_title(f"soft k-means, β = {beta:.3g}  (σ = 1/√(2β) = {sigma:.3g})", fontsize=11)
        self._describe()
        self.picture.render()

    @property
    def equivalent_gmm(self):
        """The mixture soft k-means is EM for: equal weights, shared covariance I / (2 beta), its centres."""
        K = len(self.soft.centers)
        Sigma = np.repeat(np.eye(2)[None] * sigma_from_beta(self.beta) ** 2, K, axis=0)  # (K, 2, 2)
        return gt.GMMParams(pi=np.full(K, 1 / K), mu=self.soft.centers[:, :2], Sigma=Sigma,
                            covariance_type="spherical")

    SHOWS = ("Left: soft k-means, each point coloured by its responsibilities, with 1 sigma circles; right: "
             "hard k-means; each point is shaped by its cluster")
    CAPTION = "Soft vs hard k-means: raise the stiffness beta and the soft assignments harden"

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
