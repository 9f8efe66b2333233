"""Expectation-maximisation for a Gaussian mixture: E-step, M-step, the loop.

Derived in notebooks/03. Same numerics as scikit-learn: log space everywhere,
Cholesky factors, centred covariances, reg_covar on the diagonal, N_k + 10 eps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    as_generator,
    check_covariance_type,
    check_gamma,
    check_int,
    check_n_components,
    check_params,
    check_positive,
    check_settings,
    check_X,
    warn,
)
from .covariance import covariance_from_scatter, scatter
from .gaussian import log_gaussian_cholesky
from .kmeans import assign_step, kmeans, kmeans_plusplus
from .params import GMMParams


class DegenerateFitWarning(UserWarning):
    """A component collapsed (singular covariance); EM stopped at the last valid parameters."""


class DegenerateCovarianceError(ValueError):
    """The M-step produced a covariance that is not positive definite."""


# ---------------------------------------------------------------- E-step


def log_joint(X, p: GMMParams) -> np.ndarray:
    r"""log pi_k + log N(x_n | mu_k, Sigma_k) = log p(x_n, z_n = k); returns (N, K).

    Notes
    -----
    The Gaussian's log-density is gaussian.log_gaussian_cholesky, with the
    Cholesky factors GMMParams checked on construction. Derived in notebooks/03.
    The array is column-major (notebooks/09): each component's column is one
    contiguous block of memory, so writing a column and summing across a row
    (log-sum-exp) run at full speed.
    """
    X = check_X(X)
    N, D = X.shape
    p = check_params(p, D)
    with np.errstate(divide="ignore"):  # a weight of 0 gives log 0 = -inf: never chosen
        log_pi = np.log(p.pi)  # (K,)
    out = np.empty((N, p.K), order="F")  # (N, K), column-major
    for k in range(p.K):
        out[:, k] = log_pi[k] + log_gaussian_cholesky(X, p.mu[k], p.cholesky[k])
    return out


def log_sum_exp(A) -> np.ndarray:
    r"""log sum_k exp(a_nk) = m_n + log sum_k exp(a_nk - m_n), with m_n = max_k a_nk; returns (N,).

    Parameters
    ----------
    A : (N, K) array, e.g. the log joint; fastest column-major (notebooks/09).

    Notes
    -----
    Subtracting each row's largest term first makes that term exp(0) = 1, so the
    sum can neither overflow nor underflow to 0 and its log is never -inf, even
    for a point far from every component. Derived in notebooks/03.
    """
    m = A.max(axis=1)  # (N,)
    m = np.where(np.isfinite(m), m, 0.0)  # a row of -inf (|x| ~ 1e154) stays -inf, not NaN
    with np.errstate(divide="ignore"):  # ... as log(0)
        return m + np.log(np.sum(np.exp(A - m[:, None]), axis=1))  # (N,)


def log_mixture_density(X, p: GMMParams) -> np.ndarray:
    r"""log p(x_n) = log sum_k pi_k N(x_n | mu_k, Sigma_k); returns (N,).

    log-sum-exp subtracts the largest term before exponentiating, so a point far
    from every component gives a large negative number instead of log(0) = -inf.
    """
    return log_sum_exp(log_joint(X, p))  # (N,)


def log_likelihood(X, p: GMMParams) -> float:
    r"""log L(theta) = sum_n log p(x_n | theta), the TOTAL log-likelihood (not the mean)."""
    return float(np.sum(log_mixture_density(X, p)))


def responsibilities(X, p: GMMParams) -> np.ndarray:
    r"""gamma_nk = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j); returns (N, K)."""
    return e_step(X, p)[0]


def e_step(X, p: GMMParams):
    r"""gamma_nk = p(z_n = k | x_n, theta): exp(log joint - log p(x_n)).

    Parameters
    ----------
    X : (N, D) data.
    p : current parameters.

    Returns
    -------
    gamma : (N, K) responsibilities; each row sums to 1.
    log_likelihood : float, the total sum_n log p(x_n | theta) at ``p``.

    Notes
    -----
    Dividing in log space (a subtraction) never forms 0/0, even for far outliers.
    Derived in notebooks/03.
    """
    log_pxz = log_joint(X, p)  # (N, K)
    gamma, log_px = normalise(log_pxz)  # (N, K), (N,)
    return gamma, float(np.sum(log_px))


def normalise(log_pxz):
    r"""gamma_nk = p(x_n, k) / p(x_n) = exp(log p(x_n, k) - log p(x_n)); returns gamma (N, K), log p(x_n) (N,).

    Every E-step in the library (plain, semi-supervised, missing values) ends here.
    """
    log_px = log_sum_exp(log_pxz)  # (N,)
    gamma = np.exp(log_pxz - log_px[:, None])  # (N, K)
    return gamma, log_px


def soft_counts(gamma_sums) -> np.ndarray:
    r"""N_k = sum_n gamma_nk + 10 eps: a component no point claims divides by a tiny number, not 0; (K,)."""
    return gamma_sums + 10 * np.finfo(float).eps


def elbo(X, p: GMMParams, q) -> float:
    r"""L(q, theta) = sum_n sum_k q_nk [log pi_k N(x_n | mu_k, Sigma_k) - log q_nk] <= log L(theta).

    Parameters
    ----------
    X : (N, D) data.
    p : parameters theta.
    q : (N, K) any distribution over components for each point (rows sum to 1).

    Returns
    -------
    float, the evidence lower bound. By Jensen's inequality it never exceeds
    ``log_likelihood(X, p)``, and it equals it when q is the E-step's gamma.

    Notes
    -----
    Terms with q_nk = 0 contribute 0 (the limit of q log q). Derived in notebooks/03.
    """
    X = check_X(X)
    q = check_gamma(q, X.shape[0], name="q")
    log_pxz = log_joint(X, p)  # (N, K)
    safe = q > 0
    return float(np.sum(q[safe] * (log_pxz[safe] - np.log(q[safe]))))


# ---------------------------------------------------------------- M-step


def m_step(X, gamma, covariance_type: str = "full", reg_covar: float = 1e-6) -> GMMParams:
    r"""N_k = sum_n gamma_nk;  pi_k = N_k / N;  mu_k = sum_n gamma_nk x_n / N_k;  Sigma_k per type.

    Parameters
    ----------
    X : (N, D) data.
    gamma : (N, K) responsibilities from the E-step.
    covariance_type : "full", "tied", "diag" or "spherical" (see covariance.py).
    reg_covar : added to every variance; keeps a component from collapsing onto
        a single point, where its density and the likelihood would be infinite.

    Returns
    -------
    GMMParams maximising the expected complete-data log-likelihood.

    Notes
    -----
    10 eps is added to N_k so an empty component divides by a tiny number, not 0.
    Derived in notebooks/03 (Lagrange multiplier for pi).
    """
    X = check_X(X)
    gamma = check_gamma(gamma, X.shape[0])  # (N, K)
    check_covariance_type(covariance_type)
    reg_covar = check_positive(reg_covar, "reg_covar", allow_zero=True)
    N_k = soft_counts(gamma.sum(axis=0))  # (K,)
    pi = N_k / N_k.sum()  # (K,)
    mu = (gamma.T @ X) / N_k[:, None]  # (K, D)
    S = scatter(X, gamma, mu)  # (K, D, D): sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T
    Sigma = covariance_from_scatter(S, N_k, covariance_type, reg_covar)  # (K, D, D)
    check_not_collapsed(Sigma, N_k)
    return GMMParams(pi=pi, mu=mu, Sigma=Sigma, covariance_type=covariance_type)


def check_not_collapsed(Sigma, N_k) -> None:
    """Raise DegenerateCovarianceError if some Sigma_k is not positive definite (no Cholesky factor)."""
    for k in range(Sigma.shape[0]):
        try:
            np.linalg.cholesky(Sigma[k])
        except np.linalg.LinAlgError:
            raise DegenerateCovarianceError(
                f"component {k} collapsed: its covariance Sigma[{k}] is singular (it holds "
                f"{N_k[k]:.3g} points' worth of responsibility, all on a point or a line). "
                "Its density, and the log-likelihood, would be infinite. Use reg_covar > 0 "
                "(e.g. 1e-6), fewer components, or another initialisation."
            ) from None


# ---------------------------------------------------------------- the loop


@dataclass
class FitResult:
    """What fit_gmm returns.

    ``history[t]`` is the parameters after t iterations (``history[0]`` is the
    start) and ``log_likelihoods[t]`` their total log-likelihood, so both have
    ``n_iter + 1`` entries. ``gamma`` holds the responsibilities under ``params``.
    """

    params: GMMParams
    log_likelihoods: np.ndarray  # (n_iter + 1,)
    history: list = field(repr=False)  # list of GMMParams
    converged: bool
    n_iter: int
    gamma: np.ndarray = field(repr=False)  # (N, K)


def initial_params(X, K: int, init="kmeans++", covariance_type="full", reg_covar=1e-6, seed=None):
    """theta_0 for EM: hard responsibilities from a clustering, then one M-step.

    init:
      "kmeans++"          k-means++ seeds, every point to its nearest seed (default);
      "kmeans"            a full k-means run (scikit-learn's default);
      "random_from_data"  K distinct data points as seeds, nearest-seed assignment;
      "random"            random responsibilities;
      a GMMParams         used as it is.
    """
    X = check_X(X)
    N, D = X.shape
    K = check_n_components(K, N)
    if isinstance(init, GMMParams):
        if init.K != K:
            raise ValueError(f"init has {init.K} components but K={K}")
        return check_params(init, D)
    rng = as_generator(seed)
    if init == "random":
        gamma = rng.uniform(size=(N, K))  # (N, K)
        return m_step(X, gamma / gamma.sum(axis=1, keepdims=True), covariance_type, reg_covar)
    labels = _initial_labels(X, K, init, rng)  # (N,)
    empty = np.setdiff1d(np.arange(K), labels)
    if empty.size:
        warn(
            f"initialisation gave component(s) {empty.tolist()} no points (does X have fewer than "
            f"K={K} distinct points?); they start with no data behind them.",
            DegenerateFitWarning,
        )
    return m_step(X, np.eye(K)[labels], covariance_type, reg_covar)  # one-hot gamma


def _initial_labels(X, K, init, rng) -> np.ndarray:
    """A hard clustering to start from; (N,) labels."""
    if init in ("kmeans++", "k-means++"):
        return assign_step(X, kmeans_plusplus(X, K, rng))
    if init == "kmeans":
        return kmeans(X, K, seed=rng).labels
    if init == "random_from_data":
        return assign_step(X, X[rng.choice(len(X), size=K, replace=False)])
    raise ValueError(
        "init must be 'kmeans++', 'kmeans', 'random_from_data', 'random' or a GMMParams, "
        f"got {init!r}"
    )


def fit_gmm(
    X,
    K: int,
    init="kmeans++",
    covariance_type: str = "full",
    max_iter: int = 100,
    tol: float = 1e-3,
    reg_covar: float = 1e-6,
    seed=None,
    n_init: int = 1,
) -> FitResult:
    r"""EM: from theta_0, repeat E-step then M-step until the mean log-likelihood stops rising.

    Parameters
    ----------
    X : (N, D) data (a 1-D array is one feature).
    K : number of components, 1 <= K <= N.
    init : "kmeans++", "kmeans", "random_from_data", "random", or a GMMParams start.
    covariance_type : "full", "tied", "diag" or "spherical".
    max_iter : most EM iterations (one iteration = one E-step + one M-step).
    tol : stop when the MEAN log-likelihood per sample changed by less than tol
        between two E-steps (``has_converged``, as scikit-learn does).
    reg_covar : added to every variance in the M-step.
    seed : int, None or numpy Generator, for the initialisation.
    n_init : number of starts; the fit with the highest final log-likelihood is
        returned. The starts draw in turn from ONE generator, ``as_generator(seed)``,
        so start 1 is exactly the ``n_init=1`` fit with the same seed.

    Returns
    -------
    FitResult with params, log_likelihoods, history, converged, n_iter, gamma.

    Notes
    -----
    A component that collapses onto a point or a line gets a DegenerateFitWarning;
    if its covariance becomes singular (possible only with reg_covar = 0), EM stops
    there and returns the last valid parameters. Derived in notebooks/03.
    """
    return run_em(X, K, e_step, m_step, init=init, covariance_type=covariance_type, max_iter=max_iter,
                  tol=tol, reg_covar=reg_covar, seed=seed, n_init=n_init)


def run_em(X, K, expectation, maximization, *, init="kmeans++", covariance_type="full", max_iter=100,
           tol=1e-3, reg_covar=1e-6, seed=None, n_init=1) -> FitResult:
    """fit_gmm with a given E-step ``expectation(X, p)`` and M-step ``maximization(X, gamma, type, reg)``.

    em.fit_gmm passes em.e_step and em.m_step; fast.fit_gmm its block-wise twins.
    Returns the best of n_init fits by final log-likelihood (the first on a tie).
    """
    X = check_X(X)
    max_iter, tol, reg_covar = check_settings(covariance_type, max_iter, tol, reg_covar)

    def fit_once(rng):
        p = initial_params(X, K, init, covariance_type, reg_covar, rng)  # checks K too
        return em_loop(p, lambda q: expectation(X, q),
                       lambda gamma: maximization(X, gamma, covariance_type, reg_covar), len(X), max_iter, tol)

    best = best_of(fit_once, n_init, seed)
    warn_if_collapsed(X, best.params, best.gamma, reg_covar)
    return best


def best_of(fit_once, n_init: int, seed) -> FitResult:
    """The FitResult of fit_once(rng) with the highest final log-likelihood, over n_init starts.

    The starts draw in turn from one generator, as_generator(seed); with n_init = 1 the
    seed is passed on exactly as given. The first start wins a tie.
    """
    n_init = check_int(n_init, "n_init", minimum=1)
    rng = seed if n_init == 1 else as_generator(seed)
    best = None
    for _ in range(n_init):
        result = fit_once(rng)
        if best is None or result.log_likelihoods[-1] > best.log_likelihoods[-1]:
            best = result
    return best


def has_converged(ll_prev: float, ll: float, N: int, tol: float) -> bool:
    r"""|log L(theta_t) - log L(theta_{t-1})| / N < tol: the MEAN log-likelihood per point stopped changing.

    The one stopping rule of every EM in the library (and scikit-learn's): it is on the
    mean, not the total, so the same tol means the same thing for 100 or 100,000 points.
    """
    return abs(ll - ll_prev) / N < tol


def em_loop(p: GMMParams, expectation, maximization, N: int, max_iter: int, tol: float, gamma_of=lambda state: state):
    r"""theta_{t+1} = M(E(theta_t)) until the mean log-likelihood rises by less than tol.

    Parameters
    ----------
    p : theta_0, the start.
    expectation : theta -> (state, total log-likelihood of theta), the E-step; for
        plain EM the state is gamma.
    maximization : state -> the next theta, the M-step.
    N : number of points (tol is on the MEAN log-likelihood, as in scikit-learn).
    max_iter, tol : as in fit_gmm.
    gamma_of : state -> the responsibilities stored in the result.

    Returns
    -------
    FitResult. One loop for every EM in the library (fast, semi-supervised, missing
    values, streaming): each brings its own steps, all share this stopping rule,
    ``has_converged``.
    """
    history, lls, converged, n_iter = [p], [], False, 0
    for it in range(1, max_iter + 1):
        state, ll = expectation(p)  # log-likelihood of the current parameters
        lls.append(ll)
        try:
            p = maximization(state)
        except DegenerateCovarianceError as err:
            warn(f"EM stopped after {n_iter} iterations: {err}", DegenerateFitWarning)
            return FitResult(p, np.array(lls), history, False, n_iter, gamma_of(state))
        history.append(p)
        n_iter = it
        if it > 1 and has_converged(lls[-2], lls[-1], N, tol):
            converged = True
            break
    state, ll = expectation(p)
    lls.append(ll)
    return FitResult(p, np.array(lls), history, converged, n_iter, gamma_of(state))


def warn_if_collapsed(X, p: GMMParams, gamma, reg_covar: float) -> None:
    """Warn about components whose own spread is nil next to the data's (a spike on a point or line)."""
    data_var = X.var(axis=0).mean()
    for k in range(p.K):
        own_spread = np.linalg.eigvalsh(p.Sigma[k]).min() - reg_covar
        if own_spread <= 1e-14 * data_var:
            held_up = (f"only reg_covar={reg_covar:g} keeps" if reg_covar > 0
                       else "with reg_covar=0 only floating-point noise keeps")
            warn(
                f"component {k} collapsed onto a point or a line: it holds {gamma[:, k].sum():.3g} points' "
                f"worth of responsibility with no spread of its own, and {held_up} its density finite "
                "(a spike makes the likelihood unbounded). Try fewer components, another seed, or a "
                "larger reg_covar.",
                DegenerateFitWarning,
            )
