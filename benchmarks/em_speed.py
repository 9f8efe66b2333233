"""How fast is one EM iteration, next to scikit-learn and next to what the hardware allows?

One iteration = one E-step + one M-step, full covariances, K = 5, for
N in {1e4, 1e5, 1e6} and D in {1, 2, 10}, on the same data and parameters for:

* scikit-learn: its own ``_e_step`` and ``_m_step`` (the two calls inside
  ``GaussianMixture.fit``'s loop; private methods, the only way to time one iteration);
* gmm_teach: the readable ``gt.e_step`` then ``gt.m_step``;
* gmm_teach.fast: ``fast.e_step`` then ``fast.m_step`` (same signatures, same checks);
* the floor: the arithmetic no full-covariance EM iteration can avoid, done by
  numpy in the most direct way: two matrix products of the same size,
  X (N, D) @ A (D, K D) (the E-step's L_k^{-1} x for every k) and Y^T (K D, N) @ X
  (the M-step's sums of x x^T), plus one exp over an (N, K) array (the
  responsibilities), all into preallocated outputs.

The contenders run interleaved in one process (rotating their order each round),
after one warm-up call each; the figure is the median over rounds. Times are CPU
time of this process (``time.process_time``) with BLAS held to one thread, so
that other programs sharing the machine's cores do not inflate them; wall-clock
medians are in the second table. Targets: readable within 1.2x of scikit-learn at
every size; fast at least 3x faster than scikit-learn and within 3x of the floor
at N = 1e6.

Also times the whole fit (20 iterations, tol=0, from the same start) at N = 1e5.

Run: `.venv/bin/python benchmarks/em_speed.py` (about 5 minutes; `--quick --out /tmp/x`
for a smoke run up to N = 1e5). Writes benchmarks/results/em_speed.md, em_speed.png and
em_speed.json (the raw medians, in seconds).
"""

import argparse
import json
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky
from threadpoolctl import threadpool_limits

import gmm_teach as gt
from gmm_teach import fast
from gmm_teach.estimator import to_sklearn_covariances

K = 5
DIMS = (1, 2, 10)
SIZES = (10_000, 100_000, 1_000_000)
ROUNDS = {10_000: 31, 100_000: 15, 1_000_000: 7}
OUT = Path(__file__).parent / "results"


def problem(N, D, seed=0):
    """Data from a K-component anisotropic mixture, and parameters near the truth (an M-step on the true labels)."""
    rng = np.random.default_rng(seed)
    mu = rng.normal(scale=4.0, size=(K, D))
    A = rng.normal(size=(K, D, D))
    Sigma = A @ A.transpose(0, 2, 1) / D + 0.3 * np.eye(D)
    true = gt.GMMParams(pi=rng.dirichlet(np.full(K, 5.0)), mu=mu, Sigma=Sigma)
    X, z = gt.sample_mixture(true, N, seed=rng)
    return X, gt.m_step(X, np.eye(K)[z])


class Contenders:
    """The four things timed, each a no-argument callable doing one iteration on (X, p)."""

    def __init__(self, X, p):
        self.X, self.p = X, p
        self.sk = GaussianMixture(n_components=K, covariance_type="full")
        N, D = X.shape
        rng = np.random.default_rng(1)
        self.A, self.Y, self.S = rng.normal(size=(D, K * D)), np.empty((N, K * D)), np.empty((K * D, D))
        self.E, self.F = rng.normal(size=(N, K)), np.empty((N, K))

    def reset_sklearn(self):
        p, sk = self.p, self.sk
        sk.weights_, sk.means_, sk.covariances_ = p.pi.copy(), p.mu.copy(), to_sklearn_covariances(p.Sigma, "full")
        sk.precisions_cholesky_ = _compute_precision_cholesky(sk.covariances_, "full")

    def sklearn(self):
        _, log_resp = self.sk._e_step(self.X)
        self.sk._m_step(self.X, log_resp)

    def readable(self):
        gamma, _ = gt.e_step(self.X, self.p)
        return gt.m_step(self.X, gamma)

    def fast(self):
        gamma, _ = fast.e_step(self.X, self.p)
        return fast.m_step(self.X, gamma)

    def floor(self):
        np.matmul(self.X, self.A, out=self.Y)
        np.matmul(self.Y.T, self.X, out=self.S)
        np.exp(self.E, out=self.F)


NAMES = ("sklearn", "readable", "fast", "floor")


def time_iteration(X, p, rounds):
    """Median CPU and wall-clock seconds of one iteration for each contender."""
    c = Contenders(X, p)
    cpu = {name: [] for name in NAMES}
    wall = {name: [] for name in NAMES}
    for r in range(rounds + 1):  # round 0 is the warm-up
        for name in NAMES[r % 4:] + NAMES[:r % 4]:
            c.reset_sklearn()
            t_cpu, t_wall = time.process_time(), time.perf_counter()
            getattr(c, name)()
            if r > 0:
                cpu[name].append(time.process_time() - t_cpu)
                wall[name].append(time.perf_counter() - t_wall)
    return {n: np.median(v) for n, v in cpu.items()}, {n: np.median(v) for n, v in wall.items()}


