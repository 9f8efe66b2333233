"""`make bench`: every speed measurement of the course, in one report.

1. benchmarks/em_speed.py: one EM iteration against scikit-learn and the floor;
2. benchmarks/widgets.py: the update time of each lecture widget;
3. benchmarks/lessons.py: the time of each lesson under nbval;

then benchmarks/results/REPORT.md gathers the three result files (each is also kept
on its own). Takes about 15 minutes; not part of `make test`. Accuracy against
scikit-learn is benchmarks/accuracy.py, run separately.

Run: `.venv/bin/python benchmarks/run_all.py`
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PARTS = ("em_speed.md", "widgets.md", "lessons.md")


def gather() -> str:
    """REPORT.md: the three result files, their headings one level down."""
    sections = ["# gmm-teach speed report", "",
                "Made by `make bench` (benchmarks/run_all.py). Sections: EM speed, widget updates, lessons "
                "under nbval.", ""]
    for name in PARTS:
        path = RESULTS / name
        text = path.read_text() if path.exists() else f"# {name}\n\n(missing: its benchmark did not run)\n"
        sections += ["#" + line if line.startswith("#") else line for line in text.splitlines()] + [""]
    return "\n".join(sections)


def main() -> int:
    failed = []
    for script in ("em_speed.py", "widgets.py", "lessons.py"):
        print(f"==> benchmarks/{script}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script)], cwd=HERE.parent).returncode != 0:
            failed.append(script)
    (RESULTS / "REPORT.md").write_text(gather())
    print(f"wrote {RESULTS / 'REPORT.md'}" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
