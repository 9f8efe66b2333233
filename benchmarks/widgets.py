"""How long does one update of each lecture widget take, on the lesson data?

An update is what happens in the kernel when a learner moves a control: the
callback runs the library's maths, moves the artists and renders the PNG that
replaces the picture. It is timed from setting the control's value in Python
(the observer runs synchronously) to the new PNG being in the Image widget;
the browser then only swaps an image. Target: median under 100 ms.

Run with `.venv/bin/python benchmarks/widgets.py`; writes benchmarks/results/widgets.md.
"""

import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402

import gmm_teach as gt  # noqa: E402

N_UPDATES = 30
N_WARMUP = 3


def timed(updates):
    """Run each update (a no-argument callable); wall-clock and CPU times in ms, warm-up ones left out.

    The CPU time (this process, all threads) is what the update costs; the wall-clock time is
    what a learner waits, and grows when other programs share the cores.
    """
    wall, cpu = [], []
    for i, update in enumerate(updates):
        start, start_cpu = time.perf_counter(), time.process_time()
        update()
        if i >= N_WARMUP:
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def setter(widget, name, value):
    def update():
        widget.controls[name].value = value
        assert widget.message.value == "", widget.message.value
    return update


def sweep(lo, hi, n):
    """n values going from lo to hi and back, so every update changes something."""
    up = np.linspace(lo, hi, n // 2 + 1)
    return [float(v) for v in np.resize(np.concatenate([up, up[-2:0:-1]]), n)]


def cases():
    """(widget, what changes, list of updates) for every widget, N_WARMUP + N_UPDATES updates each."""
    n = N_WARMUP + N_UPDATES
    w = gt.widgets.mixture_explorer()
    yield "mixture explorer", "mean slider", [setter(w, "mean1", v) for v in sweep(60.0, 68.0, n)]
    w = gt.widgets.mixture_explorer()
    yield "mixture explorer", "weight slider", [setter(w, "weight2", v) for v in sweep(0.1, 0.9, n)]

    w = gt.widgets.em_stepper(K=3)
    yield "EM stepper (blobs, K=3)", "Step button (E or M)", [w.buttons["step"].click] * n
    w = gt.widgets.em_stepper(K=3, dataset="Old Faithful")
    yield "EM stepper (Old Faithful, K=3)", "Step button (E or M)", [w.buttons["step"].click] * n
    w = gt.widgets.em_stepper(K=3)
    Ks = [2 + i % 6 for i in range(n)]
    yield "EM stepper (blobs)", "K slider (new start)", [setter(w, "K", K) for K in Ks]

    w = gt.widgets.soft_kmeans_explorer()
    beta = w.controls["beta"]
    yield "soft k-means", "β slider (log sweep)", [setter(w, "beta", 10**v) for v in sweep(beta.min, beta.max, n)]

    w = gt.widgets.ellipse_explorer()
    yield "ellipse explorer", "ρ slider", [setter(w, "rho", v) for v in sweep(-0.95, 0.95, n)]
    w = gt.widgets.ellipse_explorer()
    yield "ellipse explorer", "σx slider", [setter(w, "sigma_x", v) for v in sweep(0.3, 2.5, n)]

    w = gt.widgets.choose_k()
    yield "choosing K (Old Faithful)", "K slider", [setter(w, "K", 1 + i % 8) for i in range(1, n + 1)]


def one_offs():
    """Updates that fit EM from scratch: timed once each, reported apart."""
    w = gt.widgets.mixture_explorer()
    yield "mixture explorer", "first 'Show EM's answer' (fits EM)", timed([lambda: None] * N_WARMUP
                                                                           + [w.buttons["em"].click])
    w = gt.widgets.choose_k()
    types = ["diag", "spherical", "tied", "full"]
    yield "choosing K (Old Faithful)", "covariance type (refits K = 1..8, 3 starts each)", timed(
        [lambda: None] * N_WARMUP + [setter(w, "covariance_type", t) for t in types])


def row(widget, what, times):
    wall, cpu = times
    q = np.percentile(wall, [50, 90])
    return (f"| {widget} | {what} | {len(wall)} | **{q[0]:.0f}** | {q[1]:.0f} | {max(wall):.0f} "
            f"| {statistics.median(cpu):.0f} |")


def main():
    table_head = ["| widget | update | n | median ms | p90 ms | max ms | median CPU ms |",
                  "|---|---|---|---|---|---|---|"]
    lines = list(table_head)
    medians = {}
    for widget, what, updates in cases():
        times = timed(updates)
        medians[(widget, what)] = statistics.median(times[0])
        lines.append(row(widget, what, times))
        print(lines[-1], flush=True)
    lines += ["", "One-off updates that run EM from scratch (not slider drags):", "", *table_head]
    for widget, what, times in one_offs():
        lines.append(row(widget, what, times))
        print(lines[-1], flush=True)
    load = os.getloadavg()
    verdict = "all under" if max(medians.values()) < 100 else "NOT all under"
    header = (
        "# Widget update times\n\n"
        "Kernel-side time of one update: set a control from Python (the observer runs synchronously), run "
        "the library's maths, move the artists, render the PNG into the Image widget. "
        f"{N_UPDATES} updates per row after {N_WARMUP} warm-up ones; lesson data (Galton heights, blobs, "
        "Old Faithful, penguins). The browser adds the transfer and an image swap (the browser test "
        "writes its round-trip times to test-artifacts/browser/*/timings-ms.json).\n\n"
        "Times are wall-clock (what a learner waits) except the last column (CPU time of this process).\n\n"
        f"Medians of slider/button updates: **{verdict} the 100 ms target** "
        f"(largest median {max(medians.values()):.0f} ms).\n\n"
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy "
        f"{np.__version__}, matplotlib {matplotlib.__version__}; load average while measuring "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (other work on the machine slows these numbers down).\n\n"
        "Run: `.venv/bin/python benchmarks/widgets.py`\n\n"
    )
    out = Path(__file__).parent / "results" / "widgets.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(header + "\n".join(lines) + "\n")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
