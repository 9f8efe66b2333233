"""How far does gmm_teach's EM drift from scikit-learn's, from the same start?

Runs both for 1, 20 and 100 iterations (tol=0) on anisotropic data for every
covariance type and several seeds and dimensions, and prints the largest
deviation of weights, means, covariances and mean log-likelihood. Run with
`.venv/bin/python benchmarks/accuracy.py`; writes benchmarks/results/accuracy.md.
"""

import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.mixture import GaussianMixture

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from helpers import anisotropic_mixture, start_params  # noqa: E402

import gmm_teach as gt  # noqa: E402
from gmm_teach.estimator import to_sklearn_covariances  # noqa: E402

TYPES = ["full", "tied", "diag", "spherical"]


def deviations(X, K, covariance_type, n_iter, seed):
    p0 = start_params(X, K, covariance_type, seed=seed)
    ours = gt.fit_gmm(X, K, init=p0, covariance_type=covariance_type, max_iter=n_iter, tol=0)
    sk = GaussianMixture(K, covariance_type=covariance_type, weights_init=p0.pi, means_init=p0.mu,
                         precisions_init=to_sklearn_covariances(np.linalg.inv(p0.Sigma), covariance_type),
                         max_iter=n_iter, tol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(X)
    p = ours.params
    cov = to_sklearn_covariances(p.Sigma, covariance_type)
    rel = lambda a, b: np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12))  # noqa: E731
    return {
        "weights": rel(p.pi, sk.weights_),
        "means": rel(p.mu, sk.means_),
        "covariances": rel(cov, sk.covariances_),
        "mean log-lik": rel(ours.log_likelihoods[-1] / len(X), sk.score(X)),
    }


def main():
    rows = []
    for covariance_type in TYPES:
        worst = {}
        for n_iter in (1, 20, 100):
            for seed in range(5):
                for D in (1, 2, 5):
                    X, _, _ = anisotropic_mixture(K=3, D=D, N=800, seed=seed)
                    for key, value in deviations(X, 3, covariance_type, n_iter, seed).items():
                        worst[key] = max(worst.get(key, 0.0), value)
        rows.append((covariance_type, worst))
    lines = ["| covariance type | weights | means | covariances | mean log-likelihood |", "|---|---|---|---|---|"]
    for t, w in rows:
        lines.append(f"| {t} | {w['weights']:.1e} | {w['means']:.1e} | {w['covariances']:.1e} | {w['mean log-lik']:.1e} |")
    table = "\n".join(lines)
    header = ("Largest relative deviation from scikit-learn's GaussianMixture after 1, 20 and 100 EM "
              "iterations from the same start (tol=0), K=3, D in {1, 2, 5}, 5 seeds, N=800, anisotropic data.\n\n")
    out = Path(__file__).parent / "results" / "accuracy.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("# Accuracy against scikit-learn\n\n" + header + table + "\n")
    print(header + table)


if __name__ == "__main__":
    main()
