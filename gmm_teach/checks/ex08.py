"""Checks for exercise set 08 (lesson 08): translating between gmm_teach and scikit-learn."""

from __future__ import annotations

import numpy as np
from scipy import linalg

from ..em import initial_params as _initial_params
from ..em import m_step as _m_step
from ..estimator import from_sklearn_precisions as _from_sklearn_precisions
from ..estimator import to_sklearn_covariances as _to_sklearn_covariances
from .engine import Case, CheckResult, Hint, align_components, check, compare_arrays, hint, run_cases
from .fixtures import anisotropic_2d, close, gamma_for

__all__ = ["to_sklearn_covariances", "precisions_from_covariances", "log_det_from_precisions_cholesky",
           "total_log_likelihood_from_score", "align_to_reference", "params_from_sklearn"]

TYPES = ("full", "tied", "diag", "spherical")


def _rotation(t):
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


def _structured_sigma(covariance_type, seed=3):
    """A (K, D, D) stack with the structure of its type: an M-step on anisotropic data."""
    X, pi, mu, Sigma = anisotropic_2d(seed)
    return _m_step(X, gamma_for(X, pi, mu, Sigma), covariance_type, 0.0).Sigma.copy()


def _hard_sigma(covariance_type):
    """3-D, features on scales from 1e-2 to 1e3 and strongly correlated: a structured (2, 3, 3) stack."""
    rng = np.random.default_rng(8)
    X = rng.normal(size=(60, 3)) @ np.array([[1.0, 0.9, 0.0], [0.0, 0.5, 0.2], [0.0, 0.0, 0.1]])
    X = X * np.array([1e3, 1.0, 1e-2]) + 5e3
    gamma = rng.dirichlet(np.ones(2), size=60)
    return _m_step(X, gamma, covariance_type, 0.0).Sigma.copy()


def _inverse(Sigma):
    """Sigma_k^{-1} for a (K, D, D) stack, through a Cholesky factor."""
    D = Sigma.shape[-1]
    return np.stack([linalg.cho_solve(linalg.cho_factor(S, lower=True), np.eye(D)) for S in Sigma])


def _inverse_cholesky(Sigma):
    """L_k^{-1} with Sigma_k = L_k L_k^T, for a (K, D, D) stack."""
    D = Sigma.shape[-1]
    return np.stack([linalg.solve_triangular(np.linalg.cholesky(S), np.eye(D), lower=True) for S in Sigma])


def _near_singular():
    """Anisotropic covariances with condition numbers up to 1e8 and scales up to 1e4."""
    thin = _rotation(0.6) @ np.diag([1.0, 1e-8]) @ _rotation(0.6).T
    big = _rotation(-1.1) @ np.diag([1e4, 3.0]) @ _rotation(-1.1).T
    return np.stack([thin, big])


# ---------------------------------------------------------------- Q1


def wrong_shape_for(covariance_type):
    """A predicate: the answer has the wrong shape, on a case of this covariance type."""
    def wrong_shape(got, case) -> bool:
        return case.extra["type"] == covariance_type and np.shape(got) != np.shape(case.expected)
    return wrong_shape


@hint("spherical: the variance is a diagonal entry of Sigma_k (they are all equal), not an average over the whole "
      "matrix")
def averaged_whole_matrix(got, case) -> bool:
    Sigma, covariance_type = case.args
    return covariance_type == "spherical" and close(got, Sigma.mean(axis=(1, 2)))


TO_SKLEARN_COVARIANCES_HINTS = [
    Hint(wrong_shape_for("tied"), "tied: scikit-learn stores the ONE shared matrix, shape ({case.extra[D]}, "
                                  "{case.extra[D]}), not a stack of K copies"),
    Hint(wrong_shape_for("diag"), "diag: keep only the diagonal of each matrix, shape ({case.extra[K]}, "
                                  "{case.extra[D]}) (np.diagonal(Sigma, axis1=1, axis2=2))"),
    Hint(wrong_shape_for("spherical"), "spherical: one variance per component, shape ({case.extra[K]},): a "
                                       "diagonal entry of each Sigma_k"),
    Hint(wrong_shape_for("full"), "full: return the ({case.extra[K]}, {case.extra[D]}, {case.extra[D]}) stack "
                                  "as it is"),
    averaged_whole_matrix,
]


def _covariances_case(label, Sigma, covariance_type, **tolerances) -> Case:
    K, D = Sigma.shape[:2]
    return Case(label, (Sigma, covariance_type), _to_sklearn_covariances(Sigma, covariance_type), **tolerances,
                extra={"type": covariance_type, "K": K, "D": D})


