"""Test helpers: anisotropic data and random SPD covariances.

Identity covariances hide bugs (a Sigma where Sigma^-1 belongs is invisible at
Sigma = I), so every oracle test uses rotated, stretched covariances.
"""

import numpy as np

import gmm_teach as gt


def random_rotation(D, rng):
    Q, R = np.linalg.qr(rng.standard_normal((D, D)))
    return Q * np.sign(np.diag(R))


def random_spd(D, rng, low=0.05, high=20.0):
    """A covariance with eigenvalues spread over [low, high] and a random orientation."""
    Q = random_rotation(D, rng)
    lam = np.exp(rng.uniform(np.log(low), np.log(high), size=D))
    return (Q * lam) @ Q.T


def anisotropic_mixture(K=3, D=2, N=600, seed=0, spread=6.0):
    """Data from K well-separated-ish components with anisotropic covariances."""
    rng = np.random.default_rng(seed)
    mu = rng.normal(scale=spread, size=(K, D))
    Sigma = np.stack([random_spd(D, rng) for _ in range(K)])
    pi = rng.dirichlet(np.full(K, 5.0))
    p = gt.GMMParams(pi=pi, mu=mu, Sigma=Sigma)
    X, z = gt.sample_mixture(p, N, seed=rng)
    return X, z, p


def start_params(X, K, covariance_type, seed=1):
    """A valid starting point of the given type: one M-step from random responsibilities."""
    rng = np.random.default_rng(seed)
    gamma = rng.dirichlet(np.ones(K), size=len(X))
    return gt.m_step(X, gamma, covariance_type=covariance_type)
