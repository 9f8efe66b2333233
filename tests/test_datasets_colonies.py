"""The synthetic culture dish: shapes, truth consistent with the picture, determinism, bad input."""

import numpy as np
import pytest

import gmm_teach as gt
from gmm_teach import datasets


@pytest.fixture(scope="module")
def dish():
    return datasets.colonies_image()


def test_shapes_and_ranges(dish):
    image, mask = dish
    assert image.shape == mask.shape == dish.dish.shape == (256, 256)
    assert image.dtype == float and mask.dtype == bool and dish.dish.dtype == bool
    assert 0.0 <= image.min() and image.max() <= 1.0
    assert dish.centers.shape == (24, 2) and dish.radii.shape == (24,)
    assert np.all((dish.radii >= 4.0) & (dish.radii <= 11.0))
    assert "24 colonies" in repr(dish)


def test_mask_is_the_union_of_the_discs(dish):
    rows, cols = np.mgrid[0:256, 0:256]
    d = np.hypot(rows[..., None] - dish.centers[:, 0], cols[..., None] - dish.centers[:, 1])  # (H, W, n)
    np.testing.assert_array_equal(dish.mask, np.any(d <= dish.radii, axis=-1))
    assert not np.any(dish.mask & ~dish.dish), "colonies lie inside the dish"


def test_colonies_apart_except_the_touching_pairs(dish):
    gaps = np.hypot(*(dish.centers[:, None] - dish.centers[None]).transpose(2, 0, 1)) - (
        dish.radii[:, None] + dish.radii[None])  # (n, n) edge-to-edge distances
    gaps = gaps[np.triu_indices(len(dish.radii), k=1)]
    touching = np.isclose(gaps, -1.0)  # their edges overlap by one pixel
    assert touching.sum() == 3
    assert np.all(gaps[~touching] >= 3.0)


def test_grey_levels_separate_surroundings_agar_and_colonies(dish):
    image, mask = dish
    agar = dish.dish & ~mask
    outside, on_agar, colonies = (np.median(image[m]) for m in (~dish.dish, agar, mask))
    assert outside < 0.2 < on_agar < 0.45 < 0.6 < colonies
    assert 0.02 < image[agar].std() < 0.06  # light gradient, grain and noise


def test_a_three_component_mixture_finds_the_colonies(dish):
    image, mask = dish
    x = image.ravel()
    p = gt.fit_gmm(x[np.random.default_rng(0).choice(x.size, 5000, replace=False)], 3, seed=0).params
    colony = int(np.argmax(p.mu[:, 0]))
    found = (gt.responsibilities(x, p)[:, colony] > 0.5).reshape(image.shape)
    assert np.mean(found == mask) > 0.98


def test_deterministic_given_the_seed():
    a, b = datasets.colonies_image(seed=7), datasets.colonies_image(seed=7)
    np.testing.assert_array_equal(a.image, b.image)
    np.testing.assert_array_equal(a.centers, b.centers)
    assert not np.array_equal(a.image, datasets.colonies_image(seed=8).image)
    gen = datasets.colonies_image(seed=np.random.default_rng(7))
    np.testing.assert_array_equal(gen.image, a.image)


def test_options():
    small = datasets.colonies_image(size=64, n_colonies=4, n_touching=0, radius_range=(3, 3), seed=1)
    assert small.image.shape == (64, 64) and len(small.radii) == 4
    np.testing.assert_allclose(small.radii, 3.0)
    even = datasets.colonies_image(gradient=0.0, noise=0.0, n_colonies=0, n_touching=0)
    assert not even.mask.any()
    flat = even.image[even.dish]
    assert flat.std() < 0.03  # only the grain is left
    empty_agar = datasets.colonies_image(gradient=0.6, noise=0.0, n_colonies=0, n_touching=0, seed=2).image
    assert np.ptp(empty_agar[even.dish]) > 0.15  # strong light fall-off


@pytest.mark.parametrize("kwargs,match", [
    ({"size": 16}, "size"),
    ({"n_colonies": 4, "n_touching": 3}, "n_touching"),
    ({"radius_range": (8, 4)}, "radius_range"),
    ({"radius_range": (0, 4)}, "radius_range"),
    ({"gradient": 1.5}, "gradient"),
    ({"noise": -0.1}, "noise"),
    ({"n_colonies": 400, "radius_range": (20, 30)}, "could not fit"),
    ({"seed": "a"}, "seed"),
])
def test_bad_input(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        datasets.colonies_image(**kwargs)
