"""The shipped data and the synthetic generators: shapes, labels, facts, determinism."""

from importlib import resources

import numpy as np
import pytest

import gmm_teach as gt
from gmm_teach import datasets


def test_galton_facts():
    X, y = datasets.load_galton()
    assert X.shape == (934, 1) and y.shape == (934,)
    assert y.sum() == 481 and (y == 0).sum() == 453  # 481 sons, 453 daughters
    assert X[y == 1].mean() == pytest.approx(69.23, abs=0.01)
    assert X[y == 0].mean() == pytest.approx(64.10, abs=0.01)
    ds = datasets.load_galton(features=("father", "mother"))
    assert ds.X.shape == (934, 2) and ds.feature_names == ("father", "mother")


def test_galton_two_components_recover_gender_for_83_percent():
    X, y = datasets.load_galton()
    r = gt.fit_gmm(X, 2, seed=0, tol=1e-10, max_iter=5000)
    tall = int(np.argmax(r.params.mu[:, 0]))
    agreement = np.mean((np.argmax(r.gamma, axis=1) == tall) == (y == 1))
    assert agreement == pytest.approx(0.83, abs=0.01)
    np.testing.assert_allclose(np.sort(r.params.mu[:, 0]), [64.27, 69.65], atol=0.02)


def test_old_faithful():
    X, y = datasets.load_old_faithful()
    assert X.shape == (272, 2) and y is None
    assert X[:, 0].min() > 1.5 and X[:, 0].max() < 5.2  # eruptions, minutes
    assert X[:, 1].min() >= 43 and X[:, 1].max() <= 96  # waiting, minutes


def test_penguins():
    ds = datasets.load_penguins()
    assert ds.X.shape == (342, 2)  # two penguins lack bill measurements
    assert np.bincount(ds.y).tolist() == [151, 68, 123]
    assert ds.label_names == ("Adelie", "Chinstrap", "Gentoo")
    full = datasets.load_penguins(features=("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"))
    assert full.X.shape == (342, 4)


def test_synthetic_heights():
    X, y = datasets.heights(n=20_000, seed=1)
    assert X.shape == (20_000, 1) and set(np.unique(y)) == {0, 1}
    assert X[y == 0].mean() == pytest.approx(65.0, abs=0.1)  # 5'5"
    assert X[y == 1].mean() == pytest.approx(70.0, abs=0.1)  # 5'10"
    assert X[y == 1].std() == pytest.approx(3.0, abs=0.1)
    assert y.mean() == pytest.approx(0.5, abs=0.02)
    cm, _ = datasets.heights(n=100, unit="cm", seed=1)
    np.testing.assert_allclose(cm, datasets.heights(n=100, seed=1).X * 2.54)
    np.testing.assert_array_equal(datasets.heights(seed=3).X, datasets.heights(seed=3).X)
    assert not np.array_equal(datasets.heights(seed=3).X, datasets.heights(seed=4).X)
    Xw, yw = datasets.heights(n=5000, frac_women=0.8, seed=0)
    assert (yw == 0).mean() == pytest.approx(0.8, abs=0.02)


def test_blobs_are_anisotropic_and_unequal():
    X, y = datasets.blobs()
    assert X.shape == (700, 2) and np.bincount(y).tolist() == [400, 100, 200]
    for k in range(3):
        np.testing.assert_allclose(np.cov(X[y == k].T), datasets.BLOB_COVARIANCES[k], atol=0.3)
    np.testing.assert_array_equal(datasets.blobs(seed=5).X, datasets.blobs(seed=5).X)
    X3, y3 = datasets.blobs(sizes=(10, 20), means=np.zeros((2, 3)), covariances=np.stack([np.eye(3)] * 2))
    assert X3.shape == (30, 3)


def test_every_csv_is_documented():
    readme = resources.files("gmm_teach.data").joinpath("README.md").read_text()
    for f in resources.files("gmm_teach.data").iterdir():
        if f.name.endswith(".csv"):
            assert f.name in readme, f.name
    for word in ("Source", "Licence", "Units"):
        assert word in readme


def test_dataset_repr_and_unpacking():
    ds = datasets.load_penguins()
    X, y = ds
    assert X is ds.X and y is ds.y
    assert "342 x" in repr(ds) and "Adelie" in repr(ds)
