"""The one writer: a finished submission goes into the gradebook, the CSV, feedback and details, in that order.

The CSV row comes after the gradebook, so a student with a row is fully recorded:
a resumed run skips exactly those. Everything one submission writes happens with
Ctrl-C deferred, so an interrupt never leaves half a student recorded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import signal
from dataclasses import asdict
from pathlib import Path

from .feedback import write_text
from .gradebook import ensure_assignment, open_gradebook, read_timestamp, record
from .plan import nbgrader_meta, source_of
from .results import make_row, merge_row, read_rows, write_rows


@contextlib.contextmanager
def deferred_interrupt():
    """Ctrl-C inside this block is held back and raised at its end."""
    caught = []
    previous = signal.signal(signal.SIGINT, lambda *_: caught.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


class Recorder:
    """Where grades go; kept open for a whole run (opening the gradebook starts a process)."""

    def __init__(self, args, sources: dict, weak: bool):
        self.args, self.sources, self.weak, self.stored = args, sources, weak, 0
        self.gradebook, self.csv = args.gradebook.resolve(), args.csv.resolve()
        base = self.gradebook.parent
        self.feedback = (args.feedback or base / "feedback").resolve()
        self.autograded = (args.autograded or base / "autograded").resolve()
        self.report_dir = (args.report or base / "reports").resolve()
        self.grade_ids = [m["grade_id"] for nb in sources.values() for c in nb["cells"]
                          if (m := nbgrader_meta(c)).get("grade")]
        self.rows = read_rows(self.csv)
        self.gb = open_gradebook(self.gradebook)
        ensure_assignment(self.gb, args.set, sources)
        self._remember_gradebook()

    def outputs(self) -> list:
        return [self.gradebook, self.csv, self.feedback, self.autograded, self.report_dir]

    def store(self, graded) -> None:
        if self.weak:
            self._restore_if_damaged(graded.status)
        folder = self.args.submitted / graded.student / self.args.set
        late = record(self.gb, self.args.set, graded.student, graded.results, read_timestamp(folder),
                      only=self.args.question)
        row = make_row(graded.student, graded.results, graded.status, late)
        self.rows[graded.student] = merge_row(self.rows.get(graded.student), row, self.args.question, self.grade_ids)
        write_rows(self.csv, self.rows, self.grade_ids)
        if not self.args.question:  # a one-question regrade keeps the earlier feedback
            self._write_pages(graded, folder)
        self.stored += 1
        self._remember_gradebook()

    def _write_pages(self, graded, folder: Path) -> None:
        for nb_name, (html, notebook) in graded.pages.items():
            write_text(self.feedback / graded.student / self.args.set / f"{nb_name}.html", html)
            write_text(self.autograded / graded.student / self.args.set / f"{nb_name}.ipynb", notebook)
        details = {"student": graded.student, "status": graded.status,
                   "cells": [asdict(c) for r in graded.results.values() for c in r.cells],
                   "answers": answers(folder, self.sources)}
        write_text(self.autograded / graded.student / self.args.set / "grading.json", json.dumps(details))

    def summary(self, graded) -> str:
        row = self.rows[graded.student]
        return f"{graded.student}: {float(row['total']):g}/{float(row['max_score']):g}  {row['status']}"

    def _remember_gradebook(self) -> None:
        if self.weak:  # a submission can reach the file: keep a copy to restore
            self.backup = self.gradebook.read_bytes()

    def _restore_if_damaged(self, status: list) -> None:
        now = self.gradebook.read_bytes() if self.gradebook.exists() else b""
        if hashlib.sha256(now).digest() != hashlib.sha256(self.backup).digest():
            self.gb.close()
            self.gradebook.write_bytes(self.backup)
            self.gb = open_gradebook(self.gradebook)
            status.append("gradebook damaged by the submission and restored")

    def write_report(self) -> None:
        from .class_report import write_report

        write_report(self.report_dir, self.args.set, self.sources, self.rows, self.autograded)

    def close(self) -> None:
        self.gb.close()


def answers(folder: Path, sources: dict) -> dict:
    """grade_id -> the learner's code in each answer cell (for the class report's comparisons)."""
    out = {}
    for nb_name in sources:
        try:
            nb = json.loads((folder / f"{nb_name}.ipynb").read_text())
            out.update({m["grade_id"]: source_of(c) for c in nb["cells"] if (m := nbgrader_meta(c)).get("solution")})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    return out
