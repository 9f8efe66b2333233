"""Grade a whole class safely: gmm-grade SET --submitted DIR --gradebook FILE --csv FILE

Reads DIR/<student>/<SET>/<notebook>.ipynb (nbgrader's submitted layout, with
timestamp.txt when there is one) and the source notebooks solutions/<SET>/*.ipynb.
First grades the model solution in the same sandbox and stops unless it earns full
marks. Then writes the scores into the nbgrader gradebook FILE and into the CSV,
feedback HTML without the hidden tests, autograded notebooks, and a class report.
Students already in the CSV are skipped (resuming an interrupted run); --force
regrades. Exit status: 0 when every submission was graded, 1 when the grader failed
on some, 2 for a wrong set-up, 3 when the model solution does not earn full marks,
130 when interrupted (finished grades are kept).
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import os
import sys
import time
from pathlib import Path

from .classroom import Job, grade_one, in_parallel, load, model_job, one_by_one
from .recorder import Recorder, deferred_interrupt
from .results import read_rows
from .sandbox import Limits, bubblewrap, course_checkout, describe


def parse(argv):
    p = argparse.ArgumentParser(prog="gmm-grade", description=__doc__.splitlines()[0])
    p.add_argument("set", help="the exercise set, e.g. ex01")
    p.add_argument("--submitted", required=True, type=Path, help="DIR/<student>/<SET>/<notebook>.ipynb")
    p.add_argument("--gradebook", required=True, type=Path, help="nbgrader gradebook (sqlite file)")
    p.add_argument("--csv", required=True, type=Path, help="the grades table (kept and merged across runs)")
    p.add_argument("--source", type=Path, default=Path("solutions"), help="source notebooks (default: solutions)")
    p.add_argument("--feedback", type=Path, help="feedback HTML folder (default: feedback/ beside the gradebook)")
    p.add_argument("--autograded", type=Path, help="autograded notebooks (default: autograded/ beside the gradebook)")
    p.add_argument("--report", type=Path, help="class report folder (default: reports/ beside the gradebook)")
    p.add_argument("--student", default="*", help="only students matching this glob")
    p.add_argument("--question", action="append", help="regrade only this graded cell (e.g. q3_check); repeatable")
    p.add_argument("--force", action="store_true", help="regrade students already in the CSV")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once (default: cores)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per cell (default 60)")
    p.add_argument("--submission-timeout", type=float, default=600.0,
                   help="seconds for everything one submission runs (default 600)")
    p.add_argument("--memory", type=int, default=3072, help="MB of address space per submission (default 3072)")
    p.add_argument("--require-sandbox", action="store_true", help="refuse to grade without bubblewrap")
    p.add_argument("--weak-isolation", action="store_true",
                   help="do not use bubblewrap even if present (trusted submissions, or testing)")
    return p.parse_args(argv)


def setup_error(args, sources: dict) -> str | None:
    if not sources:
        return f"no source notebooks in {args.source / args.set}"
    if not args.submitted.is_dir():
        return f"no submissions folder {args.submitted}"
    if args.jobs < 1:
        return "--jobs must be at least 1"
    known = {c["metadata"].get("nbgrader", {}).get("grade_id") for nb in sources.values() for c in nb["cells"]}
    unknown = sorted(set(args.question or []) - known)
    return f"unknown --question {', '.join(unknown)}; graded cells are in {args.source / args.set}" if unknown else None


@contextlib.contextmanager
def tools_beside_python():
    """nbgrader's Gradebook runs `alembic` by name: find it beside this Python, for this block only."""
    before = os.environ.get("PATH")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{before or ''}"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = before


def main(argv=None) -> int:
    args = parse(argv)
    with tools_beside_python():
        return run(args)


def run(args) -> int:
    """Grade the class ``args`` describe; the exit status."""
    sources = {p.stem: load(p) for p in sorted((args.source / args.set).glob("*.ipynb"))}
    error = setup_error(args, sources)
    bwrap = None if args.weak_isolation else bubblewrap()
    print(describe(bwrap), file=sys.stderr)
    if not error and args.require_sandbox and not bwrap:
        error = "--require-sandbox: bubblewrap is not available (apt install bubblewrap)"
    if error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    recorder = Recorder(args, sources, weak=not bwrap)
    limits = Limits(cell_timeout=args.timeout, memory_mb=args.memory, submission_timeout=args.submission_timeout)
    masked = [args.source.resolve(), args.submitted.resolve(), *recorder.outputs(),
              *filter(None, [course_checkout()])]  # the course repository has solutions/ too
    jobs = [Job(s, notebooks(args, s, sources), sources, limits, bwrap, masked) for s in to_grade(args)]
    if jobs and not model_earns_full_marks(model_job(sources, limits, bwrap, masked)):
        recorder.close()
        return 3
    return grade_class(args, recorder, jobs, weak=not bwrap)


def model_earns_full_marks(job: Job) -> bool:
    """Grade the model solution in the same sandbox: a broken set-up shows here, not as a class of zeros."""
    graded = grade_one(job)
    total = sum(r.total for r in graded.results.values())
    full = sum(r.max_score for r in graded.results.values())
    if total == full and not graded.failed:
        print(f"model solution: {total:g}/{full:g}, the sandbox works", file=sys.stderr)
        return True
    lost = [f"  {c.grade_id}: {c.failure}" for r in graded.results.values() for c in r.cells if c.points < c.max_points]
    print(f"error: the model solution scores {total:g}/{full:g} in the sandbox, so grading would be wrong; "
          "nothing was graded. Is the grader running from this course's own environment "
          "(pip install -e \".[instructor]\" here)?\n" + "\n".join(lost + graded.status), file=sys.stderr)
    return False


def to_grade(args) -> list:
    everyone = sorted(p.name for p in args.submitted.iterdir() if p.is_dir() and fnmatch.fnmatch(p.name, args.student))
    done = read_rows(args.csv)
    todo = [s for s in everyone if args.force or args.question or s not in done]
    if len(todo) < len(everyone):
        print(f"{len(everyone) - len(todo)} already graded in {args.csv} (kept; --force regrades)", file=sys.stderr)
    return todo


def notebooks(args, student: str, sources: dict) -> dict:
    folder = args.submitted / student / args.set
    return {name: load(folder / f"{name}.ipynb") for name in sources}


def grade_class(args, recorder, jobs: list, weak: bool) -> int:
    start, failed = time.monotonic(), 0
    n = 1 if weak else min(args.jobs, max(len(jobs), 1))  # weak isolation: one at a time, gradebook checked
    results = one_by_one(jobs) if weak else in_parallel(jobs, n)
    try:
        for i, graded in enumerate(results, 1):
            with deferred_interrupt():
                recorder.store(graded)
            failed += graded.failed
            progress(i, len(jobs), recorder.summary(graded))
    except KeyboardInterrupt:
        print(f"\ninterrupted: {recorder.stored} submissions graded and kept, none in progress recorded; "
              "run the same command again to grade the rest", file=sys.stderr)
        return 130
    finally:
        recorder.close()
    recorder.write_report()
    seconds = time.monotonic() - start
    print(f"graded {len(jobs)} submissions of {args.set} in {seconds:.0f} s with {n} job(s); "
          f"grades in {args.csv} and {args.gradebook}; report in {recorder.report_dir}", file=sys.stderr)
    return 1 if failed else 0


def progress(done: int, total: int, text: str) -> None:
    width = 24
    filled = width * done // max(total, 1)
    print(f"[{'#' * filled}{'.' * (width - filled)}] {done:>3}/{total}  {text}", file=sys.stderr, flush=True)
