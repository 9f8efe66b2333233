"""The wire format between the grader and a sandboxed submission: plain data only.

Messages are JSON with numpy arrays, non-finite floats, tuples and random
generators tagged. Nothing is ever unpickled: a submission cannot send code or
objects with behaviour (an array subclass whose ``==`` is always True arrives as
a plain array of numbers). Each message is framed by an 8-byte length (HEADER):
frame() writes it and read_message() reads it, for both sides.
"""

from __future__ import annotations

import base64
import json
import math
import struct
from collections.abc import Callable

import numpy as np

MAX_MESSAGE = 64 * 1024 * 1024  # bytes; a submission returning more is treated as broken
_ALLOWED_KINDS = "biufc"  # bool, int, unsigned, float, complex


class ProtocolError(Exception):
    """A message that is malformed, too large, or holds a type that may not cross."""


def to_wire(obj):
    """Python/numpy value -> JSON-able structure, or ProtocolError for anything else."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {"__float__": repr(obj)}
    if isinstance(obj, np.generic):
        return to_wire(obj.item()) if obj.dtype.kind in _ALLOWED_KINDS else _refuse(obj)
    if isinstance(obj, np.ndarray):
        return _array_to_wire(obj)
    if isinstance(obj, (list, tuple)):
        items = [to_wire(v) for v in obj]
        return {"__tuple__": items} if isinstance(obj, tuple) else items
    if isinstance(obj, dict) and all(isinstance(k, str) for k in obj):
        return {"__dict__": {k: to_wire(v) for k, v in obj.items()}}
    if isinstance(obj, np.random.Generator):
        return {"__rng__": obj.bit_generator.state}
    return _refuse(obj)


def _refuse(obj):
    raise ProtocolError(f"a value of type {type(obj).__name__} cannot be graded; return numbers or numpy arrays")


def _array_to_wire(arr: np.ndarray):
    arr = np.asarray(arr)  # drops subclasses and their overloaded operators
    if arr.dtype.kind not in _ALLOWED_KINDS:
        _refuse(arr)
    data = np.ascontiguousarray(arr)
    return {"__ndarray__": base64.b64encode(data.tobytes()).decode("ascii"),
            "dtype": data.dtype.str, "shape": list(data.shape)}


def from_wire(obj):
    """Inverse of to_wire. Generators come back as fresh numpy Generators in the sent state."""
    if isinstance(obj, list):
        return [from_wire(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "__ndarray__" in obj:
        dtype = np.dtype(obj["dtype"])
        if dtype.kind not in _ALLOWED_KINDS:
            raise ProtocolError(f"arrays of dtype {dtype} cannot be graded")
        flat = np.frombuffer(base64.b64decode(obj["__ndarray__"]), dtype=dtype)
        return flat.reshape(obj["shape"]).copy()
    if "__float__" in obj:
        return float(obj["__float__"])
    if "__tuple__" in obj:
        return tuple(from_wire(v) for v in obj["__tuple__"])
    if "__dict__" in obj:
        return {k: from_wire(v) for k, v in obj["__dict__"].items()}
    if "__rng__" in obj:
        state = obj["__rng__"]
        bit_generator = getattr(np.random, state["bit_generator"])()
        bit_generator.state = state
        return np.random.Generator(bit_generator)
    raise ProtocolError("unknown tagged value")


HEADER = struct.Struct(">Q")  # every message: its body's length as 8 bytes, big-endian, then the JSON body


def _check_size(size: int) -> int:
    if size > MAX_MESSAGE:
        raise ProtocolError(f"message of {size} bytes is larger than the limit of {MAX_MESSAGE}")
    return size


def frame(message: dict) -> bytes:
    """One message as bytes on the wire: the length header, then the JSON body."""
    body = json.dumps(to_wire(message)).encode()
    return HEADER.pack(_check_size(len(body))) + body


def decode(body: bytes) -> dict:
    """A message body back to Python values."""
    try:
        return from_wire(json.loads(body))
    except (ValueError, KeyError, TypeError) as exc:
        raise ProtocolError(f"malformed message: {exc}") from None


def read_message(read_exactly: Callable[[int], bytes]) -> dict:
    """One framed message, read with ``read_exactly(n)`` (n bytes, or it raises); ProtocolError if too large."""
    (size,) = HEADER.unpack(read_exactly(HEADER.size))
    return decode(read_exactly(_check_size(size)))


def send(fd_file, message: dict) -> None:
    """Write one framed message to a binary file object."""
    fd_file.write(frame(message))
    fd_file.flush()


def receive(fd_file) -> dict:
    """Read one framed message from a binary file object; EOFError if the other side has gone."""
    def read_exactly(n: int) -> bytes:
        data = fd_file.read(n)
        if len(data) < n:
            raise EOFError("the other side closed the channel")
        return data
    return read_message(read_exactly)
