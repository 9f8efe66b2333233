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


# ------------------------------------------------------------------ an image


@dataclass(frozen=True)
class ColoniesImage:
    """A grey-level photograph of a culture dish and the truth about its colonies.

    Unpacks as ``image, mask = colonies``. ``image`` is (H, W) grey levels in [0, 1];
    ``mask`` (H, W) is True on colony pixels; colony ``i`` has centre ``centers[i]``
    (row, column, in pixels) and radius ``radii[i]`` (pixels); ``dish`` (H, W) is
    True inside the dish.
    """

    image: np.ndarray
    mask: np.ndarray
    centers: np.ndarray
    radii: np.ndarray
    dish: np.ndarray
    description: str

    def __iter__(self):
        return iter((self.image, self.mask))

    def __repr__(self):
        H, W = self.image.shape
        return f"ColoniesImage({H} x {W} pixels, {len(self.radii)} colonies): {self.description}"


def _fits(c, r, centers, radii, centre, room, gap, ignore=None) -> bool:
    """Colony (c, r) lies inside the dish and at least ``gap`` from every other (but ``ignore``)."""
    others = np.ones(len(radii), dtype=bool)
    if ignore is not None:
        others[ignore] = False
    inside = np.hypot(*(c - centre)) + r + gap <= room
    return bool(inside and np.all(np.hypot(*(centers[others] - c).T) >= radii[others] + r + gap))


def _place_colonies(rng, n_free, n_touching, r_lo, r_hi, centre, room, gap=3.0, max_tries=20_000):
    """Centres (n, 2) and radii (n,): n_free apart from each other, then n_touching each touching one of them."""
    centers, radii = np.empty((0, 2)), np.empty(0)
    for _ in range(max_tries):
        if len(radii) == n_free:
            break
        r, c = rng.uniform(r_lo, r_hi), centre + rng.uniform(-room, room, size=2)
        if _fits(c, r, centers, radii, centre, room, gap):
            centers, radii = np.vstack([centers, c]), np.append(radii, r)
    if len(radii) == n_free:
        centers, radii = _add_touching(rng, centers, radii, n_touching, r_lo, r_hi, centre, room, gap)
    if len(radii) < n_free + n_touching:
        raise ValueError(
            f"could not fit {n_free + n_touching} colonies with radii {r_lo:g}-{r_hi:g} px in the dish; "
            "ask for fewer or smaller colonies, or a larger image"
        )
    return centers, radii


def _add_touching(rng, centers, radii, n_touching, r_lo, r_hi, centre, room, gap):
    """Add up to n_touching colonies, each overlapping one free colony's edge by one pixel."""
    partners = list(rng.permutation(len(radii)))
    target = len(radii) + n_touching
    while len(radii) < target and partners:
        j = partners.pop()
        for _ in range(200):
            r, t = rng.uniform(r_lo, r_hi), rng.uniform(0, 2 * np.pi)
            c = centers[j] + (radii[j] + r - 1.0) * np.array([np.cos(t), np.sin(t)])
            if _fits(c, r, centers, radii, centre, room, gap, ignore=j):
                centers, radii = np.vstack([centers, c]), np.append(radii, r)
                break
    return centers, radii


def _smooth_noise(rng, shape, passes=2) -> np.ndarray:
    """Gaussian noise averaged over 3 x 3 neighbourhoods a few times: a grainy, unit-variance texture."""
    z = rng.standard_normal(shape)
    for _ in range(passes):
        padded = np.pad(z, 1, mode="reflect")
        z = sum(padded[i:i + shape[0], j:j + shape[1]] for i in range(3) for j in range(3)) / 9.0
    return z / z.std()


