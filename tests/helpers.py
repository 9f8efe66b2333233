"""Test helpers: anisotropic data and random SPD covariances.

Identity covariances hide bugs (a Sigma where Sigma^-1 belongs is invisible at
Sigma = I), so every oracle test uses rotated, stretched covariances.
"""

import numpy as np
from hypothesis import HealthCheck, settings

import gmm_teach as gt

TYPES = ["full", "tied", "diag", "spherical"]
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # profile in conftest.py


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


def assert_rises_until_collapse(log_likelihoods, history, scale):
    """EM's guarantee: the log-likelihood never decreases, up to the first collapsed component.

    The guarantee is for exact arithmetic. Once a component has collapsed (its smallest
    variance at rounding level next to the data's, ``scale``), log|Sigma| is rounding
    noise; stop there.
    """
    lls = np.asarray(log_likelihoods)
    assert np.isfinite(lls).all()
    healthy = [min(np.linalg.eigvalsh(q.Sigma).min(axis=1)) > 1e-12 * scale for q in history]
    n = healthy.index(False) if False in healthy else len(healthy)
    steps = np.diff(lls[:n])
    assert np.all(steps >= -1e-9 * np.abs(lls[: n - 1]).clip(min=1.0)), steps.min()


def require(ok: bool, why: str):
    """Skip when a browser tool (Chromium, Playwright, axe-core) is missing, except in CI, where that fails."""
    import os

    import pytest

    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{why}; CI must run the browser tests")
    pytest.skip(why)
