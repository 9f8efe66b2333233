"""Checks for exercise set 08 (lesson 08): translating between gmm_teach and scikit-learn."""

from __future__ import annotations

import numpy as np
from scipy import linalg

from ..em import initial_params as _initial_params
from ..em import m_step as _m_step
from ..estimator import from_sklearn_precisions as _from_sklearn_precisions
from ..estimator import to_sklearn_covariances as _to_sklearn_covariances
from ._engine import (
    Case,
    CheckResult,
    _anisotropic_2d,
    _close,
    _gamma_for,
    align_components,
    compare_arrays,
    run_cases,
)

__all__ = ["to_sklearn_covariances", "precisions_from_covariances", "log_det_from_precisions_cholesky",
           "total_log_likelihood_from_score", "align_to_reference", "params_from_sklearn"]

TYPES = ("full", "tied", "diag", "spherical")


def _rotation(t):
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


def _structured_sigma(covariance_type, seed=3):
    """A (K, D, D) stack with the structure of its type: an M-step on anisotropic data."""
    X, pi, mu, Sigma = _anisotropic_2d(seed)
    return _m_step(X, _gamma_for(X, pi, mu, Sigma), covariance_type, 0.0).Sigma.copy()


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


def to_sklearn_covariances(fn) -> CheckResult:
    """Q: a full (K, D, D) stack -> scikit-learn's covariances_ shape for the type."""
    cases = [Case(f"covariance_type={t!r}, K = 3, D = 2", (_structured_sigma(t), t),
                  _to_sklearn_covariances(_structured_sigma(t), t)) for t in TYPES]
    cases += [Case(f"covariance_type={t!r}, K = 2, D = 3, features on very different scales", (_hard_sigma(t), t),
                   _to_sklearn_covariances(_hard_sigma(t), t), rtol=1e-10, atol=0) for t in TYPES]

    def shape_hint(got, c):
        t, K, D = c.args[1], c.args[0].shape[0], c.args[0].shape[1]
        shape = np.shape(got)
        if shape == c.expected.shape:
            return None
        if t == "tied":
            return f"tied: scikit-learn stores the ONE shared matrix, shape {(D, D)}, not a stack of K copies"
        if t == "diag":
            return (f"diag: keep only the diagonal of each matrix, shape {(K, D)} "
                    "(np.diagonal(Sigma, axis1=1, axis2=2))")
        if t == "spherical":
            return f"spherical: one variance per component, shape {(K,)}: a diagonal entry of each Sigma_k"
        return f"full: return the {(K, D, D)} stack as it is"

    hints = [
        shape_hint,
        lambda got, c: ("spherical: the variance is a diagonal entry of Sigma_k (they are all equal), not an "
                        "average over the whole matrix" if c.args[1] == "spherical"
                        and _close(got, c.args[0].mean(axis=(1, 2))) else None),
    ]
    return run_cases("to_sklearn_covariances", fn, cases, hints)


# ---------------------------------------------------------------- Q2


def _entrywise_inverse(Sigma):
    with np.errstate(divide="ignore"):  # off-diagonal zeros give inf, as the mistake does
        return 1.0 / Sigma


def precisions_from_covariances(fn) -> CheckResult:
    """Q: Sigma_k^{-1} for every component of a (K, D, D) stack, via Cholesky."""
    _, _, _, Sigma = _anisotropic_2d(0)
    cases = [Case("three anisotropic 2-D covariances", (Sigma.copy(),), _inverse(Sigma)),
             Case("near-singular and large covariances (condition numbers up to 1e8)", (_near_singular(),),
                  _inverse(_near_singular()), rtol=1e-6, atol=0)]

    def inv_L(c):
        return _inverse_cholesky(c.args[0])

    hints = [
        lambda got, c: ("that is the covariance itself: the precision is its INVERSE, Sigma_k^-1"
                        if _close(got, c.args[0]) else None),
        lambda got, c: ("the precision is the matrix inverse, not 1 / Sigma entry by entry"
                        if _close(got, _entrywise_inverse(c.args[0])) else None),
        lambda got, c: ("Sigma = L L^T, so Sigma^-1 = L^-T L^-1 = (L^-1)^T (L^-1): the transpose comes first"
                        if _close(got, inv_L(c) @ np.transpose(inv_L(c), (0, 2, 1))) else None),
        lambda got, c: ("that is the Cholesky factor of the precision (scikit-learn's precisions_cholesky_, "
                        "P = L^-T); the precision is P P^T" if _close(got, np.transpose(inv_L(c), (0, 2, 1)))
                        or _close(got, inv_L(c)) else None),
    ]
    return run_cases("precisions_from_covariances", fn, cases, hints)


