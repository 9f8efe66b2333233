"""gmm_teach: a small, readable reference implementation of Gaussian mixture models.

    import gmm_teach as gt
    r = gt.fit_gmm(X, K=2)        # EM; r.params, r.log_likelihoods, r.history
    gamma, ll = gt.e_step(X, r.params)

Each function implements one equation from the lessons in notebooks/; read any
of them with ``gt.e_step??``. The maths modules import only numpy and scipy;
``gt.plotting`` (matplotlib), ``gt.widgets`` (ipywidgets), ``gt.fast`` (the same
EM, optimised) and ``gt.streaming`` (EM over chunks) load on first use.
"""

from importlib import import_module

from . import adaptation, datasets, discriminant, online
from .adaptation import map_adapt_means
from .compare import confusion, match_labels, reorder, sort_by_mean
from .covariance import COVARIANCE_ESTIMATORS
from .discriminant import MixtureClassifier, fit_mda, mda_predict, mda_predict_proba
from .em import (
    DegenerateCovarianceError,
    DegenerateFitWarning,
    FitResult,
    e_step,
    elbo,
    fit_gmm,
    initial_params,
    log_joint,
    log_likelihood,
    log_mixture_density,
    m_step,
    responsibilities,
)
from .estimator import ConvergenceWarning, GaussianMixture, NotFittedError
from .gaussian import log_gaussian, prob_inside_ellipse, sample_gaussian, sample_mixture
from .kmeans import KMeansResult, SoftKMeansResult, kmeans, kmeans_plusplus, soft_kmeans
from .missing import fit_gmm_missing, impute
from .model_selection import aic, bic, icl, mean_and_standard_error, n_parameters, one_standard_error_rule
from .params import GMMParams
from .semisupervised import fit_semisupervised, one_hot

__version__ = "0.1.0"

_LAZY_SUBMODULES = ("plotting", "widgets", "checks", "fast", "streaming")


def show_source(obj, docstring: str = "full"):
    """Show a library function's source in a notebook, syntax-highlighted (like ``obj??``).

    Returned as Markdown so the committed notebook shows the code too and nbval
    compares plain text, not a highlighter's HTML. ``docstring="summary"`` keeps only
    the docstring's first line (its equation), for lessons that derive the rest.
    """
    import ast
    import inspect

    from IPython.display import Markdown

    if docstring not in ("full", "summary"):
        raise ValueError(f"docstring must be 'full' or 'summary', got {docstring!r}")
    lines = inspect.getsource(obj).rstrip().splitlines()
    body = ast.parse("\n".join(lines)).body[0].body
    if docstring == "summary" and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        first, last = body[0].lineno - 1, body[0].end_lineno  # the docstring's lines (0-based, end excl.)
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        summary = body[0].value.value.strip().splitlines()[0]
        lines[first:last] = [f'{indent}"""{summary}"""']
    return Markdown("```python\n" + "\n".join(lines) + "\n```")


def __getattr__(name):
    # matplotlib and ipywidgets are imported only when a lesson asks for them.
    if name in _LAZY_SUBMODULES:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'gmm_teach' has no attribute {name!r}")


__all__ = [
    "COVARIANCE_ESTIMATORS",
    "ConvergenceWarning",
    "DegenerateCovarianceError",
    "DegenerateFitWarning",
    "FitResult",
    "GMMParams",
    "GaussianMixture",
    "MixtureClassifier",
    "KMeansResult",
    "NotFittedError",
    "SoftKMeansResult",
    "adaptation",
    "aic",
    "bic",
    "confusion",
    "datasets",
    "discriminant",
    "e_step",
    "elbo",
    "fit_gmm_missing",
    "fit_semisupervised",
    "fit_gmm",
    "fit_mda",
    "impute",
    "initial_params",
    "kmeans",
    "kmeans_plusplus",
    "log_gaussian",
    "log_joint",
    "log_likelihood",
    "log_mixture_density",
    "match_labels",
    "m_step",
    "map_adapt_means",
    "mda_predict",
    "mda_predict_proba",
    "n_parameters",
    "icl",
    "mean_and_standard_error",
    "one_standard_error_rule",
    "one_hot",
    "online",
    "prob_inside_ellipse",
    "reorder",
    "responsibilities",
    "sample_gaussian",
    "sample_mixture",
    "show_source",
    "sort_by_mean",
    "soft_kmeans",
]
