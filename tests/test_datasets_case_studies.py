"""The case-study data (notebooks/10, 11): facts from the original papers, and the generators' truth."""

import numpy as np
import pytest

from gmm_teach import datasets


def test_hillenbrand_vowels_facts():
    v = datasets.load_vowels()
    assert v.formants.shape == (1668, 3) and len(np.unique(v.speaker)) == 139
    assert [len(np.unique(v.speaker[v.group == g])) for g in range(4)] == [45, 48, 27, 19]
    assert np.all(np.bincount(v.vowel) == 139)
    # Hillenbrand et al. (1995), table V: men's /i/ (heed) F1 342 Hz, F2 2322 Hz on average
    men_heed = (v.group == 0) & (v.vowel == datasets.VOWELS.index("heed"))
    np.testing.assert_allclose(v.formants[men_heed, :2].mean(axis=0), [342, 2322], atol=5)


def test_bark_scale():
    np.testing.assert_allclose(datasets.hz_to_bark([1000.0]), [26.81 * 1000 / 2960 - 0.53])
    assert np.all(np.diff(datasets.hz_to_bark(np.linspace(100, 5000, 50))) > 0)
    with pytest.raises(ValueError, match="f must"):
        datasets.hz_to_bark([0.0])


def test_htru2_and_wholesale_facts():
    X, y = datasets.load_htru2()
    assert X.shape == (17898, 8) and y.sum() == 1639  # Lyon et al. (2016)
    X, y = datasets.load_wholesale()
    assert X.shape == (440, 6) and np.sum(y == 0) == 298 and np.sum(y == 1) == 142  # Horeca, Retail
    np.testing.assert_allclose(X.mean(axis=0)[:2], [12000.30, 5796.27], atol=0.01)


def test_background_video_truth():
    video = datasets.background_video(seed=0)
    T, H, W = video.frames.shape
    assert (T, H, W) == (150, 48, 64) and video.masks.shape == (T, H, W)
    assert not video.masks[:15].any() and video.masks[100].any()
    again = datasets.background_video(seed=0)
    np.testing.assert_array_equal(video.frames, again.frames)
    water = video.frames[:15][:, video.flicker]
    assert np.mean(water > 100) == pytest.approx(0.4, abs=0.03)  # two levels, bright 40 % of the time


def test_balding_nichols_fst():
    X, y = datasets.balding_nichols((400, 400), n_loci=2000, fst=0.1, n_admixed=10, seed=1)
    assert X.shape == (810, 2000) and set(np.unique(X)) <= {0.0, 1.0, 2.0}
    p = np.array([X[y == k].mean(axis=0) / 2 for k in range(2)])  # (2, L) sample allele frequencies
    p_bar = p.mean(axis=0)
    # two populations drifted from p independently: E (p0 - p1)^2 / 2 = F p(1-p), E p_bar(1 - p_bar) = p(1-p)(1 - F/2)
    fst = np.mean((p[0] - p[1]) ** 2 / 2) / np.mean(p_bar * (1 - p_bar)) * (1 - 0.1 / 2)
    assert fst == pytest.approx(0.1, rel=0.15)
    g = datasets.balding_nichols(seed=2)
    np.testing.assert_allclose(g.ancestry.sum(axis=1), 1.0)
    assert np.all(g.ancestry[g.y < 3].max(axis=1) == 1.0) and np.all(g.ancestry[g.y == 3, 2] == 0.0)
    with pytest.raises(ValueError, match="fst"):
        datasets.balding_nichols(fst=1.5)
