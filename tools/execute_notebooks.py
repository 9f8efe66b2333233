"""Re-execute lessons and solution notebooks in place, then regenerate exercises/.

    make notebooks                                  # everything
    .venv/bin/python tools/execute_notebooks.py notebooks/03_deriving_em.ipynb

Each notebook runs top to bottom in a fresh kernel from its own folder, without
per-cell timing metadata (it would change on every run, and nbgrader copies it
into exercises/). Afterwards every solutions/<set> is released again into
exercises/<set> with `nbgrader generate_assignment <set> --no-db --force`, so the
drift test stays green. Run it after changing the library or a notebook. Given
paths, it executes only those (and re-releases only those sets).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    start = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)
    return time.perf_counter() - start


def release(set_name: str) -> None:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run([str(bin_dir / "nbgrader"), "generate_assignment", set_name, "--no-db", "--force"],
                   cwd=ROOT, env=env, check=True, capture_output=True)


def main(paths):
    targets = [Path(p).resolve() for p in paths] or sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(
        ROOT.glob("solutions/*/*.ipynb"))
    for path in targets:
        print(f"{path.relative_to(ROOT)}: executed in {execute(path):.1f} s", flush=True)
    # Re-release the sets whose solutions ran (all of them when no paths were given).
    for path in targets:
        if path.parent.parent == ROOT / "solutions":
            release(path.parent.name)
            print(f"exercises/{path.parent.name}: released", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
