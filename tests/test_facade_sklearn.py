"""gt.GaussianMixture as a scikit-learn user meets it.

The behaviours scikit-learn's own sklearn/mixture/tests/test_gaussian_mixture.py checks for
its GaussianMixture (written afresh here for the facade), scikit-learn's estimator
conventions (check_estimator, clone, GridSearchCV, cross_val_score) and the issue-13 list.
"""

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
import sklearn
from helpers import TYPES, anisotropic_mixture
from sklearn.base import clone
from sklearn.exceptions import NotFittedError as SkNotFittedError
from sklearn.mixture import GaussianMixture as SkGMM
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.utils.estimator_checks import check_estimator

import gmm_teach as gt


@pytest.fixture(scope="module")
def data():
    return anisotropic_mixture(K=3, D=2, N=300, seed=4)[0]


# ------------------------------------------------------------ scikit-learn's conventions


def test_check_estimator_passes_every_check_that_runs():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "does not inherit from BaseEstimator", skipped-check notes
        results = check_estimator(gt.GaussianMixture(), on_fail=None)
    failed = {r["check_name"]: str(r["exception"])[:200] for r in results if r["status"] == "failed"}
    assert failed == {}
    skipped = {r["check_name"] for r in results if r["status"] == "skipped"}
    assert skipped <= {"check_array_api_input"}  # needs SCIPY_ARRAY_API: not about this facade
    assert sum(r["status"] == "passed" for r in results) >= 35


def test_tags_say_density_estimator():
    from sklearn.utils import get_tags

    tags = get_tags(gt.GaussianMixture())
    assert tags.estimator_type == "density_estimator" and not tags.target_tags.required
    assert tags.estimator_type == get_tags(SkGMM()).estimator_type


def test_clone_get_params_set_params(data):
    gm = gt.GaussianMixture(3, covariance_type="diag", random_state=np.random.RandomState(1))
    twin = clone(gm)
    assert twin is not gm and twin.get_params().keys() == gm.get_params().keys()
    assert twin.covariance_type == "diag" and twin.n_components == 3
    gm.fit(data)
    assert not hasattr(clone(gm), "means_")  # clone is unfitted
    assert gm.set_params(n_components=2, tol=1e-4) is gm and gm.n_components == 2 and gm.tol == 1e-4
    with pytest.raises(ValueError, match="unknown parameter 'warm_start'"):
        gm.set_params(warm_start=True)
    assert set(gm.get_params()) < set(SkGMM().get_params())  # every name is scikit-learn's


def test_grid_search_picks_by_mean_log_likelihood(data):
    grid = GridSearchCV(gt.GaussianMixture(random_state=0),
                        {"n_components": [1, 2, 3], "covariance_type": ["full", "spherical"]}, cv=3)
    grid.fit(data)
    scores = grid.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and len(scores) == 6
    assert grid.best_params_["n_components"] == 3  # three clusters in the data
    assert isinstance(grid.best_estimator_, gt.GaussianMixture)
    assert np.isclose(grid.score(data), grid.best_estimator_.score(data))


def test_cross_val_score_is_held_out_mean_log_likelihood(data):
    scores = cross_val_score(gt.GaussianMixture(3, random_state=0), data, cv=4)
    train, test = data[75:], data[:75]  # the first fold, as KFold without shuffling makes it
    expected = gt.GaussianMixture(3, random_state=0).fit(train).score(test)
    assert scores.shape == (4,) and np.isclose(scores[0], expected)


def test_pickle_round_trip(data):
    gm = gt.GaussianMixture(2, random_state=0).fit(data)
    back = pickle.loads(pickle.dumps(gm))
    np.testing.assert_array_equal(back.score_samples(data), gm.score_samples(data))


def test_import_does_not_load_sklearn():
    code = "import sys, gmm_teach; gmm_teach.GaussianMixture(2); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------ the issue-13 list


@pytest.mark.parametrize("make_state", [
    lambda: None, lambda: 7, lambda: np.random.RandomState(7), lambda: np.random.default_rng(7)])
def test_random_state_takes_what_sklearn_documents(data, make_state):
    gm = gt.GaussianMixture(3, random_state=make_state()).fit(data)
    assert gm.converged_ and gm.sample(5)[0].shape == (5, 2)


