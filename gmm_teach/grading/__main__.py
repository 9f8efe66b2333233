"""Grade a whole class safely: python -m gmm_teach.grading SET --submitted DIR --gradebook FILE --csv FILE

Reads DIR/<student>/<SET>/<notebook>.ipynb (nbgrader's submitted layout) and the
source notebooks solutions/<SET>/*.ipynb; writes the scores into the nbgrader
gradebook FILE (so nbgrader's formgrader and export keep working) and into a CSV,
feedback HTML without the hidden tests, and autograded notebooks for formgrader.
Exits 0 once every submission is graded, whatever the submissions did.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from .judge import CellResult, Grader, Result, nbgrader_meta
from .report import (
    csv_row,
    ensure_assignment,
    graded_notebook,
    open_gradebook,
    record,
    write_csv,
    write_feedback,
    write_notebook,
)
from .sandbox import Limits, bubblewrap, course_checkout, describe


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m gmm_teach.grading", description=__doc__.splitlines()[0])
    p.add_argument("set", help="the exercise set, e.g. ex01")
    p.add_argument("--submitted", required=True, type=Path, help="DIR/<student>/<SET>/<notebook>.ipynb")
    p.add_argument("--gradebook", required=True, type=Path, help="nbgrader gradebook (sqlite file)")
    p.add_argument("--csv", required=True, type=Path, help="where to write the grades table")
    p.add_argument("--source", type=Path, default=Path("solutions"), help="source notebooks (default: solutions)")
    p.add_argument("--feedback", type=Path, help="feedback HTML folder (default: feedback/ beside the gradebook)")
    p.add_argument("--autograded", type=Path, help="autograded notebooks (default: autograded/ beside the gradebook)")
    p.add_argument("--student", default="*", help="only students matching this glob")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per cell (default 60)")
    p.add_argument("--memory", type=int, default=3072, help="MB of address space per submission (default 3072)")
    p.add_argument("--require-sandbox", action="store_true", help="refuse to grade without bubblewrap")
    p.add_argument("--weak-isolation", action="store_true",
                   help="do not use bubblewrap even if present (trusted submissions, or testing)")
    return p.parse_args(argv)


def progress(done: int, total: int, text: str) -> None:
    width = 24
    filled = width * done // max(total, 1)
    print(f"[{'#' * filled}{'.' * (width - filled)}] {done:>3}/{total}  {text}", file=sys.stderr, flush=True)


def load(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def main(argv=None) -> int:
    args = parse(argv)
    # nbgrader's Gradebook runs `alembic` by name: find it beside this Python without activating a venv.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    source_dir = args.source / args.set
    sources = {p.stem: json.loads(p.read_text()) for p in sorted(source_dir.glob("*.ipynb"))}
    if not sources:
        print(f"no source notebooks in {source_dir}", file=sys.stderr)
        return 2
    if not args.submitted.is_dir():
        print(f"no submissions folder {args.submitted}", file=sys.stderr)
        return 2
    bwrap = None if args.weak_isolation else bubblewrap()
    print(describe(bwrap), file=sys.stderr)
    if args.require_sandbox and not bwrap:
        return 2
    gradebook, out_csv = args.gradebook.resolve(), args.csv.resolve()
    feedback = (args.feedback or gradebook.parent / "feedback").resolve()
    autograded = (args.autograded or gradebook.parent / "autograded").resolve()
    masked = [args.source.resolve(), args.submitted.resolve(), gradebook, out_csv, feedback, autograded,
              *filter(None, [course_checkout()])]  # the course repository has solutions/ too
    grader = Grader(bwrap, masked, Limits(cell_timeout=args.timeout, memory_mb=args.memory))
    with open_gradebook(gradebook) as gb:
        ensure_assignment(gb, args.set, sources)
    return grade_class(args, sources, grader, gradebook, out_csv, feedback, autograded, bool(bwrap))


def grade_class(args, sources, grader, gradebook, out_csv, feedback, autograded, sandboxed) -> int:
    students = sorted(p.name for p in args.submitted.iterdir() if p.is_dir() and fnmatch.fnmatch(p.name, args.student))
    grade_ids = [m["grade_id"] for nb in sources.values() for c in nb["cells"]
                 if (m := c.get("metadata", {}).get("nbgrader", {})).get("grade")]
    rows, start = [], time.monotonic()
    gb = open_gradebook(gradebook)  # kept open: opening it starts a process (alembic)
    for i, student in enumerate(students, 1):
        t0 = time.monotonic()
        if not sandboxed:
            gb.close()  # the submission could delete or replace the file under an open connection
        results, status = grade_student(grader, sources, args, student, gradebook, sandboxed)
        if not sandboxed:
            gb = open_gradebook(gradebook)
        record(gb, args.set, student, results)
        for nb_name, result in results.items():
            submitted = load(args.submitted / student / args.set / f"{nb_name}.ipynb")
            write_feedback(feedback / student / args.set / f"{nb_name}.html",
                           graded_notebook(sources[nb_name], submitted, result, hide_tests=True))
            write_notebook(autograded / student / args.set / f"{nb_name}.ipynb",
                           graded_notebook(sources[nb_name], submitted, result, hide_tests=False))
        rows.append(csv_row(student, results, status))
        write_csv(out_csv, rows, grade_ids)
        row = rows[-1]
        progress(i, len(students), f"{student}: {row['total']:g}/{row['max_score']:g}  {row['status']}  "
                                   f"({time.monotonic() - t0:.1f} s)")
    gb.close()
    n = max(len(students), 1)
    print(f"graded {len(students)} submissions of {args.set} in {time.monotonic() - start:.0f} s "
          f"({(time.monotonic() - start) / n:.1f} s each); grades in {out_csv} and {gradebook}", file=sys.stderr)
    return 0


def grade_student(grader, sources, args, student, gradebook: Path, sandboxed: bool):
    """Grade every notebook of one student; in weak isolation, undo any damage to the gradebook."""
    backup = gradebook.read_bytes()
    digest = hashlib.sha256(backup).hexdigest()
    results, status = {}, []
    for nb_name, source_nb in sources.items():
        path = args.submitted / student / args.set / f"{nb_name}.ipynb"
        submitted = load(path)
        if submitted is None or not isinstance(submitted.get("cells"), list):
            status.append(f"{nb_name}.ipynb missing or unreadable")
            submitted = None
        try:
            results[nb_name] = result = grader.grade(source_nb, submitted)
            status += result.status
        except Exception as exc:  # a grader failure must not stop the class: zero, and say why
            results[nb_name] = Result([CellResult(m["grade_id"], 0.0, float(m["points"]), failure="grader error")
                                       for c in source_nb["cells"] if (m := nbgrader_meta(c)).get("grade")], [])
            status.append(f"grader error: {type(exc).__name__}: {exc}")
    if not sandboxed and (not gradebook.exists() or hashlib.sha256(gradebook.read_bytes()).hexdigest() != digest):
        gradebook.write_bytes(backup)
        status.append("gradebook damaged by the submission and restored")
    return results, status


if __name__ == "__main__":
    sys.exit(main())
