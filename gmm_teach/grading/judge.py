"""Grading one submission: learner code in the sandbox, the instructor's tests in the grader.

The runner (sandboxed) executes the learner's cells. Each graded cell — the
visible ``gt.checks`` call and the hidden tests, always taken from the source
notebook, whatever the learner did to their copy — runs here, in the grader's own
process, where the learner's functions are stand-ins (RemoteFunction) that send
their arguments to the runner and bring back plain data. So patching numpy or
gmm_teach.checks inside a submission changes nothing the tests use, and the
hidden tests never enter the sandbox.

If the runner dies (os._exit, a segfault, out of memory) or a cell runs out of
time, that question scores 0, the runner is restarted, the learner's cells that
did not kill it are replayed, and grading goes on: points earned elsewhere are kept.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import STRICT_ENV, CheckFailedError
from . import protocol
from .sandbox import Limits, apply_limits, runner_command

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


# BaseException, like KeyboardInterrupt: the checks and hidden tests catch Exception from a
# learner's function, and must not mistake "the runner is gone" for an ordinary wrong answer.
class RunnerDied(BaseException):  # noqa: N818 (an event, not an error of ours)
    """The submission's process ended (crash, os._exit, killed for memory or CPU)."""


class RunnerTimeout(BaseException):  # noqa: N818
    """The submission did not answer in time (e.g. an infinite loop); its process was killed."""


class SubmissionError(Exception):
    """The learner's code raised; carries its exception type and message."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


# ---------------------------------------------------------------- talking to one runner


class Session:
    """One runner process in the sandbox and the pipes to talk to it."""

    def __init__(self, bwrap, scratch: Path, masked: list[Path], limits: Limits):
        to_runner_r, self._to_runner = os.pipe()
        self._from_runner, from_runner_w = os.pipe()
        log = open(scratch / "runner-output.txt", "wb")  # noqa: SIM115 (the child keeps it)
        self.process = subprocess.Popen(
            runner_command(bwrap, scratch, masked, (to_runner_r, from_runner_w)),
            pass_fds=(to_runner_r, from_runner_w), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            cwd=scratch, preexec_fn=apply_limits(limits), start_new_session=True,
            env={"PATH": "/usr/bin:/bin", "HOME": str(scratch), "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"},
        )
        log.close()
        os.close(to_runner_r)
        os.close(from_runner_w)
        self.deadline = None

    def request(self, message: dict, timeout: float) -> dict:
        """Send one request and wait for its reply, at most ``timeout`` seconds (or the cell's deadline)."""
        deadline = time.monotonic() + timeout if self.deadline is None else self.deadline
        if self.process.poll() is not None:
            raise RunnerDied(_how_it_ended(self.process.returncode))
        body = json.dumps(protocol.to_wire(message)).encode()
        try:
            os.write(self._to_runner, struct.pack(">Q", len(body)) + body)
        except (BrokenPipeError, OSError):
            self.kill()
            raise RunnerDied("the submission's process had already ended") from None
        header = self._read(8, deadline)
        (size,) = struct.unpack(">Q", header)
        if size > protocol.MAX_MESSAGE:
            self.kill()
            raise RunnerDied(f"the submission sent {size} bytes, more than the limit")
        return protocol.from_wire(json.loads(self._read(size, deadline)))

    def _read(self, n: int, deadline: float) -> bytes:
        chunks, got = [], 0
        while got < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._from_runner], [], [], remaining)[0]:
                self.kill()
                raise RunnerTimeout("the submission did not answer in time")
            chunk = os.read(self._from_runner, min(n - got, 1 << 20))
            if not chunk:
                code = self.process.wait()
                raise RunnerDied(_how_it_ended(code))
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def close(self) -> None:
        self.kill()
        for fd in (self._to_runner, self._from_runner):
            with contextlib.suppress(OSError):
                os.close(fd)


