"""EM made fast: em.py's e_step, m_step and fit_gmm, computed block by block.

Same signatures, same checks and errors, same numbers to ~1e-12; only the order
of the work changes (notebooks/09 explains each step and measures it):

* Blocks of rows. The data are processed B rows at a time, with B chosen so that
  every temporary array of a block stays in the CPU's cache. Whole-array numpy
  code streams an N-row temporary through main memory once per operation; here
  each block is read from memory once and worked on in the cache.
* Component-major layout. Inside a block the arrays are (K, B) and (K, D, B): the
  long axis is the contiguous one, so the reductions over components (max and
  sum of the log-sum-exp) combine whole rows instead of K numbers at a time.
* One matrix product for all K components. The E-step stacks the K inverse
  Cholesky factors L_k^{-1} into one matrix W, with an extra column that subtracts
  the means, so z = L_k^{-1}(x - mu_k) for every k is one product W [x; 1]; the
  M-step's K scatter matrices are one batched product.
* One exp per responsibility: gamma = exp(a - m) / sum exp(a - m) reuses the
  exponentials the log-sum-exp computed.

The readable em.py is the reference: tests/test_fast.py checks that this module
agrees with it to 1e-8 for every covariance type and raises the same errors.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from ._validation import (
    GAMMA_MAX,
    ROW_SUM_TOL,
    check_covariance_type,
    check_gamma,
    check_gamma_shape,
    check_params,
    check_positive,
    check_X,
)
from .covariance import covariance_from_scatter
from .em import FitResult, check_not_collapsed, run_em, soft_counts
from .gaussian import log_gaussian_cholesky
from .params import GMMParams

# About 2 MiB of float64 per (K, D, B) block temporary. Measured on a 2-core machine
# (1 MiB L2 cache per core, 32 MiB L3): from 2**14 to 2**18 numbers per block every
# size was faster than the last, as numpy's fixed cost per call (a few microseconds,
# a dozen calls per block) fell; at 2**19 and more the temporaries left the cache.
BLOCK_ELEMENTS = 2**18


def block_rows(K: int, D: int) -> int:
    """Rows per block: about BLOCK_ELEMENTS numbers in a (K, D, B) array, at least 16 rows."""
    return max(16, BLOCK_ELEMENTS // (K * D))


# ---------------------------------------------------------------- E-step


def whitening(p: GMMParams):
    """W (K D, D + 1) stacks [L_k^{-1} | -L_k^{-1} (mu_k - c)] / sqrt(2), and const (K,).

    With these, log pi_k + log N(x | mu_k, Sigma_k) = const_k - |W_k [x - c; 1]|^2, where
    const_k = log pi_k - (D log 2 pi + log|Sigma_k|) / 2: the last column of W subtracts
    the mean inside the matrix product. Centring x and the means at c (the mixture's
    mean) keeps this as accurate as L^{-1} (x - mu) for data far from the origin.
    """
    K, D = p.K, p.D
    c = p.pi @ p.mu  # (D,)
    L_inv = np.stack([linalg.solve_triangular(L, np.eye(D), lower=True) for L in p.cholesky])  # (K, D, D)
    L_inv *= np.sqrt(0.5)  # the -1/2 of the exponent, folded in
    shift = np.einsum("kij,kj->ki", L_inv, p.mu - c)  # (K, D)
    W = np.concatenate([L_inv, -shift[:, :, None]], axis=2).reshape(K * D, D + 1)  # (K D, D + 1)
    # the density at its own mean is its normaliser: log N(mu_k | mu_k, Sigma_k) = -(D log 2 pi + log|Sigma_k|) / 2
    peak = [log_gaussian_cholesky(mu[None], mu, L)[0] for mu, L in zip(p.mu, p.cholesky, strict=True)]
    with np.errstate(divide="ignore"):  # a weight of 0 gives log 0 = -inf: never chosen
        const = np.log(p.pi) + np.array(peak)  # (K,): log pi_k - (D log 2 pi + log|Sigma_k|) / 2
    return W, const, c


def _centred_block(X, start, c, T) -> np.ndarray:
    """[x_n - c; 1] for rows start, start + 1, ... of X, written into T (D + 1, B); returns T[:, :b].

    T is a workspace allocated once per call, its last row all ones: reusing it for
    every block spares the allocator (and the operating system's page faults).
    """
    Xb = X[start:start + T.shape[1]]  # (b, D)
    b = Xb.shape[0]
    np.subtract(Xb.T, c[:, None], out=T[:-1, :b])  # features as rows, each contiguous
    return T[:, :b]


def _log_joint_block(T, W, const, out, Z) -> None:
    """out[k, n] = log pi_k + log N(x_n | mu_k, Sigma_k) for a centred block T (D + 1, b); out (K, b).

    Z is a (K D, >= b) workspace.
    """
    K, b = out.shape
    Z = np.matmul(W, T, out=Z[:, :b])  # (K D, b): rows L_k^{-1} (x_n - mu_k) / sqrt(2), all k at once
    np.square(Z, out=Z)
    np.sum(Z.reshape(K, -1, b), axis=1, out=out)  # (K, b): halved squared Mahalanobis distances
    np.subtract(const[:, None], out, out=out)


def normalise_block(A) -> float:
    """A (K, B) log joint -> responsibilities, in place; returns sum_n log p(x_n) over the block."""
    m = A.max(axis=0)  # (B,)
    A -= m
    np.exp(A, out=A)
    s = A.sum(axis=0)  # (B,): sum_k exp(a_kn - m_n)
    A *= 1.0 / s  # one division per point, then K multiplications
    return float(m.sum() + np.log(s).sum())  # log p(x_n) = m_n + log s_n


def e_step(X, p: GMMParams):
    r"""gamma_nk = p(z_n = k | x_n, theta), as em.e_step, block by block.

    Takes X (N, D) and p, returns (gamma, total log-likelihood at p) as em.e_step
    does; gamma (N, K) is column-major here.

    Notes
    -----
    Agrees with em.e_step to ~1e-12. Explained in notebooks/09.
    """
    X = check_X(X)
    N, D = X.shape
    p = check_params(p, D)
    W, const, c = whitening(p)
    gamma_kn = np.empty((p.K, N))  # (K, N); its transpose is the (N, K) result
    B = min(block_rows(p.K, D), N)
    T, Z = np.ones((D + 1, B)), np.empty((p.K * D, B))  # workspaces for every block
    ll = 0.0
    for start in range(0, N, B):
        A = gamma_kn[:, start:start + B]  # (K, b) view: filled in place
        _log_joint_block(_centred_block(X, start, c, T), W, const, A, Z)
        ll += normalise_block(A)
    return gamma_kn.T, ll


# ---------------------------------------------------------------- M-step


def _looks_like_responsibilities(g) -> bool:
    """Entries in [0, 1] and columns summing to 1, as check_gamma demands, for a (K, B) block of gamma^T.

    A NaN fails every comparison, so it fails this test too.
    """
    return bool(g.min() >= 0 and g.max() <= GAMMA_MAX and np.abs(g.sum(axis=0) - 1.0).max() <= ROW_SUM_TOL)


def _weighted_sums(X, gamma):
    """N_k = sum_n gamma_nk (K,) and sum_n gamma_nk x_n (K, D) in one pass; None if gamma fails the
    cheap checks, made on each block while it is in the cache."""
    N, D = X.shape
    K = gamma.shape[1]
    B = block_rows(K, D)
    gamma_kn = gamma.T  # (K, N)
    N_k, sum_x = np.zeros(K), np.zeros((K, D))
    for start in range(0, N, B):
        g = gamma_kn[:, start:start + B]  # (K, B)
        if not _looks_like_responsibilities(g):
            return None
        N_k += g.sum(axis=1)
        sum_x += g @ X[start:start + B]
    return N_k, sum_x


def scatter(X, gamma, mu, diagonal_only: bool):
    """S_k = sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T, (K, D, D); or only its diagonal, (K, D).

    Centred ("two-pass") like covariance.py: mu is known before this pass.
    """
    N, D = X.shape
    K = mu.shape[0]
    B = min(block_rows(K, D), N)
    gamma_kn = gamma.T  # (K, N)
    c = mu.mean(axis=0)  # (D,): a centre inside the data, as in the E-step
    T, diff, weighted = np.ones((D + 1, B)), np.empty((K, D, B)), np.empty((K, D, B))  # workspaces
    S = np.zeros((K, D, 1) if diagonal_only else (K, D, D))
    for start in range(0, N, B):
        Tb = _centred_block(X, start, c, T)  # (D + 1, b): x_n - c, then a row of ones
        b = Tb.shape[1]
        d = np.subtract(Tb[None, :D], (mu - c)[:, :, None], out=diff[:, :, :b])  # (K, D, b): x_n - mu_k
        w = np.multiply(d, gamma_kn[:, None, start:start + b], out=weighted[:, :, :b])  # gamma_nk (x_n - mu_k)
        if diagonal_only:
            S += np.multiply(w, d, out=w) @ np.ones((b, 1))  # (K, D, 1)
        else:
            S += w @ d.transpose(0, 2, 1)  # (K, D, D): K products in one call
    return S[:, :, 0] if diagonal_only else S


def m_step(X, gamma, covariance_type: str = "full", reg_covar: float = 1e-6) -> GMMParams:
    r"""N_k, pi_k, mu_k and Sigma_k as em.m_step, in two passes over blocks of the data.

    Parameters
    ----------
    X : (N, D) data.
    gamma : (N, K) responsibilities from the E-step.
    covariance_type : "full", "tied", "diag" or "spherical".
    reg_covar : added to every variance.

    Returns
    -------
    GMMParams, equal to em.m_step's to ~1e-12.

    Notes
    -----
    Explained in notebooks/09.
    """
    X = check_X(X)
    gamma = check_gamma_shape(gamma, X.shape[0])  # (N, K); its values are checked in the first pass
    sums = _weighted_sums(X, gamma)
    if sums is None:
        gamma = check_gamma(gamma, X.shape[0])  # raises em.m_step's error, naming what is wrong
        sums = gamma.sum(axis=0), gamma.T @ X  # reached only on the knife-edge of a tolerance
    N_k, sum_x = sums
    check_covariance_type(covariance_type)
    reg_covar = check_positive(reg_covar, "reg_covar", allow_zero=True)
    N_k = soft_counts(N_k)  # (K,)
    pi = N_k / N_k.sum()  # (K,)
    mu = sum_x / N_k[:, None]  # (K, D)
    S = scatter(X, gamma, mu, diagonal_only=covariance_type in ("diag", "spherical"))
    Sigma = covariance_from_scatter(S, N_k, covariance_type, reg_covar)  # (K, D, D)
    check_not_collapsed(Sigma, N_k)
    return GMMParams(pi=pi, mu=mu, Sigma=Sigma, covariance_type=covariance_type)


# ---------------------------------------------------------------- the loop


def fit_gmm(X, K: int, init="kmeans++", covariance_type: str = "full", max_iter: int = 100, tol: float = 1e-3,
            reg_covar: float = 1e-6, seed=None, n_init: int = 1) -> FitResult:  # em.fit_gmm's (tests/test_fast.py)
    r"""EM as em.fit_gmm (same arguments, same result), with the fast e_step and m_step.

    Notes
    -----
    The loop, the starts and the checks are em.run_em's, as in em.fit_gmm; only the
    two steps differ. Explained in notebooks/09.
    """
    return run_em(X, K, e_step, m_step, init=init, covariance_type=covariance_type, max_iter=max_iter,
                  tol=tol, reg_covar=reg_covar, seed=seed, n_init=n_init)