@check
def to_sklearn_covariances(fn) -> CheckResult:
    """Q: a full (K, D, D) stack -> scikit-learn's covariances_ shape for the type."""
    cases = [_covariances_case(f"covariance_type={t!r}, K = 3, D = 2", _structured_sigma(t), t) for t in TYPES]
    cases += [_covariances_case(f"covariance_type={t!r}, K = 2, D = 3, features on very different scales",
                                _hard_sigma(t), t, rtol=1e-10, atol=0) for t in TYPES]
    return run_cases("to_sklearn_covariances", fn, cases, TO_SKLEARN_COVARIANCES_HINTS)


# ---------------------------------------------------------------- Q2


def _entrywise_inverse(Sigma):
    with np.errstate(divide="ignore"):  # off-diagonal zeros give inf, as the mistake does
        return 1.0 / Sigma


@hint("that is the covariance itself: the precision is its INVERSE, Sigma_k^-1")
def returned_covariance(got, case) -> bool:
    return close(got, case.args[0])


@hint("the precision is the matrix inverse, not 1 / Sigma entry by entry")
def inverted_entrywise(got, case) -> bool:
    return close(got, _entrywise_inverse(case.args[0]))


@hint("Sigma = L L^T, so Sigma^-1 = L^-T L^-1 = (L^-1)^T (L^-1): the transpose comes first")
def transpose_last(got, case) -> bool:
    inv_L = _inverse_cholesky(case.args[0])
    return close(got, inv_L @ np.transpose(inv_L, (0, 2, 1)))


@hint("that is the Cholesky factor of the precision (scikit-learn's precisions_cholesky_, P = L^-T); the precision "
      "is P P^T")
def returned_precision_cholesky(got, case) -> bool:
    inv_L = _inverse_cholesky(case.args[0])
    return close(got, np.transpose(inv_L, (0, 2, 1))) or close(got, inv_L)


PRECISIONS_HINTS = [returned_covariance, inverted_entrywise, transpose_last, returned_precision_cholesky]


@check
def precisions_from_covariances(fn) -> CheckResult:
    """Q: Sigma_k^{-1} for every component of a (K, D, D) stack, via Cholesky."""
    _, _, _, Sigma = anisotropic_2d(0)
    cases = [Case("three anisotropic 2-D covariances", (Sigma.copy(),), _inverse(Sigma)),
             Case("near-singular and large covariances (condition numbers up to 1e8)", (_near_singular(),),
                  _inverse(_near_singular()), rtol=1e-6, atol=0)]
    return run_cases("precisions_from_covariances", fn, cases, PRECISIONS_HINTS)


# ---------------------------------------------------------------- Q3


def _log_det(Sigma):
    return np.array([2.0 * np.sum(np.log(np.diag(np.linalg.cholesky(S)))) for S in Sigma])


@hint("check the sign: log|Sigma| = -log|Sigma^-1|, and |Sigma^-1| = |P|^2")
def wrong_sign(got, case) -> bool:
    return close(got, -case.expected)


@hint("you are missing the factor 2: |Sigma^-1| = |P P^T| = |P|^2 = (prod_d P_dd)^2")
def missing_factor_2(got, case) -> bool:
    return close(got, -case.expected / 2) or close(got, case.expected / 2)


@hint("the determinant itself under- or overflows (here 1e-900): don't form it, sum the logs of the diagonal, "
      "log|Sigma| = -2 sum_d log P_dd")
def not_finite(got, case) -> bool:
    return not np.all(np.isfinite(np.asarray(got, dtype=float)))


@hint("return one log-determinant per component, shape {case.expected.shape}")
def not_one_per_component(got, case) -> bool:
    return np.shape(got) != case.expected.shape


LOG_DET_HINTS = [wrong_sign, missing_factor_2, not_finite, not_one_per_component]


@check
def log_det_from_precisions_cholesky(fn) -> CheckResult:
    """Q: log|Sigma_k| from scikit-learn's precisions_cholesky_ P_k (Sigma_k^-1 = P_k P_k^T); returns (K,)."""
    _, _, _, Sigma = anisotropic_2d(0)
    big = np.full((1, 300), 1e-3)[:, :, None] * np.eye(300)  # |Sigma| = 1e-900: underflows to 0
    cases = [Case(f"{label}", (np.transpose(_inverse_cholesky(S), (0, 2, 1)),), _log_det(S), rtol=1e-8, atol=1e-10)
             for label, S in (("three anisotropic 2-D covariances", Sigma),
                              ("near-singular and large covariances", _near_singular()),
                              ("D = 300 features, each with variance 1e-3", big))]
    return run_cases("log_det_from_precisions_cholesky", fn, cases, LOG_DET_HINTS)


