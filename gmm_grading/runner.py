"""The sandboxed side of grading: runs one submission's code and answers calls to its functions.

Started by the grader as ``python -I -m gmm_grading.runner IN_FD OUT_FD``
inside the sandbox (see sandbox.py). It never sees the hidden tests or the
expected answers: it only executes the submission's cells and, on request,
calls the submission's functions on arguments the grader sends, returning what
they return as plain data (protocol.py). Everything the submission prints is
kept up to a cap; beyond it, it is dropped and reported as truncated.
"""

from __future__ import annotations

import io
import os
import sys
import traceback
import types

from .protocol import ProtocolError, receive, send

OUTPUT_CAP = 20_000  # characters of printed output kept per cell or call


class CappedText(io.TextIOBase):
    """A stdout replacement that keeps the first OUTPUT_CAP characters and counts the rest."""

    def __init__(self):
        self.parts, self.kept, self.dropped = [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        room = max(OUTPUT_CAP - self.kept, 0)
        self.parts.append(text[:room])
        self.kept += min(len(text), room)
        self.dropped += max(len(text) - room, 0)
        return len(text)

    def take(self) -> dict:
        out = {"output": "".join(self.parts), "truncated": self.dropped > 0}
        self.parts, self.kept, self.dropped = [], 0, 0
        return out


def _error(exc: BaseException) -> dict:
    lines = traceback.format_exception_only(type(exc), exc)
    return {"error": type(exc).__name__, "message": "".join(lines).strip()[-2000:]}


def _exec(namespace: dict, code: str, label: str) -> dict:
    try:
        exec(compile(code, label, "exec"), namespace)  # noqa: S102 (running the submission is the point)
        return {"ok": True}
    except BaseException as exc:  # the submission's code failed, or called sys.exit
        return _error(exc)


def _call(namespace: dict, name: str, args, kwargs) -> dict:
    fn = namespace.get(name)
    if not callable(fn):
        return {"error": "NameError", "message": f"NameError: {name} is not defined"}
    try:
        return {"value": fn(*args, **kwargs)}
    except BaseException as exc:
        return _error(exc)


def _functions(namespace: dict) -> list:
    return sorted(n for n, v in namespace.items()
                  if isinstance(v, types.FunctionType) and v.__module__ == "__main__" and not n.startswith("_"))


def _announcing_exit(channel_out, real_exit):
    """os._exit that first tells the grader it was called, so feedback can name it."""
    def _exit(code=0):
        try:
            send(channel_out, {"exited": f"os._exit({code!r})"})
        finally:
            real_exit(code if isinstance(code, int) else 1)
    return _exit


def serve(fd_in: int, fd_out: int) -> None:
    channel_in, channel_out = os.fdopen(fd_in, "rb"), os.fdopen(fd_out, "wb")
    os._exit = _announcing_exit(channel_out, os._exit)
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    capture = CappedText()
    sys.stdout = sys.stderr = capture
    while True:
        try:
            request = receive(channel_in)
        except (EOFError, ProtocolError):
            return
        op = request.get("op")
        if op == "exec":
            reply = _exec(namespace, request["code"], request.get("label", "<cell>"))
        elif op == "call":
            reply = _call(namespace, request["name"], request.get("args", ()), request.get("kwargs", {}))
        elif op == "functions":
            reply = {"value": _functions(namespace)}
        else:
            return
        reply.update(capture.take())
        try:
            send(channel_out, reply)
        except ProtocolError as exc:  # a return value that may not cross (type or size)
            send(channel_out, {"error": "ProtocolError", "message": str(exc), **capture.take()})


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
