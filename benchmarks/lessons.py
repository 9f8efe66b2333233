"""How long does each lesson take under nbval, as `make test` runs it?

Runs pytest with nbval on each notebook of notebooks/ in turn (the same options as
the Makefile's NBVAL, one BLAS thread), and records the outcome, pytest's own
duration (kernel start and cells), the wall-clock time of the whole process
(with pytest's start-up) and its CPU time (pytest, the kernel and everything they
started). Target (DESIGN.md): each lesson well under 30 s on a 2-core machine.

Run: `.venv/bin/python benchmarks/lessons.py [notebook ...]`; writes
benchmarks/results/lessons.md.
"""

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "results" / "lessons.md"
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-cell-timeout=120", "--nbval-sanitize-with=.nbval_sanitize.cfg"]
TARGET_S = 30.0


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_one(notebook: Path) -> dict:
    """nbval on one notebook: outcome, cells, pytest's duration, wall-clock and CPU seconds."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "OPENBLAS_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        cpu, start = children_cpu(), time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NBVAL,
                               f"--junitxml={junit}", str(notebook.relative_to(ROOT))],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        wall, cpu = time.perf_counter() - start, children_cpu() - cpu
        suite = ET.parse(junit).getroot()
        suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    return {"name": notebook.name, "cells": int(suite.get("tests", 0)), "failed": failed,
            "ok": proc.returncode == 0, "pytest_s": float(suite.get("time", "nan")), "wall_s": wall, "cpu_s": cpu}


def report(rows, load) -> str:
    slowest = max(rows, key=lambda r: r["pytest_s"])
    all_ok = all(r["ok"] for r in rows)
    lines = [
        "# Lessons under nbval",
        "",
        "Each notebook of notebooks/ run alone with `pytest --nbval --nbval-current-env --nbval-cell-timeout=120 "
        "--nbval-sanitize-with=.nbval_sanitize.cfg` (as `make test`), one BLAS thread. *nbval s*: pytest's "
        "own duration (kernel start and cells); *wall s*: the whole process including pytest's start-up; "
        "*CPU s*: CPU time of pytest, the kernel and all they started.",
        "",
        f"- every lesson passes nbval: {'yes' if all_ok else '**no**'}",
        f"- every lesson under {TARGET_S:.0f} s: {'yes' if slowest['pytest_s'] < TARGET_S else '**no**'} "
        f"(slowest: {slowest['name']}, {slowest['pytest_s']:.1f} s)",
        "",
        "| lesson | cells | nbval | nbval s | wall s | CPU s |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        outcome = "pass" if r["ok"] else f"**FAIL** ({r['failed']} cells)"
        lines.append(f"| {r['name']} | {r['cells']} | {outcome} | {r['pytest_s']:.1f} | {r['wall_s']:.1f} "
                     f"| {r['cpu_s']:.1f} |")
    lines += ["", f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
              f"load average before / after: {load[0]} / {load[1]} (other work on the machine slows the "
              "wall-clock times down).", "", "Run: `.venv/bin/python benchmarks/lessons.py`"]
    return "\n".join(lines) + "\n"


def main(paths=()):
    notebooks = [Path(p).resolve() for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = []
    for nb in notebooks:
        rows.append(run_one(nb))
        r = rows[-1]
        print(f"{r['name']}: {'pass' if r['ok'] else 'FAIL'}, {r['cells']} cells, nbval {r['pytest_s']:.1f} s, "
              f"wall {r['wall_s']:.1f} s, CPU {r['cpu_s']:.1f} s", flush=True)
    text = report(rows, (load_before, " ".join(f"{x:.1f}" for x in os.getloadavg())))
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text)
    print(text)
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