# ---------------------------------------------------------------- Q4


@hint("score is the MEAN per point; the total log-likelihood is N times it")
def returned_the_mean(got, case) -> bool:
    return close(got, case.args[0])


@hint("multiply by N, don't divide")
def divided_by_n(got, case) -> bool:
    score, N = case.args
    return close(got, score / N)


TOTAL_LOG_LIKELIHOOD_HINTS = [returned_the_mean, divided_by_n]


@check
def total_log_likelihood_from_score(fn) -> CheckResult:
    """Q: scikit-learn's score (the MEAN log-likelihood per point) and N -> the total log L."""
    cases = [Case("score = -3.5508, N = 700", (-3.5508, 700), -3.5508 * 700, rtol=1e-12),
             Case("score = 1.25, N = 40 (positive: densities can exceed 1)", (1.25, 40), 50.0, rtol=1e-12)]
    return run_cases("total_log_likelihood_from_score", fn, cases, TOTAL_LOG_LIKELIHOOD_HINTS)


# ---------------------------------------------------------------- Q5


def _cost(mu, mu_ref, order):
    return float(np.sum((np.asarray(mu)[order] - mu_ref) ** 2))


def _alignment_cases() -> list:
    rng = np.random.default_rng(5)
    mu_ref = np.array([[0.0, 0.0], [5.0, 1.5], [1.5, 5.0]])
    shuffled = [2, 0, 1]  # a 3-cycle: its inverse is a different permutation
    # Two reference means close together, one candidate near both: the nearest match picks it twice.
    trap_ref = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 10.0], [10.0, -10.0]])
    trap = np.array([[0.6, 0.0], [10.5, -9.0], [3.0, 0.0], [9.0, 10.0]])
    far = np.array([[1e6, 0.0], [0.0, 1e6], [0.0, 0.0], [1e6, 1e6], [5e5, 5e5]])
    far_order = [4, 1, 0, 3, 2]
    return [
        Case("three means, shuffled, with a little noise", (mu_ref[shuffled] + rng.normal(scale=0.1, size=(3, 2)),
                                                            mu_ref), align_components(mu_ref[shuffled], mu_ref)),
        Case("four means where matching each to its nearest uses one twice", (trap, trap_ref),
             align_components(trap, trap_ref)),
        Case("five means a million units apart", (far[far_order] + 1.0, far), align_components(far[far_order], far)),
    ]


def _read_order(got, K):
    """The learner's answer as K integer indices, or a message saying why it isn't."""
    try:
        order = np.asarray(got)
        if order.shape != (K,) or not np.all(order == np.round(order)):
            return None, f"order should be K = {K} integer indices, shape ({K},), got shape {np.shape(got)}"
        return order.astype(int), None
    except Exception:
        return None, f"order should be K = {K} integer indices, got {type(got).__name__}"


def _alignment_problem(got, case) -> str | None:
    mu, mu_ref = case.args
    K = len(mu_ref)
    order, problem = _read_order(got, K)
    if problem:
        return problem
    if sorted(order.tolist()) != list(range(K)):
        return (f"order should use each component 0..{K - 1} exactly once: expected "
                f"{case.expected.tolist()}, got {order.tolist()}")
    if _cost(mu, mu_ref, order) > _cost(mu, mu_ref, case.expected) * (1 + 1e-9) + 1e-12:
        return f"expected order {case.expected.tolist()}, got {order.tolist()}"
    return None


@hint("that is the inverse permutation: mu[order] must line up with mu_ref, so order[j] is the row of mu that "
      "matches row j of mu_ref")
def inverse_permutation(got, case) -> bool:
    order = np.asarray(got, dtype=int)
    return np.array_equal(np.argsort(order), case.expected) and not np.array_equal(order, case.expected)


@hint("matching each component to its nearest can pick one twice; use scipy.optimize.linear_sum_assignment on the "
      "(K, K) matrix of squared distances for a one-to-one matching")
def matched_one_twice(got, case) -> bool:
    K = len(case.args[1])
    return np.size(got) == K and len(set(np.asarray(got).ravel().tolist())) < K


ALIGN_TO_REFERENCE_HINTS = [inverse_permutation, matched_one_twice]


