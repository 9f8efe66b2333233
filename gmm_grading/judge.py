"""Grading one submission: learner code in the sandbox, the instructor's tests in the grader.

The runner (sandboxed) executes the learner's cells. Each graded cell — the
visible ``gt.checks`` call and the hidden tests, always taken from the source
notebook (plan.py) — runs here, in the grader's own process, where the learner's
functions are stand-ins (session.RemoteFunction) that send their arguments to the
runner and bring back plain data. So patching numpy or gmm_teach.checks inside a
submission changes nothing the tests use, and the hidden tests never enter the sandbox.

If the runner dies (os._exit, a segfault, out of memory) or a cell runs out of
time, that question scores 0, the runner is restarted, the learner's cells that
did not kill it are replayed, and grading goes on: points earned elsewhere are kept.
A submission also has a total time budget (Limits.submission_timeout): once spent,
the questions not reached yet score 0. KeyboardInterrupt is never a grade: it
goes up to the caller, which records nothing for this submission.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from gmm_teach.checks import CheckFailedError, strict

from .plan import Step, make_plan
from .sandbox import Limits
from .session import RemoteFunction, RunnerDied, RunnerTimeout, Session

OUT_OF_TIME = "out of time"


@dataclass
class CellResult:
    grade_id: str
    points: float
    max_points: float
    output: str = ""
    failure: str | None = None
    outcome: str = "passed"  # passed, failed, crash, timeout, out of time


@dataclass
class Result:
    cells: list
    status: list

    @property
    def total(self) -> float:
        return sum(c.points for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.cells)


class Grader:
    """Grades one notebook of one submission against its source notebook."""

    def __init__(self, bwrap, masked: list[Path], limits: Limits):
        self.bwrap, self.masked, self.limits = bwrap, masked, limits

    def grade(self, source_nb: dict, submitted_nb: dict | None, ends_at: float | None = None) -> Result:
        """Grade; ``ends_at`` (time.monotonic) is when the submission's whole time budget runs out."""
        plan = make_plan(source_nb, submitted_nb)
        self.ends_at = ends_at or time.monotonic() + self.limits.submission_timeout
        self.scratch = Path(tempfile.mkdtemp(prefix="gmm-grading-"))
        os.chmod(self.scratch, 0o777)  # the runner is 'nobody' in its sandbox
        self.session, self.done, self.status = None, [], list(plan.notes)
        try:
            cells = self._run(plan.steps)
        finally:
            if self.session:
                self.session.close()
            shutil.rmtree(self.scratch, ignore_errors=True)
        return Result(cells, self.status)

    def _run(self, steps: list) -> list:
        trusted: dict = {"__name__": "__grader__"}
        cells = []
        self._start()
        for step in steps:
            if step.kind == "graded":
                cells.append(self._graded(step, trusted) if self._left() > 0 else self._out_of_time(step))
                continue
            if step.kind == "setup":
                exec(compile(step.code, step.label, "exec"), trusted)  # noqa: S102 (instructor's code)
            if self._left() > 0:
                self._in_sandbox(step)
        return cells

    def _left(self) -> float:
        return self.ends_at - time.monotonic()

    def _timeout(self) -> float:
        return max(min(self.limits.cell_timeout, self._left()), 0.0)

    def _out_of_time(self, step: Step) -> CellResult:
        note = f"{OUT_OF_TIME} before {step.grade_id}"
        if not any(s.startswith(OUT_OF_TIME) for s in self.status):
            self.status.append(note)
        why = f"the whole submission ran longer than {self.limits.submission_timeout:g} s"
        return CellResult(step.grade_id, 0.0, step.points, failure=why, outcome=OUT_OF_TIME)

    def _start(self) -> None:
        self.session = Session(self.bwrap, self.scratch, self.masked, self.limits)
        for step in self.done:  # replay what ran before, so a crash costs one question
            self.session.request({"op": "exec", "code": step.code, "label": step.label}, self._timeout())

    def _in_sandbox(self, step: Step) -> None:
        try:
            reply = self.session.request({"op": "exec", "code": step.code, "label": step.label}, self._timeout())
            self._note_output(reply, step.label)
            self.done.append(step)
        except (RunnerDied, RunnerTimeout) as exc:  # this cell is left out from now on
            self.status.append(f"{_kind(exc)} in {step.label}: {exc}")
            self._restart()

    def _restart(self) -> None:
        self.session.close()
        try:
            self._start()
        except (RunnerDied, RunnerTimeout):
            self.done = []  # replaying killed it again: start clean
            self._start()

    def _graded(self, step: Step, trusted: dict) -> CellResult:
        self._stand_ins(trusted)
        result, out = CellResult(step.grade_id, 0.0, step.points), io.StringIO()
        self.session.deadline = time.monotonic() + self._timeout()
        try:
            with strict(), contextlib.redirect_stdout(out):
                exec(compile(step.code, step.grade_id, "exec"), trusted)  # noqa: S102 (instructor's tests)
            result.points = step.points
        except (RunnerDied, RunnerTimeout) as exc:
            self._lost_runner(result, exc)
        except (KeyboardInterrupt, SystemExit):
            raise  # the grader is being stopped: this is not the learner's grade
        except BaseException as exc:  # a failed check or hidden test: the question scores 0
            result.outcome = "failed"
            result.failure = str(exc) if isinstance(exc, CheckFailedError) else f"hidden tests: {_first_line(exc)}"
        finally:
            self.session.deadline = None
        for reply in self.session.notes:
            self._note_output(reply, step.grade_id)
        self.session.notes.clear()
        result.output = out.getvalue()[:20_000]
        return result

    def _stand_ins(self, trusted: dict) -> None:
        """The learner's functions, as stand-ins that always talk to the current runner."""
        try:
            names = self.session.request({"op": "functions"}, self._timeout())["value"]
        except (RunnerDied, RunnerTimeout):
            names = []
        for name in names:
            if name not in trusted or isinstance(trusted[name], RemoteFunction):
                trusted[name] = RemoteFunction(lambda: self.session, name, self.limits.cell_timeout)

    def _lost_runner(self, result: CellResult, exc: BaseException) -> None:
        result.outcome = _kind(exc) if self._left() > 0 else OUT_OF_TIME
        self.status.append(f"{result.outcome} in {result.grade_id}")
        result.failure = str(exc)
        self.session.deadline = None
        self._restart()

    def _note_output(self, reply: dict, label: str) -> None:
        """What a reply from the sandbox says about the submission, for the status column."""
        if reply.get("truncated") and "output truncated" not in self.status:
            self.status.append("output truncated")
        if reply.get("error") == "MemoryError" and f"out of memory in {label}" not in self.status:
            self.status.append(f"out of memory in {label}")


def _kind(exc: BaseException) -> str:
    return "timeout" if isinstance(exc, RunnerTimeout) else "crash"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300]}" if text else type(exc).__name__
