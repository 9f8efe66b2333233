"""Data for the course: seeded synthetic generators and the shipped real datasets.

Everything is offline: the real data are small CSV files in gmm_teach/data/
(sources, licences and units in gmm_teach/data/README.md). No pandas needed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ._validation import as_float_array, as_generator, check_int, check_positive
from .gaussian import sample_gaussian

INCH_IN = {"in": 1.0, "cm": 2.54, "mm": 25.4}


@dataclass(frozen=True)
class Dataset:
    """Data and, where known, the true labels.

    Unpacks as ``X, y = dataset``. ``X`` is always (N, D); ``y`` is (N,) integer
    labels with ``label_names[y[n]]`` naming the group, or None when unknown.
    """

    X: np.ndarray
    y: np.ndarray | None
    feature_names: tuple
    label_names: tuple | None
    description: str

    def __iter__(self):
        return iter((self.X, self.y))

    def __repr__(self):
        labels = "no labels" if self.y is None else f"labels {list(self.label_names)}"
        return f"Dataset({self.X.shape[0]} x {list(self.feature_names)}, {labels}): {self.description}"


# ------------------------------------------------------------------ synthetic


def heights(n: int = 1000, frac_women: float = 0.5, unit: str = "in", seed=0) -> Dataset:
    """Synthetic adult heights: women ~ N(65 in, 2.8^2) (5'5"), men ~ N(70 in, 3.0^2) (5'10").

    Parameters
    ----------
    n : number of people.
    frac_women : the mixing weight of women, pi_women.
    unit : "in" (default), "cm" or "mm".
    seed : int, None or numpy Generator.

    Returns
    -------
    Dataset with X (n, 1) heights and y (n,) = 0 for women, 1 for men.
    """
    n = check_int(n, "n", minimum=1)
    frac_women = check_positive(frac_women, "frac_women", allow_zero=True)
    if frac_women > 1:
        raise ValueError(f"frac_women must be a probability in [0, 1], got {frac_women}")
    if unit not in INCH_IN:
        raise ValueError(f"unit must be one of {list(INCH_IN)}, got {unit!r}")
    rng = as_generator(seed)
    y = (rng.uniform(size=n) >= frac_women).astype(int)  # (n,) 0 = woman, 1 = man
    mean = np.where(y == 1, 70.0, 65.0)
    sd = np.where(y == 1, 3.0, 2.8)
    X = (mean + sd * rng.standard_normal(n))[:, None] * INCH_IN[unit]  # (n, 1)
    return Dataset(X, y, (f"height ({unit})",), ("women", "men"),
                   'synthetic heights: women 5\'5" (65 in), men 5\'10" (70 in)')


BLOB_MEANS = np.array([[0.0, 0.0], [5.0, 1.5], [1.5, 5.0]])
BLOB_COVARIANCES = np.array([
    [[4.0, 2.4], [2.4, 1.8]],    # long and tilted
    [[0.3, 0.0], [0.0, 0.3]],    # small and round
    [[1.0, -0.7], [-0.7, 1.0]],  # tilted the other way
])
BLOB_SIZES = (400, 100, 200)


def blobs(sizes=BLOB_SIZES, means=BLOB_MEANS, covariances=BLOB_COVARIANCES, seed=0) -> Dataset:
    """Gaussian clusters with chosen sizes, means and covariances.

    The defaults are three 2-D clusters of unequal sizes (400, 100, 200), one
    long and tilted, one small and round, one tilted the other way: the
    anisotropic, unequal case where k-means goes wrong and a GMM does not.

    Parameters
    ----------
    sizes : K counts of points.
    means : (K, D) cluster means.
    covariances : (K, D, D) cluster covariances.
    seed : int, None or numpy Generator.

    Returns
    -------
    Dataset with X (sum(sizes), D) and y (N,) the true cluster of each point.
    """
    means = as_float_array(means, "means")
    covariances = as_float_array(covariances, "covariances")
    sizes = [check_int(s, "sizes[k]", minimum=0) for s in sizes]
    K = len(sizes)
    if means.ndim != 2 or means.shape[0] != K:
        raise ValueError(f"means must have shape (K, D) with K = len(sizes) = {K}, got {means.shape}")
    D = means.shape[1]
    if covariances.shape != (K, D, D):
        raise ValueError(f"covariances must have shape (K, D, D) = ({K}, {D}, {D}), got {covariances.shape}")
    rng = as_generator(seed)
    X = np.concatenate([sample_gaussian(means[k], covariances[k], sizes[k], rng) for k in range(K)])
    y = np.repeat(np.arange(K), sizes)
    order = rng.permutation(len(y))  # shuffled, so the order tells nothing
    return Dataset(X[order], y[order], tuple(f"x{d + 1}" for d in range(D)),
                   tuple(f"cluster {k}" for k in range(K)), "synthetic Gaussian blobs")


# ------------------------------------------------------------------ real data


def _read_csv(filename: str) -> list[dict]:
    with resources.files("gmm_teach.data").joinpath(filename).open(newline="") as f:
        return list(csv.DictReader(f))


def _columns(rows, features, filename) -> np.ndarray:
    available = list(rows[0])
    for name in features:
        if name not in available:
            raise ValueError(f"unknown feature {name!r} in {filename}; available: {available}")
    return np.array([[float(r[name]) for name in features] for r in rows])  # (N, D)


def load_galton(features=("childHeight",)) -> Dataset:
    """Galton's family heights (1886): 934 adult children, heights in inches, with gender.

    Parameters
    ----------
    features : columns to return as X, from childHeight (default), father,
        mother, midparentHeight.

    Returns
    -------
    Dataset with X (934, len(features)) and y (934,) = 0 female, 1 male.
    """
    features = tuple([features] if isinstance(features, str) else features)
    rows = _read_csv("galton_families.csv")
    X = _columns(rows, features, "galton_families.csv")
    y = np.array([r["gender"] == "male" for r in rows], dtype=int)
    return Dataset(X, y, features, ("female", "male"),
                   "Galton (1886) family heights, inches; from R's HistData::GaltonFamilies")


def load_old_faithful() -> Dataset:
    """Old Faithful geyser: 272 eruptions, duration (min) and waiting time to the next (min).

    Returns
    -------
    Dataset with X (272, 2) = [eruptions, waiting] and no labels.
    """
    rows = _read_csv("old_faithful.csv")
    return Dataset(_columns(rows, ("eruptions", "waiting"), "old_faithful.csv"), None,
                   ("eruptions (min)", "waiting (min)"), None,
                   "Old Faithful geyser, Yellowstone; from R's datasets::faithful")


PENGUIN_SPECIES = ("Adelie", "Chinstrap", "Gentoo")


def load_penguins(features=("bill_length_mm", "bill_depth_mm")) -> Dataset:
    """Palmer penguins: three species measured at Palmer Station, Antarctica (2007-2009).

    Parameters
    ----------
    features : columns for X, from bill_length_mm, bill_depth_mm,
        flipper_length_mm, body_mass_g. Penguins missing any of them are dropped.

    Returns
    -------
    Dataset with X (N, len(features)) and y (N,) the species (Adelie 0,
    Chinstrap 1, Gentoo 2); N = 342 for the bill measurements.
    """
    features = tuple([features] if isinstance(features, str) else features)
    rows = [r for r in _read_csv("penguins.csv") if all(r.get(f) != "NA" for f in features)]
    X = _columns(rows, features, "penguins.csv")
    y = np.array([PENGUIN_SPECIES.index(r["species"]) for r in rows])
    return Dataset(X, y, features, PENGUIN_SPECIES,
                   "Palmer penguins (Gorman, Williams & Fraser 2014), CC0")