def agreement(X, p):
    """Largest differences: fast vs readable (gamma, mu, Sigma) and readable vs scikit-learn (gamma)."""
    gamma, ll = gt.e_step(X, p)
    gamma_fast, ll_fast = fast.e_step(X, p)
    q, q_fast = gt.m_step(X, gamma), fast.m_step(X, gamma_fast)
    c = Contenders(X, p)
    c.reset_sklearn()
    _, log_resp = c.sk._e_step(X)
    return {
        "fast gamma": np.abs(gamma_fast - gamma).max(),
        "fast params": max(np.abs(q_fast.mu - q.mu).max() / np.abs(q.mu).max(),
                           np.abs(q_fast.Sigma - q.Sigma).max() / np.abs(q.Sigma).max()),
        "fast loglik": abs(ll_fast - ll) / abs(ll),
        "sklearn gamma": np.abs(np.exp(log_resp) - gamma).max(),
    }


def time_fit(X, p, n_iter=20):
    """CPU seconds of a whole fit from the same start, n_iter iterations (tol=0), each way."""
    sk = GaussianMixture(K, covariance_type="full", weights_init=p.pi, means_init=p.mu,
                         precisions_init=np.linalg.inv(p.Sigma), max_iter=n_iter, tol=0)
    runs = {
        "sklearn": lambda: sk.fit(X),
        "readable": lambda: gt.fit_gmm(X, K, init=p, max_iter=n_iter, tol=0),
        "fast": lambda: fast.fit_gmm(X, K, init=p, max_iter=n_iter, tol=0),
    }
    times = {name: [] for name in runs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's ConvergenceWarning at tol=0
        for r in range(3):
            for name, run in runs.items():
                start = time.process_time()
                run()
                times[name].append(time.process_time() - start)
    return {n: np.median(v) for n, v in times.items()}


def fmt_ms(seconds):
    ms = seconds * 1e3
    return f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    styles = {"sklearn": ("scikit-learn", "C0", "o"), "readable": ("gmm_teach (readable)", "C1", "s"),
              "fast": ("gmm_teach.fast", "C2", "^"), "floor": ("floor: 2 matmuls + exp", "0.4", "x")}
    fig, axes = plt.subplots(2, len(DIMS), figsize=(12, 7), sharex=True, sharey="row", constrained_layout=True)
    for j, D in enumerate(DIMS):
        sub = [r for r in rows if r["D"] == D]
        Ns = [r["N"] for r in sub]
        for name, (label, color, marker) in styles.items():
            axes[0, j].loglog(Ns, [r["cpu"][name] * 1e3 for r in sub], marker=marker, color=color, label=label)
        for name in ("readable", "fast"):
            label, color, marker = styles[name]
            axes[1, j].semilogx(Ns, [r["cpu"][name] / r["cpu"]["sklearn"] for r in sub], marker=marker,
                                color=color, label=label)
        axes[1, j].axhline(1.2, color="C1", ls=":", lw=1)
        axes[1, j].axhline(1 / 3, color="C2", ls=":", lw=1)
        axes[1, j].axhline(1.0, color="C0", lw=1)
        axes[0, j].set_title(f"D = {D}, K = {K}, full covariances")
        axes[1, j].set_xlabel("N (data points)")
    axes[0, 0].set_ylabel("CPU time per EM iteration (ms)")
    axes[1, 0].set_ylabel("time / scikit-learn's time")
    axes[1, 0].set_ylim(0, 1.4)
    axes[0, 0].legend(loc="upper left", fontsize=9)
    axes[1, 1].text(1.2e4, 1.23, "target for readable: 1.2", color="C1", fontsize=8)
    axes[1, 1].text(1.5e5, 0.36, "target for fast at N = 1e6: 1/3", color="C2", fontsize=8, ha="center")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def report(rows, fits, agree, load):
    def ok(flag):
        return "met" if flag else "**missed**"

    big = [r for r in rows if r["N"] == max(SIZES)]
    worst_readable = max(r["cpu"]["readable"] / r["cpu"]["sklearn"] for r in rows)
    worst_speedup = min(r["cpu"]["sklearn"] / r["cpu"]["fast"] for r in big) if big else float("nan")
    worst_floor = max(r["cpu"]["fast"] / r["cpu"]["floor"] for r in big) if big else float("nan")
    lines = [
        "# EM speed: gmm_teach against scikit-learn and against the floor",
        "",
        "One EM iteration (E-step + M-step), full covariances, K = 5, the same data and parameters for "
        "every contender, interleaved in one process. Median CPU time of this process over 31 / 15 / 7 "
        "rounds for N = 1e4 / 1e5 / 1e6, BLAS held to one thread. The floor is two matrix products of the "
        "iteration's size, X (N, D) @ A (D, KD) and Y^T (KD, N) @ X, plus one exp over (N, K), into "
        "preallocated outputs. See benchmarks/em_speed.py for exactly what is timed.",
        "",
        f"- readable `gt.e_step` + `gt.m_step` within 1.2x of scikit-learn at every size: "
        f"{ok(worst_readable <= 1.2)} (worst {worst_readable:.2f}x)",
        f"- `gmm_teach.fast` at least 3x faster than scikit-learn at N = 1e6: {ok(worst_speedup >= 3)} "
        f"(smallest speed-up {worst_speedup:.1f}x)",
        f"- `gmm_teach.fast` within 3x of the floor at N = 1e6: {ok(worst_floor <= 3)} "
        f"(largest ratio {worst_floor:.2f}x)",
        "",
        "| N | D | scikit-learn ms | readable ms | readable / sklearn | readable / floor | fast ms "
        "| sklearn / fast | fast / floor | floor ms | sklearn / floor |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        c = r["cpu"]
        lines.append(
            f"| {r['N']:.0e} | {r['D']} | {fmt_ms(c['sklearn'])} | {fmt_ms(c['readable'])} "
            f"| {c['readable'] / c['sklearn']:.2f} | {c['readable'] / c['floor']:.1f} | {fmt_ms(c['fast'])} "
            f"| {c['sklearn'] / c['fast']:.1f} | {c['fast'] / c['floor']:.2f} | {fmt_ms(c['floor'])} "
            f"| {c['sklearn'] / c['floor']:.1f} |"
        )
    lines += ["", "Wall-clock medians (ms) of the same runs (inflated when other programs share the cores):", "",
              "| N | D | scikit-learn | readable | fast | floor |", "|---|---|---|---|---|---|"]
    for r in rows:
        w = r["wall"]
        lines.append(f"| {r['N']:.0e} | {r['D']} | {fmt_ms(w['sklearn'])} | {fmt_ms(w['readable'])} "
                     f"| {fmt_ms(w['fast'])} | {fmt_ms(w['floor'])} |")
    if fits:
        lines += ["", "Whole fit from the same start, 20 iterations (tol=0), N = 1e5, full covariances, K = 5; "
                  "median CPU seconds of 3 runs:", "",
                  "| D | scikit-learn `fit` | `gt.fit_gmm` | `gmm_teach.fast.fit_gmm` |", "|---|---|---|---|"]
        for D, f in fits.items():
            lines.append(f"| {D} | {f['sklearn']:.2f} | {f['readable']:.2f} | {f['fast']:.2f} |")
    lines += ["", "Agreement on the largest N (max abs difference of responsibilities; max relative difference "
              "of means and covariances after one M-step; relative difference of the log-likelihood):", "",
              "| D | fast vs readable: gamma | params | log-lik | readable vs scikit-learn: gamma |",
              "|---|---|---|---|---|"]
    for D, a in agree.items():
        lines.append(f"| {D} | {a['fast gamma']:.1e} | {a['fast params']:.1e} | {a['fast loglik']:.1e} "
                     f"| {a['sklearn gamma']:.1e} |")
    lines += ["", "![time per iteration](em_speed.png)", "",
              f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}; "
              f"load average before / after: {load[0]} / {load[1]}.", "",
              "Run: `.venv/bin/python benchmarks/em_speed.py`"]
    return "\n".join(lines) + "\n"


def main(quick=False, out=OUT):
    sizes = SIZES[:2] if quick else SIZES
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    rows, agree, fits = [], {}, {}
    with threadpool_limits(limits=1):
        for N in sizes:
            for D in DIMS:
                X, p = problem(N, D)
                cpu, wall = time_iteration(X, p, ROUNDS[N] if not quick else 3)
                rows.append({"N": N, "D": D, "cpu": cpu, "wall": wall})
                print(f"N={N:.0e} D={D:2d} " + "  ".join(f"{n} {cpu[n] * 1e3:8.1f} ms" for n in NAMES), flush=True)
                if N == sizes[-1]:
                    agree[D] = agreement(X, p)
        for D in DIMS:
            fits[D] = time_fit(*problem(100_000, D))
            print(f"fit D={D}: " + "  ".join(f"{n} {t:.2f} s" for n, t in fits[D].items()), flush=True)
    load = (load_before, " ".join(f"{x:.1f}" for x in os.getloadavg()))
    out.mkdir(parents=True, exist_ok=True)
    raw = {"rows": rows, "fits": fits, "agreement": {D: {k: float(v) for k, v in a.items()} for D, a in agree.items()}}
    (out / "em_speed.json").write_text(json.dumps(raw, indent=1, default=float) + "\n")
    plot(rows, out / "em_speed.png")
    text = report(rows, fits, agree, load)
    (out / "em_speed.md").write_text(text)
    print(text)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N up to 1e5 and 3 rounds: a smoke run")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for em_speed.md and em_speed.png")
    args = parser.parse_args()
    main(args.quick, args.out)