# ---------------------------------------------------------------- Q3


def _log_det(Sigma):
    return np.array([2.0 * np.sum(np.log(np.diag(np.linalg.cholesky(S)))) for S in Sigma])


def log_det_from_precisions_cholesky(fn) -> CheckResult:
    """Q: log|Sigma_k| from scikit-learn's precisions_cholesky_ P_k (Sigma_k^-1 = P_k P_k^T); returns (K,)."""
    _, _, _, Sigma = _anisotropic_2d(0)
    big = np.full((1, 300), 1e-3)[:, :, None] * np.eye(300)  # |Sigma| = 1e-900: underflows to 0
    cases = [Case(f"{label}", (np.transpose(_inverse_cholesky(S), (0, 2, 1)),), _log_det(S), rtol=1e-8, atol=1e-10)
             for label, S in (("three anisotropic 2-D covariances", Sigma),
                              ("near-singular and large covariances", _near_singular()),
                              ("D = 300 features, each with variance 1e-3", big))]
    hints = [
        lambda got, c: ("check the sign: log|Sigma| = -log|Sigma^-1|, and |Sigma^-1| = |P|^2"
                        if _close(got, -c.expected) else None),
        lambda got, c: ("you are missing the factor 2: |Sigma^-1| = |P P^T| = |P|^2 = (prod_d P_dd)^2"
                        if _close(got, -c.expected / 2) or _close(got, c.expected / 2) else None),
        lambda got, c: ("the determinant itself under- or overflows (here 1e-900): don't form it, sum the logs of "
                        "the diagonal, log|Sigma| = -2 sum_d log P_dd"
                        if not np.all(np.isfinite(np.asarray(got, dtype=float))) else None),
        lambda got, c: (f"return one log-determinant per component, shape {c.expected.shape}"
                        if np.shape(got) != c.expected.shape else None),
    ]
    return run_cases("log_det_from_precisions_cholesky", fn, cases, hints)


# ---------------------------------------------------------------- Q4


def total_log_likelihood_from_score(fn) -> CheckResult:
    """Q: scikit-learn's score (the MEAN log-likelihood per point) and N -> the total log L."""
    cases = [Case("score = -3.5508, N = 700", (-3.5508, 700), -3.5508 * 700, rtol=1e-12),
             Case("score = 1.25, N = 40 (positive: densities can exceed 1)", (1.25, 40), 50.0, rtol=1e-12)]
    hints = [
        lambda got, c: ("score is the MEAN per point; the total log-likelihood is N times it"
                        if _close(got, c.args[0]) else None),
        lambda got, c: "multiply by N, don't divide" if _close(got, c.args[0] / c.args[1]) else None,
    ]
    return run_cases("total_log_likelihood_from_score", fn, cases, hints)


# ---------------------------------------------------------------- Q5


def _cost(mu, mu_ref, order):
    return float(np.sum((np.asarray(mu)[order] - mu_ref) ** 2))