def colonies_image(size: int = 256, n_colonies: int = 24, n_touching: int = 3, radius_range=(4.0, 11.0),
                   gradient: float = 0.15, noise: float = 0.03, seed=0) -> ColoniesImage:
    """A synthetic photograph of bacterial colonies on a culture dish, seen from above, with the truth.

    Dark surroundings, a round dish of agar filling most of the frame, and on it
    bright, roughly circular colonies of varied radii with soft edges, slightly
    brighter in the middle (domed); ``n_touching`` of them touch a neighbour.
    The light falls off across the dish (``gradient``) and the camera adds grain
    and noise. Colonies are placed at random, but the same seed gives the same image.

    Parameters
    ----------
    size : the image is size x size pixels.
    n_colonies : number of colonies, of which ``n_touching`` touch another one
        (at most n_colonies // 2).
    radius_range : (smallest, largest) colony radius in pixels.
    gradient : relative change of the illumination from one side of the dish
        to the other (0 = even light); it multiplies every grey level.
    noise : standard deviation of the pixel noise, in grey levels.
    seed : int, None or numpy Generator.

    Returns
    -------
    ColoniesImage with image (size, size) grey levels in [0, 1], mask (size, size)
    True on colony pixels, centers (n_colonies, 2) as (row, column), radii
    (n_colonies,) in pixels, and dish (size, size) True inside the dish.
    Unpacks as ``image, mask``.

    Notes
    -----
    Segmented with a mixture over grey levels in notebooks/06.
    """
    size, n_colonies, n_touching, (r_lo, r_hi), gradient, noise = _check_colony_arguments(
        size, n_colonies, n_touching, radius_range, gradient, noise)
    rng = as_generator(seed)
    centre = np.array([size - 1, size - 1]) / 2.0
    dish_radius = 0.47 * size
    centers, radii = _place_colonies(rng, n_colonies - n_touching, n_touching, r_lo, r_hi, centre,
                                     room=dish_radius - 4.0)
    rows, cols = np.mgrid[0:size, 0:size].astype(float)  # (size, size) pixel coordinates
    dish = np.hypot(rows - centre[0], cols - centre[1]) <= dish_radius
    reflectance, mask = _paint_colonies(rng, rows, cols, dish, centers, radii)
    image = _photograph(rng, reflectance, rows, cols, dish, centre, dish_radius, gradient, noise)
    return ColoniesImage(image, mask, centers, radii, dish,
                         f"synthetic culture dish: {n_colonies} colonies, {n_touching} touching a neighbour")


def _check_colony_arguments(size, n_colonies, n_touching, radius_range, gradient, noise):
    size = check_int(size, "size", minimum=32)
    n_colonies = check_int(n_colonies, "n_colonies", minimum=0)
    n_touching = check_int(n_touching, "n_touching", minimum=0)
    if n_touching > n_colonies // 2:
        raise ValueError(f"n_touching must be at most n_colonies // 2 = {n_colonies // 2}, got {n_touching}")
    r_lo, r_hi = (check_positive(r, "radius_range") for r in np.ravel(radius_range))
    if r_lo > r_hi:
        raise ValueError(f"radius_range must be (smallest, largest), got {tuple(radius_range)}")
    gradient = check_positive(gradient, "gradient", allow_zero=True)
    if gradient >= 1:
        raise ValueError(f"gradient must be below 1 (a relative change of the light), got {gradient}")
    return size, n_colonies, n_touching, (r_lo, r_hi), gradient, check_positive(noise, "noise", allow_zero=True)


def _paint_colonies(rng, rows, cols, dish, centers, radii):
    """What the dish reflects: dark surroundings, agar, domed colonies with soft edges; and the true mask."""
    reflectance = np.where(dish, 0.36, 0.12)  # (size, size)
    mask = np.zeros(dish.shape, dtype=bool)
    for (cr, cc), r in zip(centers, radii, strict=True):
        d = np.hypot(rows - cr, cols - cc)  # distance to this colony's centre
        cover = 1.0 / (1.0 + np.exp(np.clip((d - r) / 0.7, -50, 50)))  # soft edge, ~1 px wide
        level = rng.uniform(0.66, 0.76) + 0.08 * np.clip(1 - (d / r) ** 2, 0, None)  # domed
        reflectance = (1 - cover) * reflectance + cover * level
        mask |= d <= r
    return reflectance, mask


def _photograph(rng, reflectance, rows, cols, dish, centre, dish_radius, gradient, noise):
    """Light falling off linearly along a random direction, grain on the agar, camera noise; in [0, 1]."""
    t = rng.uniform(0, 2 * np.pi)
    along = (np.cos(t) * (cols - centre[1]) + np.sin(t) * (rows - centre[0])) / (2 * dish_radius)  # -1/2 .. 1/2
    light = 1.0 + gradient * along
    grain = 0.02 * _smooth_noise(rng, reflectance.shape) * dish
    image = light * (reflectance + grain) + noise * rng.standard_normal(reflectance.shape)
    return np.clip(image, 0.0, 1.0)