@check
def align_to_reference(fn) -> CheckResult:
    """Q: the permutation `order` with mu[order] lined up with mu_ref (minimal total squared distance)."""
    return run_cases("align_to_reference", fn, _alignment_cases(), ALIGN_TO_REFERENCE_HINTS,
                     compare=_alignment_problem)


# ---------------------------------------------------------------- Q6

_FITTED: dict = {}


def _fitted_models():
    """scikit-learn GaussianMixture fits of every type: 2-D anisotropic, and 3-D on mixed scales."""
    if not _FITTED:
        from sklearn.mixture import GaussianMixture  # only this check needs scikit-learn

        X2, _, _, _ = anisotropic_2d(6, N=150)
        rng = np.random.default_rng(9)
        X3 = rng.normal(size=(200, 3)) @ np.array([[1.0, 0.6, 0.0], [0.0, 0.8, -0.4], [0.0, 0.0, 0.3]])
        X3[:100] += 4.0
        X3 *= np.array([100.0, 1.0, 0.01])  # features in very different units
        for t in TYPES:
            for label, X, K in (("2-D, K = 3", X2, 3), ("3-D on mixed scales, K = 2", X3, 2)):
                p0 = _initial_params(X, K, "kmeans", t, 1e-6, 0)
                L_inv = _inverse_cholesky(p0.Sigma)
                model = GaussianMixture(K, covariance_type=t, weights_init=p0.pi, means_init=p0.mu,
                                        precisions_init=_to_sklearn_covariances(
                                            np.transpose(L_inv, (0, 2, 1)) @ L_inv, t)).fit(X)
                _FITTED[(t, label)] = model
    return _FITTED


def _params_problem(got, case) -> str | None:
    if not (isinstance(got, tuple) and len(got) == 3):
        return "return a triple (pi, mu, Sigma)"
    pi, mu, Sigma = case.expected
    return (compare_arrays(got[0], pi, rtol=1e-10, name="pi")
            or compare_arrays(got[1], mu, rtol=1e-10, name="mu")
            or compare_arrays(got[2], Sigma, rtol=case.rtol, atol=1e-12 * np.abs(Sigma).max(), name="Sigma"))


def _sigma_of(got):
    return got[2] if isinstance(got, tuple) and len(got) == 3 else None


@hint("those are the precisions (inverse covariances): read covariances_, not precisions_")
def read_precisions(got, case) -> bool:
    S = _sigma_of(got)
    return S is not None and (close(S, _inverse(case.expected[2])) or close(S, case.args[0].precisions_))


def sigma_shape_wrong_for(covariance_type):
    """A predicate: Sigma has the wrong shape, on a model of this covariance type."""
    def sigma_shape_wrong(got, case) -> bool:
        S = _sigma_of(got)
        return (case.args[0].covariance_type == covariance_type and S is not None
                and np.shape(S) != case.expected[2].shape)
    return sigma_shape_wrong


PARAMS_FROM_SKLEARN_HINTS = [
    read_precisions,
    Hint(sigma_shape_wrong_for("tied"), "tied: covariances_ is ONE shared (D, D) matrix; repeat it K times to get "
                                        "({case.extra[K]}, {case.extra[D]}, {case.extra[D]})"),
    Hint(sigma_shape_wrong_for("diag"), "diag: covariances_ holds variances (K, D); put each row on a diagonal to get "
                                        "({case.extra[K]}, {case.extra[D]}, {case.extra[D]})"),
    Hint(sigma_shape_wrong_for("spherical"), "spherical: covariances_ holds one variance per component (K,); sigma_k^2 "
                                             "times the identity gives ({case.extra[K]}, {case.extra[D]}, "
                                             "{case.extra[D]})"),
    Hint(sigma_shape_wrong_for("full"), "full: covariances_ is already ({case.extra[K]}, {case.extra[D]}, "
                                        "{case.extra[D]})"),
]


@check
def params_from_sklearn(fn) -> CheckResult:
    """Q: a fitted scikit-learn GaussianMixture (any type) -> (pi, mu, Sigma) with Sigma full (K, D, D)."""
    cases = []
    for (t, label), m in _fitted_models().items():
        K, D = m.means_.shape
        expected = (m.weights_, m.means_, _from_sklearn_precisions(m.precisions_, K, D, t))
        cases.append(Case(f"covariance_type={t!r}, {label}", (m,), expected, rtol=1e-7, atol=0,
                          extra={"K": K, "D": D}))
    return run_cases("params_from_sklearn", fn, cases, PARAMS_FROM_SKLEARN_HINTS, compare=_params_problem)
