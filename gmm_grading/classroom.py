"""Grading a class: one sandbox per submission, in parallel worker processes, one writer.

Workers (``--jobs``) grade submissions and render their feedback; only this main
process writes the gradebook, the CSV and the files, one finished submission at a
time, so an interrupted run (Ctrl-C, SIGKILL) leaves every finished grade in place
and nothing of the submissions in progress: run the same command again to go on.
"""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .feedback import feedback_html, graded_notebook, notebook_text
from .judge import CellResult, Grader, Result
from .plan import nbgrader_meta, source_of
from .sandbox import Limits


@dataclass
class Job:
    """One submission to grade: everything a worker process needs (it is pickled)."""

    student: str
    notebooks: dict  # notebook name -> submitted notebook (None: missing or unreadable)
    sources: dict
    limits: Limits
    bwrap: str | None
    masked: list


@dataclass
class Graded:
    """What a worker sends back; nothing of it is stored until the main process records it."""

    student: str
    results: dict
    status: list
    pages: dict = field(default_factory=dict)  # notebook name -> (feedback HTML, autograded notebook)
    failed: bool = False  # the grader itself failed: this grade cannot be trusted


def load(path: Path):
    try:
        nb = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return nb if isinstance(nb, dict) and isinstance(nb.get("cells"), list) else None


def zero_result(source_nb: dict, why: str) -> Result:
    cells = [CellResult(m["grade_id"], 0.0, float(m["points"]), failure=why, outcome="failed")
             for c in source_nb["cells"] if (m := nbgrader_meta(c)).get("grade")]
    return Result(cells, [])


def grade_one(job: Job) -> Graded:
    """Grade every notebook of one submission within its total time budget; render its feedback."""
    grader = Grader(job.bwrap, job.masked, job.limits)
    ends_at = time.monotonic() + job.limits.submission_timeout
    graded = Graded(job.student, {}, [])
    for nb_name, source_nb in job.sources.items():
        submitted = job.notebooks.get(nb_name)
        if submitted is None:
            graded.status.append(f"{nb_name}.ipynb missing or unreadable")
        try:
            result = grader.grade(source_nb, submitted, ends_at)
        except Exception as exc:  # a grader failure: zero, say why, and make the run exit non-zero
            result, graded.failed = zero_result(source_nb, "grader error"), True
            graded.status.append(f"grader error: {type(exc).__name__}: {exc}")
        graded.results[nb_name] = result
        graded.status += result.status
        limits = (job.limits.cell_timeout, job.limits.submission_timeout)
        graded.pages[nb_name] = (feedback_html(graded_notebook(source_nb, submitted, result, True, limits)),
                                 notebook_text(graded_notebook(source_nb, submitted, result, False, limits)))
    return graded


def model_job(sources: dict, limits: Limits, bwrap, masked) -> Job:
    """The model solution as a submission: answer cells without their nbgrader markers."""
    def answer(cell):
        code = source_of(cell)
        if nbgrader_meta(cell).get("solution"):
            code = "\n".join(line for line in code.splitlines()
                             if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
        return {**cell, "source": code}
    notebooks = {name: {**nb, "cells": [answer(c) for c in nb["cells"]]} for name, nb in sources.items()}
    return Job("(model solution)", notebooks, sources, limits, bwrap, masked)


def _worker_init() -> None:
    """Ctrl-C is the main process's business; if it dies, workers end too (and close their sandboxes)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: told when the main process dies
    except (OSError, AttributeError):
        pass


def in_parallel(jobs: list, n: int):
    """Graded submissions as they finish; on KeyboardInterrupt the workers are stopped first."""
    pool = multiprocessing.get_context("fork").Pool(n, initializer=_worker_init)
    try:
        yield from pool.imap_unordered(grade_one, jobs)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def one_by_one(jobs: list):
    for job in jobs:
        yield grade_one(job)