# ------------------------------------------------------------------ case studies (notebooks/10, 11)

VOWELS = ("heed", "hid", "hayed", "head", "had", "hod", "hawed", "hoed", "hood", "whod", "hud", "heard")
SPEAKER_GROUPS = ("man", "woman", "boy", "girl")


@dataclass(frozen=True)
class VowelData:
    """Hillenbrand et al. (1995): one row per spoken vowel (1,668 = 139 speakers x 12 vowels).

    ``formants`` (N, 3) are F1, F2, F3 in Hz; ``f0`` (N,) the pitch in Hz; ``vowel`` (N,)
    indexes VOWELS; ``speaker`` (N,) is a speaker id; ``group`` (N,) indexes SPEAKER_GROUPS.
    """

    formants: np.ndarray
    f0: np.ndarray
    vowel: np.ndarray
    speaker: np.ndarray
    group: np.ndarray
    description: str

    def __repr__(self):
        return f"VowelData({len(self.vowel)} vowels, {len(np.unique(self.speaker))} speakers): {self.description}"


def load_vowels() -> VowelData:
    """Hillenbrand et al. (1995) American English vowels in /hVd/ words: F0, F1-F3 (Hz) per token.

    Returns
    -------
    VowelData with formants (1668, 3) = [F1, F2, F3] in Hz, f0 (1668,), vowel,
    speaker and group (1668,) integer arrays; 45 men, 48 women, 27 boys, 19 girls.
    """
    rows = _read_csv("hillenbrand_vowels.csv")
    formants = _columns(rows, ("f1", "f2", "f3"), "hillenbrand_vowels.csv")  # (1668, 3)
    return VowelData(formants, _columns(rows, ("f0",), "hillenbrand_vowels.csv")[:, 0],
                     np.array([VOWELS.index(r["vowel"]) for r in rows]),
                     np.array([int(r["speaker"]) for r in rows]),
                     np.array([SPEAKER_GROUPS.index(r["group"]) for r in rows]),
                     "Hillenbrand, Getty, Clark & Wheeler (1995), steady-state formants")


def hz_to_bark(f):
    r"""z = 26.81 f / (1960 + f) - 0.53: frequency in Hz on the Bark (critical-band) scale.

    Parameters
    ----------
    f : array of frequencies in Hz (> 0), any shape.

    Returns
    -------
    Array of the same shape, in Bark.

    Notes
    -----
    Traunmueller (1990), JASA 88, 97-100. Equal steps in Bark sound roughly equally
    far apart, so distances between vowels mean more than in Hz. Used in notebooks/10.
    """
    f = as_float_array(f, "f")
    if not np.all(np.isfinite(f)) or np.any(f <= 0):
        raise ValueError("f must hold finite frequencies in Hz, all > 0")
    return 26.81 * f / (1960.0 + f) - 0.53


HTRU2_FEATURES = ("ip_mean", "ip_sd", "ip_kurtosis", "ip_skewness",
                  "dmsnr_mean", "dmsnr_sd", "dmsnr_kurtosis", "dmsnr_skewness")


def load_htru2() -> Dataset:
    """HTRU2 pulsar candidates (Lyon et al. 2016): 17,898 candidates, 1,639 of them real pulsars.

    Returns
    -------
    Dataset with X (17898, 8): mean, standard deviation, excess kurtosis and
    skewness of the integrated pulse profile (ip_*) and of the DM-SNR curve
    (dmsnr_*); y (17898,) = 1 for a pulsar, 0 for noise or interference.
    """
    rows = _read_csv("htru2.csv")
    X = _columns(rows, HTRU2_FEATURES, "htru2.csv")  # (17898, 8)
    y = np.array([int(r["class"]) for r in rows])
    return Dataset(X, y, HTRU2_FEATURES, ("not a pulsar", "pulsar"),
                   "HTRU2 (Lyon, Stappers, Cooper, Brooke & Knowles 2016), CC BY 4.0")


