"""Starting a submission's runner with operating-system isolation and resource limits.

With bubblewrap (``bwrap``, Debian package ``bubblewrap``) the runner sees the
whole filesystem read-only, with the grader's own files masked (solutions, the
gradebook, the other submissions, the grader's outputs: every folder that holds
them is replaced by an empty one, then only the Python installation,
gmm_teach and gmm_grading are shown again), writes only to its scratch folder, has no network,
runs as ``nobody`` with no capabilities in its own user, PID, IPC and mount
namespaces, and dies with the grader. Without bubblewrap only the resource limits
apply, and the grader says so loudly.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import site
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import gmm_grading
import gmm_teach


@dataclass
class Limits:
    """Resource limits for one submission's runner process."""

    memory_mb: int = 3072  # address space: numpy and scipy alone map ~1 GB
    cpu_seconds: int = 600  # per runner; wall-clock timeouts per cell come first
    output_mb: int = 16  # largest file the submission may write (its printed output included)
    cell_timeout: float = 60.0  # seconds per answer cell and per graded cell
    submission_timeout: float = 600.0  # seconds for everything one submission runs


def bubblewrap() -> str | None:
    """Path of a working bwrap, or None."""
    path = shutil.which("bwrap")
    if not path:
        return None
    probe = [path, "--ro-bind", "/", "/", "--unshare-all", "--unshare-user", "--die-with-parent", "true"]
    ok = subprocess.run(probe, capture_output=True, timeout=30).returncode == 0
    return path if ok else None


def describe(bwrap: str | None) -> str:
    if bwrap:
        return ("isolation: bubblewrap (read-only filesystem, no network, grader files masked, "
                "own user/PID/mount namespaces, only the scratch folder writable)")
    return ("WARNING: WEAK ISOLATION. bubblewrap is not available, so submissions run with only "
            "resource limits: they can read and change your files (solutions, gradebook). The "
            "grader restores the gradebook if a submission damages it, but install bubblewrap "
            "(apt install bubblewrap) before grading untrusted work.")


def course_checkout() -> Path | None:
    """The course repository gmm_teach runs from (an editable install), if it holds solutions/."""
    root = Path(gmm_teach.__file__).resolve().parents[1]
    return root if (root / "solutions").is_dir() else None


def _is_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _shown_again() -> list[Path]:
    """What the runner needs to start Python and import gmm_teach and gmm_grading, even inside masked folders."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(),
             str(Path(gmm_teach.__file__).resolve().parent), str(Path(gmm_grading.__file__).resolve().parent)}
    return sorted({Path(p).resolve() for p in paths if Path(p).exists()})


def _mask_arguments(masked: list[Path]) -> list[str]:
    """bwrap arguments that replace each folder holding a masked path by an empty one."""
    tmp = Path(tempfile.gettempdir()).resolve()
    folders: list[Path] = []
    for path in sorted({Path(p).resolve() for p in masked if Path(p).exists()}, key=lambda p: len(p.parts)):
        folder = path if path.is_dir() else path.parent
        # Never "/" itself; /tmp is replaced as a whole anyway; nested folders are already gone.
        if folder == Path("/") or _is_inside(folder, tmp) or any(_is_inside(folder, f) for f in folders):
            continue
        folders.append(folder)
    args = [arg for folder in folders for arg in ("--tmpfs", str(folder))]
    # The runner's Python and gmm_teach come back read-only, also when they live under /tmp
    # (a course cloned into a temporary folder, as CI does), which the sandbox empties.
    for path in _shown_again():
        if _is_inside(path, tmp) or any(_is_inside(path, f) for f in folders):
            args += ["--ro-bind", str(path), str(path)]
    return args + _links_again([tmp, *folders])


def _links_again(folders: list[Path]) -> list[str]:
    """bwrap arguments that make again the symlinks on the way to this Python inside emptied folders
    (a checkout whose .venv is a link to a shared environment): the runner starts as sys.executable."""
    python = Path(sys.executable).absolute()
    link = next((p for p in [*reversed(python.parents), python] if p.is_symlink()), None)  # the rest lies behind it
    # A link inside a folder that is bound again (.venv/bin/python -> /usr/bin/python3) comes back with it.
    if link is None or not any(_is_inside(link, f) for f in folders) or any(
            _is_inside(link, shown) for shown in _shown_again()):
        return []
    return ["--symlink", os.readlink(link), str(link)]


def runner_env(scratch: Path) -> dict:
    """The runner's whole environment (nothing inherited: no GMM_TEACH_STRICT, no secrets)."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(scratch), "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}


def runner_command(bwrap: str | None, scratch: Path, masked: list[Path], fds: tuple[int, int]) -> list[str]:
    """The command line that starts gmm_grading.runner for one submission."""
    python = [sys.executable, "-I", "-m", "gmm_grading.runner", str(fds[0]), str(fds[1])]
    if not bwrap:
        return python
    env = ["--clearenv", *(arg for key, value in runner_env(scratch).items() for arg in ("--setenv", key, value))]
    return [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
            "--bind", str(scratch), str(scratch), *_mask_arguments(masked),
            "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
            "--die-with-parent", "--new-session", "--chdir", str(scratch), *env, *python]


def apply_limits(limits: Limits):
    """A preexec function: resource limits for the runner (and anything it starts)."""
    def preexec():
        memory = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
        size = limits.output_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # Writing past the size limit then fails with an error instead of killing the runner.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return preexec