def _how_it_ended(code: int) -> str:
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        why = {"SIGKILL": " (killed: memory or CPU limit?)", "SIGXCPU": " (CPU time limit)",
               "SIGSEGV": " (segmentation fault)"}.get(name, "")
        return f"the submission's process was ended by {name}{why}"
    return f"the submission's process exited with code {code}"


class RemoteFunction:
    """Stands in for a learner's function in the grader; the call runs in the sandbox."""

    def __init__(self, session_ref, name: str, timeout: float):
        self._session_ref, self.__name__, self._timeout = session_ref, name, timeout

    def __call__(self, *args, **kwargs):
        reply = self._session_ref().request({"op": "call", "name": self.__name__, "args": args,
                                             "kwargs": kwargs}, self._timeout)
        self._session_ref().notes.append(reply)
        if "error" in reply:
            if reply["error"] == "NotImplementedError":
                raise NotImplementedError(reply["message"])
            raise SubmissionError(reply["error"], reply["message"])
        return reply["value"]

    def __repr__(self):
        return f"<learner function {self.__name__}>"


# ---------------------------------------------------------------- the plan for one notebook


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def source_of(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def visible_part(code: str) -> str:
    """A graded cell without its hidden tests (for feedback)."""
    out, hidden = [], False
    for line in code.splitlines():
        if line.strip() == HIDDEN_BEGIN:
            hidden = True
        elif line.strip() == HIDDEN_END:
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out).rstrip()


@dataclass
class Step:
    kind: str  # "setup" (trusted, both sides), "learner" (sandbox), "graded" (grader)
    code: str
    label: str
    grade_id: str | None = None
    points: float = 0.0


@dataclass
class Plan:
    steps: list
    notes: list = field(default_factory=list)  # e.g. "modified test cell restored"


def make_plan(source_nb: dict, submitted_nb: dict | None) -> Plan:
    """Source notebook's skeleton with the learner's answer and own cells in place."""
    submitted = submitted_nb["cells"] if submitted_nb else []
    by_id = {nbgrader_meta(c)["grade_id"]: c for c in submitted if nbgrader_meta(c).get("grade_id")}
    extra_after: dict = {None: []}  # learner's own code cells, after the nbgrader cell they follow
    last_id = None
    for cell in submitted:
        meta = nbgrader_meta(cell)
        if meta.get("grade_id"):
            last_id = meta["grade_id"]
        elif cell.get("cell_type") == "code" and source_of(cell).strip():
            extra_after.setdefault(last_id, []).append(cell)
    plan = Plan([Step("learner", source_of(c), f"your cell {i + 1}") for i, c in enumerate(extra_after[None])])
    for cell in source_nb["cells"]:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if cell.get("cell_type") != "code" or not gid:
            continue
        mine = by_id.get(gid)
        if meta.get("solution"):
            code = source_of(mine) if mine is not None else ""
            plan.steps.append(Step("learner", code, f"answer {gid}", grade_id=gid))
        elif meta.get("grade"):
            plan.steps.append(Step("graded", source_of(cell), gid, grade_id=gid, points=float(meta["points"])))
            _note_tampering(plan, gid, cell, mine, "test")
        else:
            plan.steps.append(Step("setup", source_of(cell), gid, grade_id=gid))
            _note_tampering(plan, gid, cell, mine, "read-only")
        plan.steps += [Step("learner", source_of(c), f"your cell after {gid}") for c in extra_after.get(gid, [])]
    return plan


def _note_tampering(plan: Plan, gid: str, trusted, mine, what: str) -> None:
    """Learners have the released cell: the source without its hidden tests."""
    if mine is None:
        plan.notes.append(f"deleted {what} cell {gid} restored")
    elif source_of(mine).strip() not in (source_of(trusted).strip(), visible_part(source_of(trusted)).strip()):
        plan.notes.append(f"modified {what} cell {gid} restored")


# ---------------------------------------------------------------- grading


