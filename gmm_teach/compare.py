"""Comparing a fit with the truth, or with another fit: components come out in any order.

EM and k-means number their components arbitrarily (label switching). Before comparing two
labellings, or a fit's components with known groups, pair them up once, here:

    perm = gt.match_labels(labels, y)     # perm[k] = the true group found cluster k matches
    same = perm[labels] == y              # per-point agreement after matching
    p = gt.sort_by_mean(r.params)         # components ordered by their mean (1-D lessons)

Derived in notebooks/02 (matching clusters to the truth) and notebooks/04 (comparing the
four covariance types). Maths only: no matplotlib.
"""

import numpy as np

from .params import GMMParams


def _as_labels(labels, name: str) -> np.ndarray:
    arr = np.asarray(labels)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of integer labels, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integer labels (0, 1, ...), got dtype {arr.dtype}")
    if arr.min() < 0:
        raise ValueError(f"{name} must hold non-negative labels, got {arr.min()}")
    return arr


def confusion(reference, labels, n=None) -> np.ndarray:
    """C[i, j] = #{n : reference_n = i and labels_n = j}, the (n, n) contingency table.

    Parameters
    ----------
    reference, labels : (N,) non-negative integer labels (e.g. the truth and a fit's labels)
    n : size of the table; default 1 + the largest label in either array

    Returns
    -------
    C : (n, n) int
    """
    reference, labels = _as_labels(reference, "reference"), _as_labels(labels, "labels")
    if reference.shape != labels.shape:
        raise ValueError(f"reference and labels must have the same length, got {reference.size} and {labels.size}")
    n = max(reference.max(), labels.max()) + 1 if n is None else n
    C = np.zeros((n, n), dtype=int)  # (n, n)
    np.add.at(C, (reference, labels), 1)
    return C


def match_labels(labels, reference) -> np.ndarray:
    """perm = argmax over one-to-one maps of sum_k C[perm[k], k]: each found label's partner.

    The Hungarian algorithm (``scipy.optimize.linear_sum_assignment``) on the confusion table
    finds the pairing of found labels with reference labels that agrees on the most points.

    Parameters
    ----------
    labels : (N,) labels found by an algorithm
    reference : (N,) the labels to match them to (the truth, or another run)

    Returns
    -------
    perm : (n,) int, a permutation; ``perm[labels]`` relabels the found labels in the
        reference's numbering, and ``np.argsort(perm)[i]`` is the found label matched to
        reference label i (the order to put a fit's components in).
    """
    # imported here: scipy.optimize adds warning filters, and `import gmm_teach` must not
    from scipy.optimize import linear_sum_assignment

    C = confusion(reference, labels)  # (n, n): rows reference, columns found
    found, partner = linear_sum_assignment(-C.T)  # maximise the points on which they agree
    perm = np.empty(C.shape[0], dtype=int)  # (n,)
    perm[found] = partner
    return perm


def reorder(params: GMMParams, order) -> GMMParams:
    """p'_k = p_{order[k]}: the same mixture with its components listed in another order.

    Parameters
    ----------
    params : GMMParams with K components
    order : (K,) a permutation of 0..K-1

    Returns
    -------
    GMMParams, the same density (a mixture does not depend on the order of its terms)
    """
    if not isinstance(params, GMMParams):
        raise TypeError(f"params must be a GMMParams, got {type(params).__name__}")
    order = np.asarray(order)
    K = len(params.pi)
    if order.shape != (K,) or not np.array_equal(np.sort(order), np.arange(K)):
        raise ValueError(f"order must be a permutation of 0..{K - 1}, got {order.tolist()}")
    return GMMParams(pi=params.pi[order], mu=params.mu[order], Sigma=params.Sigma[order],
                     covariance_type=params.covariance_type)


def sort_by_mean(params: GMMParams, feature: int = 0) -> GMMParams:
    """p'_k = p_{order[k]} with mu'_{1,f} <= mu'_{2,f} <= ...: components ordered by one mean.

    In 1-D this puts the shortest component first, so two fits can be read side by side.

    Parameters
    ----------
    params : GMMParams
    feature : which coordinate of the means to sort by (default 0)

    Returns
    -------
    GMMParams, the same mixture, components in increasing order of ``mu[:, feature]``
    """
    if not isinstance(params, GMMParams):
        raise TypeError(f"params must be a GMMParams, got {type(params).__name__}")
    D = params.mu.shape[1]
    if not isinstance(feature, (int, np.integer)) or not 0 <= feature < D:
        raise ValueError(f"feature must be an integer in 0..{D - 1}, got {feature!r}")
    return reorder(params, np.argsort(params.mu[:, feature], kind="stable"))
