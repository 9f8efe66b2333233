"""gmm_teach.compare: matching labels (Hungarian), confusion tables, reordering components."""

import itertools

import numpy as np
import pytest

import gmm_teach as gt


def brute_force_match(labels, reference, n):
    # the permutation that maximises agreement, by trying them all
    best = max(itertools.permutations(range(n)), key=lambda p: np.sum(np.asarray(p)[labels] == reference))
    return np.asarray(best)


def test_confusion_counts_pairs():
    y = np.array([0, 0, 1, 1, 2, 2, 2])
    labels = np.array([2, 2, 0, 1, 1, 1, 1])
    C = gt.confusion(y, labels)
    assert C.tolist() == [[0, 0, 2], [1, 1, 0], [0, 3, 0]]
    assert C.sum() == y.size


@pytest.mark.parametrize("seed", range(8))
def test_match_labels_agrees_with_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 4
    y = rng.integers(0, n, 60)
    hidden = rng.permutation(n)
    labels = hidden[y]
    noisy = np.where(rng.random(60) < 0.3, rng.integers(0, n, 60), labels)  # 30 % scrambled
    perm = gt.match_labels(noisy, y)
    best = brute_force_match(noisy, y, n)
    assert np.sum(perm[noisy] == y) == np.sum(best[noisy] == y)
    assert sorted(perm.tolist()) == list(range(n))


def test_match_labels_undoes_a_relabelling():
    y = np.repeat([0, 1, 2], [5, 7, 9])
    hidden = np.array([2, 0, 1])  # found label = hidden[true label]
    perm = gt.match_labels(hidden[y], y)
    np.testing.assert_array_equal(perm[hidden[y]], y)
    np.testing.assert_array_equal(np.argsort(perm), hidden)  # found label matched to truth i


def test_reorder_and_sort_by_mean_keep_the_density():
    p = gt.GMMParams(pi=np.array([0.2, 0.5, 0.3]), mu=np.array([[3.0, 0.0], [-1.0, 2.0], [1.0, -4.0]]),
                     Sigma=np.array([np.eye(2) * s for s in (1.0, 2.0, 0.5)]))
    X = np.random.default_rng(0).normal(size=(20, 2))
    q = gt.sort_by_mean(p)
    np.testing.assert_array_equal(q.mu[:, 0], [-1.0, 1.0, 3.0])
    np.testing.assert_array_equal(q.pi, [0.5, 0.3, 0.2])
    np.testing.assert_array_equal(gt.sort_by_mean(p, feature=1).mu[:, 1], [-4.0, 0.0, 2.0])
    np.testing.assert_allclose(gt.log_likelihood(X, q), gt.log_likelihood(X, p), rtol=1e-12)
    assert gt.reorder(p, [2, 0, 1]).covariance_type == p.covariance_type


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: gt.confusion([0, 1], [0, 1, 1]), ValueError, "same length"),
        (lambda: gt.confusion([0.5, 1.0], [0, 1]), TypeError, "reference must hold integer"),
        (lambda: gt.match_labels([-1, 0], [0, 1]), ValueError, "labels must hold non-negative"),
        (lambda: gt.match_labels([[0, 1]], [0, 1]), ValueError, "1-D"),
        (lambda: gt.sort_by_mean(np.zeros(3)), TypeError, "params must be a GMMParams"),
        (lambda: gt.sort_by_mean(gt.GMMParams(pi=[1.0], mu=[[0.0]], Sigma=[[[1.0]]]), feature=1),
         ValueError, "feature"),
        (lambda: gt.reorder(gt.GMMParams(pi=[0.5, 0.5], mu=[[0.0], [1.0]], Sigma=[[[1.0]], [[1.0]]]), [0, 0]),
         ValueError, "permutation"),
    ],
)
def test_bad_input_names_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
