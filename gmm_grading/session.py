"""Talking to one sandboxed runner: start it, send a request, wait for the reply within a deadline.

The learner's functions are stood in for in the grader by RemoteFunction: a call
sends its arguments to the runner and brings back plain data (protocol.py).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import time
from pathlib import Path

from . import protocol
from .sandbox import Limits, apply_limits, runner_command, runner_env


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


class Session:
    """One runner process in the sandbox and the pipes to talk to it."""

    def __init__(self, bwrap, scratch: Path, masked: list[Path], limits: Limits):
        to_runner_r, self._to_runner = os.pipe()
        self._from_runner, from_runner_w = os.pipe()
        with open(scratch / "runner-output.txt", "wb") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                runner_command(bwrap, scratch, masked, (to_runner_r, from_runner_w)),
                pass_fds=(to_runner_r, from_runner_w), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                cwd=scratch, preexec_fn=apply_limits(limits), start_new_session=True, env=runner_env(scratch))
        os.close(to_runner_r)
        os.close(from_runner_w)
        self.deadline = None  # a cell's deadline while a graded cell runs
        self.notes = []  # replies to calls made by the tests, for the status column

    def request(self, message: dict, timeout: float) -> dict:
        """Send one request and wait for its reply, at most ``timeout`` seconds (or the cell's deadline)."""
        deadline = min(time.monotonic() + timeout, self.deadline or float("inf"))
        if self.process.poll() is not None:
            raise RunnerDied(_how_it_ended(self.process.returncode))
        try:
            os.write(self._to_runner, protocol.frame(message))
        except OSError:
            self.kill()
            raise RunnerDied("the submission's process had already ended") from None
        try:
            reply = protocol.read_message(lambda n: self._read(n, deadline))
        except protocol.ProtocolError as exc:  # too large, or not what our runner writes: treat it as dead
            self.kill()
            raise RunnerDied(f"the submission sent what the grader cannot read: {exc}") from None
        if "exited" in reply:  # the runner says how it is about to end (runner.py)
            self.kill()
            raise RunnerDied(f"it called {reply['exited']}")
        return reply

    def _read(self, n: int, deadline: float) -> bytes:
        chunks, got = [], 0
        while got < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._from_runner], [], [], remaining)[0]:
                self.kill()
                raise RunnerTimeout("the submission did not answer in time")
            chunk = os.read(self._from_runner, min(n - got, 1 << 20))
            if not chunk:
                raise RunnerDied(_how_it_ended(self.process.wait()))
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
