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

from ._base import DATASETS_2D, INITS, Explorer, load_2d
from .choose_k import ChooseK, choose_k
from .ellipse import EllipseExplorer, covariance_matrix, ellipse_explorer
from .em_stepper import MAX_ITERATIONS, EMStepper, Frame, em_stepper
from .mixture import EM_TOL, MixtureExplorer, mixture_explorer
from .soft_kmeans import SoftKMeansExplorer, soft_kmeans_explorer

__all__ = ["mixture_explorer", "em_stepper", "soft_kmeans_explorer", "ellipse_explorer", "choose_k", "load_2d",
           "DATASETS_2D", "INITS", "EM_TOL", "MAX_ITERATIONS", "Explorer", "MixtureExplorer", "EMStepper", "Frame",
           "SoftKMeansExplorer", "EllipseExplorer", "ChooseK", "covariance_matrix"]