def align_to_reference(fn) -> CheckResult:
    """Q: the permutation `order` with mu[order] lined up with mu_ref (minimal total squared distance)."""
    rng = np.random.default_rng(5)
    mu_ref = np.array([[0.0, 0.0], [5.0, 1.5], [1.5, 5.0]])
    shuffled = [2, 0, 1]  # a 3-cycle: its inverse is a different permutation
    # Two reference means close together, one candidate near both: the nearest match picks it twice.
    trap_ref = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 10.0], [10.0, -10.0]])
    trap = np.array([[0.6, 0.0], [10.5, -9.0], [3.0, 0.0], [9.0, 10.0]])
    far = np.array([[1e6, 0.0], [0.0, 1e6], [0.0, 0.0], [1e6, 1e6], [5e5, 5e5]])
    far_order = [4, 1, 0, 3, 2]
    cases = [
        Case("three means, shuffled, with a little noise", (mu_ref[shuffled] + rng.normal(scale=0.1, size=(3, 2)),
                                                            mu_ref), align_components(mu_ref[shuffled], mu_ref)),
        Case("four means where matching each to its nearest uses one twice", (trap, trap_ref),
             align_components(trap, trap_ref)),
        Case("five means a million units apart", (far[far_order] + 1.0, far), align_components(far[far_order], far)),
    ]

    def compare(got, case):
        mu, mu_ref = case.args
        K = len(mu_ref)
        try:
            order = np.asarray(got)
            if order.shape != (K,) or not np.all(order == np.round(order)):
                return f"order should be K = {K} integer indices, shape ({K},), got shape {np.shape(got)}"
            order = order.astype(int)
        except Exception:
            return f"order should be K = {K} integer indices, got {type(got).__name__}"
        if sorted(order.tolist()) != list(range(K)):
            return (f"order should use each component 0..{K - 1} exactly once: expected "
                    f"{case.expected.tolist()}, got {order.tolist()}")
        if _cost(mu, mu_ref, order) > _cost(mu, mu_ref, case.expected) * (1 + 1e-9) + 1e-12:
            return f"expected order {case.expected.tolist()}, got {order.tolist()}"
        return None

    def is_inverse(got, c):
        try:
            order = np.asarray(got, dtype=int)
            return np.array_equal(np.argsort(order), c.expected) and not np.array_equal(order, c.expected)
        except Exception:
            return False

    hints = [
        lambda got, c: ("that is the inverse permutation: mu[order] must line up with mu_ref, so order[j] is the "
                        "row of mu that matches row j of mu_ref" if is_inverse(got, c) else None),
        lambda got, c: ("matching each component to its nearest can pick one twice; use "
                        "scipy.optimize.linear_sum_assignment on the (K, K) matrix of squared distances "
                        "for a one-to-one matching" if np.size(got) == len(c.args[1])
                        and len(set(np.asarray(got).ravel().tolist())) < len(c.args[1]) else None),
    ]
    return run_cases("align_to_reference", fn, cases, hints, compare=compare)


# ---------------------------------------------------------------- Q6

_FITTED: dict = {}


def _fitted_models():
    """scikit-learn GaussianMixture fits of every type: 2-D anisotropic, and 3-D on mixed scales."""
    if not _FITTED:
        from sklearn.mixture import GaussianMixture  # only this check needs scikit-learn

        X2, _, _, _ = _anisotropic_2d(6, N=150)
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


def params_from_sklearn(fn) -> CheckResult:
    """Q: a fitted scikit-learn GaussianMixture (any type) -> (pi, mu, Sigma) with Sigma full (K, D, D)."""
    cases = []
    for (t, label), m in _fitted_models().items():
        K, D = m.means_.shape
        expected = (m.weights_, m.means_, _from_sklearn_precisions(m.precisions_, K, D, t))
        cases.append(Case(f"covariance_type={t!r}, {label}", (m,), expected, rtol=1e-7, atol=0))

    def compare(got, case):
        if not (isinstance(got, tuple) and len(got) == 3):
            return "return a triple (pi, mu, Sigma)"
        pi, mu, Sigma = case.expected
        return (compare_arrays(got[0], pi, rtol=1e-10, name="pi")
                or compare_arrays(got[1], mu, rtol=1e-10, name="mu")
                or compare_arrays(got[2], Sigma, rtol=case.rtol, atol=1e-12 * np.abs(Sigma).max(), name="Sigma"))

    def sigma_of(got):
        return got[2] if isinstance(got, tuple) and len(got) == 3 else None

    def hint_precisions(got, c):
        m = c.args[0]
        K, D = m.means_.shape
        full_prec = _inverse(c.expected[2])
        S = sigma_of(got)
        if S is None:
            return None
        if _close(S, full_prec) or _close(S, m.precisions_):
            return "those are the precisions (inverse covariances): read covariances_, not precisions_"
        return None

    def hint_shape(got, c):
        S, m = sigma_of(got), c.args[0]
        if S is None or np.shape(S) == c.expected[2].shape:
            return None
        K, D = m.means_.shape
        return {"tied": f"tied: covariances_ is ONE shared (D, D) matrix; repeat it K times to get ({K}, {D}, {D})",
                "diag": f"diag: covariances_ holds variances (K, D); put each row on a diagonal to get ({K}, {D}, {D})",
                "spherical": f"spherical: covariances_ holds one variance per component (K,); sigma_k^2 times "
                             f"the identity gives ({K}, {D}, {D})",
                "full": f"full: covariances_ is already ({K}, {D}, {D})"}[m.covariance_type]

    return run_cases("params_from_sklearn", fn, cases, [hint_precisions, hint_shape], compare=compare)