WHOLESALE_FEATURES = ("Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen")


def load_wholesale() -> Dataset:
    """UCI Wholesale customers (Cardoso 2014): 440 clients of a Portuguese wholesaler.

    Returns
    -------
    Dataset with X (440, 6) annual spending per product category (monetary units,
    m.u.) and y (440,) the recorded channel: 0 = Horeca (hotels, restaurants,
    cafes), 1 = Retail. The region is not returned.
    """
    rows = _read_csv("wholesale_customers.csv")
    X = _columns(rows, WHOLESALE_FEATURES, "wholesale_customers.csv")  # (440, 6)
    y = np.array([int(r["Channel"]) - 1 for r in rows])
    return Dataset(X, y, WHOLESALE_FEATURES, ("Horeca", "Retail"),
                   "UCI Wholesale customers (Cardoso 2014), CC BY 4.0; annual spend in m.u.")


@dataclass(frozen=True)
class Video:
    """A grey-level video and its truth: ``frames, masks = video``.

    ``frames`` (T, H, W) grey levels in [0, 255]; ``masks`` (T, H, W) True on the pixels
    of moving objects (the foreground); ``flicker`` (H, W) True where the background
    itself switches between two grey levels.
    """

    frames: np.ndarray
    masks: np.ndarray
    flicker: np.ndarray
    description: str

    def __iter__(self):
        return iter((self.frames, self.masks))

    def __repr__(self):
        T, H, W = self.frames.shape
        return f"Video({T} frames of {H} x {W} pixels): {self.description}"


# (top row, left column, height, width, grey level, start frame, row speed, column speed) in px/frame
VIDEO_OBJECTS = (
    (6, -10, 8, 8, 215.0, 15, 0.0, 0.9),      # a bright square crossing left to right
    (33, 70, 7, 11, 25.0, 40, 0.0, -0.7),     # a dark car crossing the water, right to left
    (-10, 46, 10, 6, 190.0, 70, 0.25, 0.0),   # a slow walker coming down
)


def _video_background(rng, H, W):
    """A still scene: smooth shading plus fixed texture; and the flickering 'water' region."""
    rows, cols = np.mgrid[0:H, 0:W].astype(float)  # (H, W)
    scene = 70.0 + 70.0 * cols / W + 15.0 * np.sin(rows / 5.0) + 6.0 * _smooth_noise(rng, (H, W))
    flicker = (rows >= 0.6 * H) & (cols < 0.45 * W)  # (H, W) bottom-left: water
    return scene, flicker


def _paint_objects(T, H, W, frames, masks):
    for top, left, h, w, level, start, v_row, v_col in VIDEO_OBJECTS:
        for t in range(start, T):
            r0, c0 = int(round(top + v_row * (t - start))), int(round(left + v_col * (t - start)))
            r, c = slice(max(r0, 0), max(min(r0 + h, H), 0)), slice(max(c0, 0), max(min(c0 + w, W), 0))
            frames[t, r, c] = level
            masks[t, r, c] = True


def background_video(n_frames: int = 150, shape=(48, 64), drift: float = 0.25, noise: float = 3.0,
                     seed=0) -> Video:
    """A small surveillance video with moving objects, slow illumination drift and flickering water.

    Parameters
    ----------
    n_frames : number of frames T (at least 2).
    shape : (H, W) in pixels, each at least 24.
    drift : the light rises linearly by this fraction over the video (0.25 = 25 % brighter
        at the end), as when the sun comes out slowly.
    noise : standard deviation of the camera noise, grey levels.
    seed : int, None or numpy Generator.

    Returns
    -------
    Video with frames (T, H, W), masks (T, H, W) of the three moving objects and the
    flicker region (H, W), where each background pixel is dark or bright water
    (grey level 60 or 135) at random in every frame.

    Notes
    -----
    Used in notebooks/10 to compare background models per pixel.
    """
    T = check_int(n_frames, "n_frames", minimum=2)
    H, W = (check_int(s, "shape", minimum=24) for s in np.ravel(shape))
    drift = check_positive(drift, "drift", allow_zero=True)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = as_generator(seed)
    scene, flicker = _video_background(rng, H, W)
    bright = rng.uniform(size=(T, H, W)) < 0.4  # (T, H, W) which water pixels are bright now
    frames = np.where(flicker & bright, 135.0, np.where(flicker, 60.0, scene))  # (T, H, W)
    masks = np.zeros((T, H, W), dtype=bool)
    _paint_objects(T, H, W, frames, masks)
    light = 1.0 + drift * np.linspace(0.0, 1.0, T)[:, None, None]  # (T, 1, 1)
    frames = np.clip(light * frames + noise * rng.standard_normal((T, H, W)), 0.0, 255.0)
    return Video(frames, masks, flicker, f"synthetic video: 3 moving objects, light +{100 * drift:.0f} %, "
                 "flickering water")