@dataclass
class CellResult:
    grade_id: str
    points: float
    max_points: float
    output: str = ""
    failure: str | None = None


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

    def grade(self, source_nb: dict, submitted_nb: dict | None) -> Result:
        plan = make_plan(source_nb, submitted_nb)
        self.scratch = scratch = Path(tempfile.mkdtemp(prefix="gmm-grading-"))
        os.chmod(scratch, 0o777)  # the runner is 'nobody' in its sandbox
        self.session, self.done, self.status = None, [], list(plan.notes)
        trusted: dict = {"__name__": "__grader__"}
        cells = []
        try:
            self._start()
            for step in plan.steps:
                if step.kind == "graded":
                    cells.append(self._graded(step, trusted))
                    continue
                if step.kind == "setup":
                    exec(compile(step.code, step.label, "exec"), trusted)  # noqa: S102 (instructor's code)
                self._in_sandbox(step)
        finally:
            if self.session:
                self.session.close()
            shutil.rmtree(scratch, ignore_errors=True)
        return Result(cells, self.status)

    def _start(self) -> None:
        self.session = Session(self.bwrap, self.scratch, self.masked, self.limits)
        self.session.notes = []
        for step in self.done:  # replay what ran before, so a crash costs one question
            self.session.request({"op": "exec", "code": step.code, "label": step.label}, self.limits.cell_timeout)

    def _in_sandbox(self, step: Step) -> None:
        try:
            reply = self.session.request({"op": "exec", "code": step.code, "label": step.label},
                                         self.limits.cell_timeout)
            self._note_output(reply, step.label)
            self.done.append(step)
        except (RunnerDied, RunnerTimeout) as exc:  # this cell is left out from now on
            self.status.append(f"{'timeout' if isinstance(exc, RunnerTimeout) else 'crash'} in {step.label}")
            self._restart()

    def _restart(self) -> None:
        self.session.close()
        try:
            self._start()
        except (RunnerDied, RunnerTimeout):
            self.done = []  # replaying killed it again: start clean
            self._start()

    def _graded(self, step: Step, trusted: dict) -> CellResult:
        result = CellResult(step.grade_id, 0.0, step.points)
        try:
            names = self.session.request({"op": "functions"}, self.limits.cell_timeout)["value"]
        except (RunnerDied, RunnerTimeout):
            names = []
        for name in names:
            if name not in trusted or isinstance(trusted[name], RemoteFunction):
                # The stand-in always talks to the current runner, also after a restart.
                trusted[name] = RemoteFunction(lambda: self.session, name, self.limits.cell_timeout)
        out = io.StringIO()
        self.session.deadline = time.monotonic() + self.limits.cell_timeout
        os.environ[STRICT_ENV] = "1"  # a failing check raises: the question scores 0
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(step.code, step.grade_id, "exec"), trusted)  # noqa: S102 (instructor's tests)
            result.points = step.points
        except (RunnerDied, RunnerTimeout) as exc:
            kind = "timeout" if isinstance(exc, RunnerTimeout) else "crash"
            self.status.append(f"{kind} in {step.grade_id}")
            result.failure = str(exc)
            self.session.deadline = None
            self._restart()
        except BaseException as exc:  # a failed check or hidden test: the question scores 0
            result.failure = str(exc) if isinstance(exc, CheckFailedError) else f"hidden tests: {_first_line(exc)}"
        finally:
            self.session.deadline = None
        for reply in self.session.notes:
            self._note_output(reply, step.grade_id)
        self.session.notes.clear()
        result.output = out.getvalue()[:20_000]
        return result

    def _note_output(self, reply: dict, label: str) -> None:
        """What a reply from the sandbox says about the submission, for the status column."""
        if reply.get("truncated") and "output truncated" not in self.status:
            self.status.append("output truncated")
        if reply.get("error") == "MemoryError" and f"out of memory in {label}" not in self.status:
            self.status.append(f"out of memory in {label}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300]}" if text else type(exc).__name__