def test_random_state_instance_is_reproducible_and_advances(data):
    a = gt.GaussianMixture(3, init_params="random", random_state=np.random.RandomState(3)).fit(data)
    b = gt.GaussianMixture(3, init_params="random", random_state=np.random.RandomState(3)).fit(data)
    np.testing.assert_array_equal(a.means_, b.means_)
    rs = np.random.RandomState(3)
    gm = gt.GaussianMixture(3, init_params="random", random_state=rs)
    gm.fit(data)
    first = gm.means_.copy()
    gm.fit(data)  # the same RandomState, now advanced: another start
    assert not np.array_equal(first, gm.means_)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_max_iter_zero_is_the_start_without_a_warning(data, covariance_type):
    means_init = np.array([[0.0, 0.0], [5.0, 5.0], [-5.0, 5.0]])
    kwargs = dict(covariance_type=covariance_type, means_init=means_init, max_iter=0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning, as scikit-learn
        ours = gt.GaussianMixture(3, **kwargs).fit(data)
        sk = SkGMM(3, **kwargs).fit(data)
    np.testing.assert_allclose(ours.means_, means_init)
    for name in ("converged_", "n_iter_", "lower_bound_"):
        assert getattr(ours, name) == getattr(sk, name), name  # False, 0, -inf


def test_sample_checks_fitted_before_n_samples():
    for model in (gt.GaussianMixture(2), SkGMM(2)):
        with pytest.raises(SkNotFittedError, match="This GaussianMixture instance is not fitted"):
            model.sample(0)


@pytest.mark.parametrize("n_samples", [0, -3])
def test_sample_needs_at_least_one(data, n_samples):
    for model in (gt.GaussianMixture(2, random_state=0), SkGMM(2, random_state=0)):
        with pytest.raises(ValueError, match="Invalid value for 'n_samples'"):
            model.fit(data).sample(n_samples)


@pytest.mark.parametrize("method", ["score", "score_samples", "predict", "predict_proba", "bic", "aic"])
def test_unfitted_raises_sklearns_not_fitted_error(data, method):
    with pytest.raises(SkNotFittedError, match="not fitted yet"):
        getattr(gt.GaussianMixture(2), method)(data)
    with pytest.raises(gt.NotFittedError):  # still the library's own class too
        getattr(gt.GaussianMixture(2), method)(data)


def test_one_sample_is_too_few():
    one = np.array([[1.0, 2.0]])
    for model in (gt.GaussianMixture(1), SkGMM(1)):
        with pytest.raises(ValueError, match="1 sample|n_samples=1"):
            model.fit(one)
    gt.GaussianMixture(1).fit(one.repeat(2, axis=0) + [[0.0, 0.0], [1.0, 1.0]])  # two are enough


@pytest.mark.parametrize("X", [[["a", "b"], ["c", "d"], ["e", "f"]], np.ones((3, 2)) * (1 + 1j), "data.csv"])
def test_strings_and_complex_raise_value_error(X):
    for model in (gt.GaussianMixture(1), SkGMM(1)):
        with pytest.raises(ValueError):
            model.fit(X)
    with pytest.raises(TypeError):  # the library's own callers expect TypeError: both work
        gt.GaussianMixture(1).fit(X)


def test_one_d_x_is_refused_as_in_sklearn(data):
    for model in (gt.GaussianMixture(1), SkGMM(1)):
        with pytest.raises(ValueError, match="Reshape your data"):
            model.fit(data[:, 0])
    gm = gt.GaussianMixture(2, random_state=0).fit(data)
    with pytest.raises(ValueError, match="X has 1 features, but GaussianMixture is expecting 2"):
        gm.predict(data[:, :1])


# ------------------------------------------------------------ ported from scikit-learn's mixture tests


def test_fit_predict_equals_fit_then_predict(data):
    gm = gt.GaussianMixture(3, n_init=3, random_state=0)
    np.testing.assert_array_equal(gm.fit_predict(data), gm.predict(data))


@pytest.mark.parametrize("covariance_type", TYPES)
def test_more_starts_never_score_worse(covariance_type):
    X = np.random.default_rng(0).standard_normal((50, 5))
    one = gt.GaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(X).score(X)
    five = gt.GaussianMixture(2, covariance_type=covariance_type, random_state=0, n_init=5).fit(X).score(X)
    assert five >= one  # start 1 of five is the single start (em.best_of)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_precisions_are_the_inverse_covariances(data, covariance_type):
    gm = gt.GaussianMixture(3, covariance_type=covariance_type, random_state=0, n_init=2).fit(data)
    if covariance_type == "full":
        np.testing.assert_allclose(np.linalg.inv(gm.precisions_), gm.covariances_, rtol=1e-10)
    elif covariance_type == "tied":
        np.testing.assert_allclose(np.linalg.inv(gm.precisions_), gm.covariances_, rtol=1e-10)
    else:
        np.testing.assert_allclose(gm.precisions_, 1.0 / gm.covariances_, rtol=1e-12)


def test_score_is_the_mean_of_score_samples_and_fitting_raises_it(data):
    gm1 = gt.GaussianMixture(3, max_iter=1, random_state=0)
    with pytest.warns(gt.ConvergenceWarning, match="Best performing initialization did not converge"):
        gm1.fit(data)
    assert np.isclose(gm1.score(data), gm1.score_samples(data).mean())
    gm2 = gt.GaussianMixture(3, random_state=0).fit(data)
    assert gm2.score(data) > gm1.score(data)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_sample_matches_the_fitted_moments(data, covariance_type):
    gm = gt.GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(data)
    Xs, ys = gm.sample(20_000)
    assert Xs.shape == (20_000, 2)
    full = gm.params_.Sigma
    for k in range(3):
        n_k = np.sum(ys == k)
        standard_error = np.sqrt(np.diag(full[k]) / n_k)  # (D,)
        assert np.all(np.abs(Xs[ys == k].mean(axis=0) - gm.means_[k]) < 5 * standard_error)
        np.testing.assert_allclose(np.cov(Xs[ys == k].T), full[k], atol=0.15 * np.abs(full[k]).max())
    for n in range(1, 30):
        assert gm.sample(n)[0].shape == (n, 2)


@pytest.mark.parametrize("init_params", ["random", "random_from_data", "k-means++", "kmeans"])
def test_every_init_gives_distinct_starting_means(data, init_params):
    gm = gt.GaussianMixture(3, init_params=init_params, max_iter=0, random_state=np.random.RandomState(0))
    means = gm.fit(data).means_
    assert all(not np.allclose(means[i], means[j]) for i in range(3) for j in range(i + 1, 3))


@pytest.mark.parametrize("init_params", ["random", "random_from_data", "k-means++", "kmeans"])
def test_fitted_means_lie_inside_the_data(data, init_params):
    gm = gt.GaussianMixture(3, init_params=init_params, random_state=0).fit(data)
    assert gm.converged_ and gm.means_.shape == (3, 2)
    assert np.all(data.min(axis=0) <= gm.means_) and np.all(gm.means_ <= data.max(axis=0))


def test_one_component_on_three_points_samples():
    X = np.random.default_rng(0).standard_normal((3, 2))
    gt.GaussianMixture(1).fit(X).sample()


def test_degenerate_data_without_reg_covar_is_caught_and_reg_covar_fixes_it():
    X = np.vstack([np.ones((5, 5)), np.zeros((5, 5))])  # two points, each repeated
    with pytest.raises(ValueError, match="collapsed"), warnings.catch_warnings():  # as scikit-learn
        warnings.simplefilter("ignore")
        gt.GaussianMixture(10, reg_covar=0, random_state=0).fit(X)
    gm = gt.GaussianMixture(2, reg_covar=1e-6, random_state=0).fit(X)
    assert np.all(np.isfinite(gm.score_samples(X)))


def test_bad_initial_parameters_name_themselves(data):
    with pytest.raises(ValueError, match="precisions_init must have shape"):
        gt.GaussianMixture(3, precisions_init=np.ones((4, 2, 2))).fit(data)
    with pytest.raises(ValueError, match="precisions_init must be positive"):
        gt.GaussianMixture(3, covariance_type="diag", precisions_init=-np.ones((3, 2))).fit(data)
    with pytest.raises(ValueError, match="mu|means"):
        gt.GaussianMixture(3, means_init=np.zeros((4, 2))).fit(data)
    with pytest.raises(ValueError, match="pi"):
        gt.GaussianMixture(3, weights_init=[0.5, 0.5, 0.5]).fit(data)


def test_sklearn_version_is_one_this_file_was_written_for():
    major, minor = (int(v) for v in sklearn.__version__.split(".")[:2])
    assert (major, minor) >= (1, 6)  # __sklearn_tags__ and check_estimator(on_fail=None)