@dataclass(frozen=True)
class Genotypes:
    """Genotypes with the truth: ``X, y = genotypes``.

    ``X`` (N, L) counts 0, 1, 2 of the reference allele at L loci; ``y`` (N,) the
    population (P for admixed people); ``ancestry`` (N, P) the fraction of each person's
    genome from each population (one-hot rows for unadmixed people).
    """

    X: np.ndarray
    y: np.ndarray
    ancestry: np.ndarray
    label_names: tuple
    description: str

    def __iter__(self):
        return iter((self.X, self.y))

    def __repr__(self):
        return f"Genotypes({self.X.shape[0]} people x {self.X.shape[1]} loci): {self.description}"


def balding_nichols(n_per_population=(100, 100, 100), n_loci: int = 500, fst: float = 0.05,
                    n_admixed: int = 20, seed=0) -> Genotypes:
    r"""Genotypes under the Balding-Nichols model: p_l ~ U(0.1, 0.9), p_kl ~ Beta(p_l (1-F)/F, (1-p_l)(1-F)/F).

    Parameters
    ----------
    n_per_population : people drawn from each of P populations.
    n_loci : number of independent SNPs L.
    fst : Wright's F_ST in (0, 1): how far the populations' allele frequencies
        have drifted apart from the ancestral ones.
    n_admixed : extra people whose ancestors came from populations 0 and 1; person i
        has a fraction q_i ~ U(0.1, 0.9) of population 0 (each allele copy comes from
        population 0 with probability q_i).
    seed : int, None or numpy Generator.

    Returns
    -------
    Genotypes with X (N, L) genotypes 0, 1, 2, y (N,) the population (P for admixed
    people) and ancestry (N, P), each row summing to 1.

    Notes
    -----
    Each genotype is Binomial(2, frequency), frequency = sum_k ancestry_k p_kl for an
    admixed person. Used in notebooks/11.
    """
    sizes = [check_int(n, "n_per_population", minimum=1) for n in np.ravel(n_per_population)]
    L = check_int(n_loci, "n_loci", minimum=1)
    fst = check_positive(fst, "fst")
    if fst >= 1:
        raise ValueError(f"fst must be in (0, 1), got {fst}")
    n_admixed = check_int(n_admixed, "n_admixed", minimum=0)
    if n_admixed and len(sizes) < 2:
        raise ValueError("admixed people need at least two populations in n_per_population")
    rng = as_generator(seed)
    ancestral = rng.uniform(0.1, 0.9, size=L)  # (L,)
    c = (1 - fst) / fst
    freq = rng.beta(ancestral * c, (1 - ancestral) * c, size=(len(sizes), L))  # (P, L)
    y = np.repeat(np.arange(len(sizes) + 1), sizes + [n_admixed])  # (N,)
    ancestry = np.eye(len(sizes) + 1)[y][:, :len(sizes)]  # (N, P); admixed rows filled next
    q = rng.uniform(0.1, 0.9, size=n_admixed)
    ancestry[y == len(sizes), :2] = np.column_stack([q, 1 - q])
    X = rng.binomial(2, ancestry @ freq).astype(float)  # (N, L)
    names = tuple(f"population {k}" for k in range(len(sizes))) + ("admixed 0 x 1",)
    return Genotypes(X, y, ancestry, names,
                     f"Balding-Nichols genotypes, F_ST = {fst:g}, {len(sizes)} populations + {n_admixed} admixed")
