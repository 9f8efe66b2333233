"""python -m gmm_grading against hostile and broken submissions: each gets exactly the score
it earned, earlier grades survive, and nothing outside the scratch folders changes."""

import ast
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from exercise_tools import ROOT as REPO
from exercise_tools import SOLUTIONS, submission

from gmm_grading.cli import tools_beside_python
from gmm_grading.sandbox import bubblewrap

SET = "ex01"
FULL = {"q1_check": 2.0, "q2_check": 2.0, "q3_check": 2.0, "q4_check": 3.0}


@pytest.fixture(scope="module", autouse=True)
def alembic_on_path():
    """nbgrader's Gradebook runs `alembic` by name, in gmm-grade and in these tests: beside this Python."""
    with tools_beside_python():
        yield


def code_cell(source):
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}


def with_cell_after(nb, grade_id, source):
    """Insert a learner's own code cell after the cell with this grade_id."""
    i = next(i for i, c in enumerate(nb["cells"]) if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)
    nb["cells"].insert(i + 1, code_cell(source))
    return nb


def edit_graded(nb, new_source=None):
    """Replace (or, with None, delete) every graded test cell."""
    cells = []
    for c in nb["cells"]:
        if c["metadata"].get("nbgrader", {}).get("grade"):
            if new_source is None:
                continue
            c["source"] = new_source
        cells.append(c)
    nb["cells"] = cells
    return nb


WRONG_ANSWERS = {
    "q1_answer": "def log_normal_pdf(x, mu, sigma):\n    return np.zeros(len(x))\n",
    "q2_answer": "def mixture_pdf(x, pi, mu, sigma):\n    return np.zeros(len(x))\n",
    "q3_answer": "def sample_mixture(pi, mu, sigma, n, rng):\n    return np.zeros(n), np.zeros(n, dtype=int)\n",
    "q4_answer": "def posterior(x, pi, mu, sigma):\n    return np.full((len(x), len(pi)), 1 / len(pi))\n",
}

PATCHES = """
import numpy, numpy.testing, builtins
import gmm_teach.checks as checks
numpy.allclose = lambda *a, **k: True
numpy.isclose = lambda *a, **k: numpy.ones(1, dtype=bool)
numpy.array_equal = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.testing.assert_array_equal = lambda *a, **k: None
for _name in checks.__all__:
    setattr(checks, _name, lambda *a, **k: True)
checks.strict_mode = lambda: False
builtins.AssertionError = type("NotReally", (Exception,), {})
"""


def vandal(course: Path, canary: Path) -> str:
    """Try to destroy and change files outside the scratch folder, by absolute and relative paths."""
    targets = [course / "gradebook.db", course / "grades.csv", canary]
    relative = [("../" * depth) + name for depth in range(1, 8) for name in ("gradebook.db", "grades.csv")]
    return f"""
import os, shutil, glob
for _p in {[str(t) for t in targets]!r} + {relative!r}:
    for _attack in (os.remove, lambda p: open(p, "w").write("owned")):
        try:
            _attack(_p)
        except Exception:
            pass
for _d in [{str(course / "solutions")!r}, {str(course / "submitted")!r}, "../../solutions", "/tmp"]:
    shutil.rmtree(_d, ignore_errors=True)
try:
    open({str(course / "planted.txt")!r}, "w").write("owned")
except Exception:
    pass
os.system("rm -rf {course}/* 2>/dev/null")
"""


def reader(course: Path) -> str:
    """Answer by reading the model answers from solutions/ (must fail: it is masked)."""
    return f"""
import glob, json
_answers = ""
_places = [{str(course / "solutions")!r}, {str(REPO / "solutions")!r}, "../solutions", "../../solutions"]
for _p in [f for place in _places for f in glob.glob(place + "/**/*.ipynb", recursive=True)]:
    try:
        _answers += "".join("".join(c["source"]) + "\\n" for c in json.load(open(_p))["cells"]
                            if c["metadata"].get("nbgrader", {{}}).get("solution"))
    except Exception:
        pass
_answers = "\\n".join(l for l in _answers.splitlines() if "### " not in l)
exec(_answers or "pass")
"""


LOOP = "def mixture_pdf(x, pi, mu, sigma):\n    while True:\n        pass\n"
EXIT = "import os\ndef sample_mixture(pi, mu, sigma, n, rng):\n    os._exit(3)\n"
HOG = "def posterior(x, pi, mu, sigma):\n    hog = [np.empty(10**8) for _ in range(10**4)]\n    return hog\n"


def students(course: Path, canary: Path) -> dict:
    """name -> (notebook, expected scores per graded cell, words the status must contain)."""
    ok = submission(SET)
    return {
        "correct": (ok, FULL, ["ok"]),
        "blank": (submission(SET, answered=False), {k: 0.0 for k in FULL}, ["ok"]),
        "infinite_loop": (submission(SET, {"q2_answer": LOOP}), FULL | {"q2_check": 0.0}, ["timeout in q2_check"]),
        "exit_in_function": (submission(SET, {"q3_answer": EXIT}), FULL | {"q3_check": 0.0}, ["crash in q3_check"]),
        "exit_after_first_answer": (with_cell_after(submission(SET), "q1_answer", "import os\nos._exit(0)"),
                                    FULL, ["crash in your cell after q1_answer"]),
        "memory_bomb": (submission(SET, {"q4_answer": HOG}), FULL | {"q4_check": 0.0}, ["out of memory in q4_check"]),
        "vandal": (with_cell_after(submission(SET), "q1_answer", vandal(course, canary)), FULL, []),
        "patcher": (with_cell_after(submission(SET, WRONG_ANSWERS), "imports", PATCHES), {k: 0.0 for k in FULL}, []),
        "test_editor": (edit_graded(submission(SET, WRONG_ANSWERS), "print('✅ all correct')"),
                        {k: 0.0 for k in FULL}, ["modified test cell q1_check restored"]),
        "test_deleter": (edit_graded(submission(SET)), FULL, ["deleted test cell q4_check restored"]),
        "printer": (with_cell_after(submission(SET), "q2_answer",
                                    "print('x' * 100_000_000)\nimport os\nos.write(1, b'y' * 100_000_000)"),
                    FULL, ["output truncated"]),
        "reader": (with_cell_after(submission(SET, answered=False), "imports", reader(course)),
                   {k: 0.0 for k in FULL}, []),
    }


def snapshot(folder: Path, skip=()) -> dict:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not any(s in p.parts for s in skip):
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def grade(course: Path, *extra, submitted="submitted") -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "gmm_grading", SET, "--submitted", str(course / submitted),
           "--gradebook", str(course / "gradebook.db"), "--csv", str(course / "grades.csv"),
           "--source", str(course / "solutions"), "--timeout", "15", *extra]
    return subprocess.run(cmd, cwd=course, capture_output=True, text=True, timeout=1800)


def write_submissions(course: Path, subs: dict, submitted="submitted") -> None:
    for name, (nb, _, _) in subs.items():
        path = course / submitted / name / SET / f"{SET}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(nb))


def read_csv(path: Path) -> dict:
    with path.open() as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def gradebook_scores(course: Path) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: {g.name: g.score for g in gb.find_submission_notebook(SET, SET, s.student.id).grades}
                for s in gb.find_assignment(SET).submissions}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if not bubblewrap():
        pytest.fail("bubblewrap is needed to test sandboxed grading (apt install bubblewrap; .ci/run installs it)")
    # Outside /tmp (which the sandbox replaces as a whole), like a real course folder; one per run,
    # so concurrent test runs cannot trample each other.
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    course = Path(tempfile.mkdtemp(prefix="grading-course-", dir=REPO / "test-artifacts"))
    canary = course.parent / f"{course.name}-canary.txt"
    canary.write_text("must survive")
    shutil.copytree(SOLUTIONS / SET, course / "solutions" / SET)
    # An earlier grading session: its grades must survive everything that follows.
    write_submissions(course, {"earlier_a": (submission(SET), FULL, []),
                               "earlier_b": (submission(SET, {"q1_answer": WRONG_ANSWERS["q1_answer"]}), {}, [])},
                      submitted="submitted_last_week")
    first = grade(course, submitted="submitted_last_week")
    assert first.returncode == 0, first.stderr[-3000:]
    earlier = gradebook_scores(course)
    subs = students(course, canary)
    write_submissions(course, subs)
    before = snapshot(course, skip=("gradebook.db", "grades.csv", "feedback", "autograded", "reports"))
    run = grade(course)
    yield course, canary, subs, earlier, before, run
    shutil.rmtree(course, ignore_errors=True)
    canary.unlink(missing_ok=True)


def test_grading_finishes_with_exit_0_and_says_how_it_isolates(graded):
    _, _, _, _, _, run = graded
    assert run.returncode == 0, run.stderr[-3000:]
    assert "isolation: bubblewrap" in run.stderr
    assert "graded 12 submissions" in run.stderr


def test_every_submission_gets_exactly_what_it_earned(graded):
    course, _, subs, _, _, _ = graded
    table = read_csv(course / "grades.csv")
    book = gradebook_scores(course)
    for name, (_, expected, status_words) in subs.items():
        row = table[name]
        got = {k: float(row[k]) for k in FULL}
        assert got == expected, (name, got, row["status"])
        assert book[name] == expected, name
        assert float(row["total"]) == sum(expected.values()) and float(row["max_score"]) == 9.0
        for words in status_words:
            assert words in row["status"], (name, row["status"])


def test_earlier_grades_survive(graded):
    course, _, _, earlier, _, _ = graded
    now = gradebook_scores(course)
    assert {k: now[k] for k in earlier} == earlier
    assert earlier["earlier_a"] == FULL and earlier["earlier_b"]["q1_check"] == 0.0


def test_nothing_outside_the_scratch_folders_changed(graded):
    course, canary, _, _, before, _ = graded
    after = snapshot(course, skip=("gradebook.db", "grades.csv", "feedback", "autograded", "reports"))
    assert after == before
    assert canary.read_text() == "must survive"
    assert not (course / "planted.txt").exists()


def test_feedback_has_no_hidden_tests(graded):
    course, _, subs, _, _, _ = graded
    solution = (course / "solutions" / SET / f"{SET}.ipynb").read_text()
    assert "_rng = np.random.default_rng(101)" in solution
    for name in subs:
        html = (course / "feedback" / name / SET / f"{SET}.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "default_rng(101)" not in html
        assert "score:" in html


def test_autograded_notebooks_for_formgrader(graded):
    course, _, _, _, _, _ = graded
    import nbformat

    nb = nbformat.read(course / "autograded" / "correct" / SET / f"{SET}.ipynb", as_version=4)
    outputs = "".join(o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "score: 3 / 3" in outputs


def test_weak_isolation_says_so_and_restores_the_gradebook(tmp_path):
    shutil.copytree(SOLUTIONS / SET, tmp_path / "solutions" / SET)
    gradebook = tmp_path / "gradebook.db"
    attack = f"import os\ntry:\n    os.remove({str(gradebook)!r})\nexcept Exception:\n    pass\n"
    write_submissions(tmp_path, {"a_honest": (submission(SET), FULL, []),
                                 "b_deleter": (with_cell_after(submission(SET), "q1_answer", attack), FULL, [])})
    run = grade(tmp_path, "--weak-isolation")
    assert run.returncode == 0, run.stderr[-3000:]
    assert "WEAK ISOLATION" in run.stderr
    table = read_csv(tmp_path / "grades.csv")
    assert "gradebook damaged by the submission and restored" in table["b_deleter"]["status"]
    assert gradebook_scores(tmp_path) == {"a_honest": FULL, "b_deleter": FULL}


def test_sandbox_shows_python_again_when_it_lives_under_tmp(monkeypatch):
    """A course cloned under /tmp (as CI does) keeps its .venv and gmm_teach inside the sandbox,
    while everything else in /tmp, solutions included, stays hidden."""
    from gmm_grading import sandbox
    bwrap = bubblewrap()
    if not bwrap:
        pytest.fail("bubblewrap is needed to test sandboxed grading (apt install bubblewrap)")
    with tempfile.TemporaryDirectory() as clone:
        venv, secret = Path(clone, ".venv"), Path(clone, "solutions", "answers.txt")
        venv.mkdir()
        (venv / "marker.txt").write_text("python lives here\n")
        secret.parent.mkdir()
        secret.write_text("model answers")
        monkeypatch.setattr(sandbox, "_shown_again", lambda: [venv])
        with tempfile.TemporaryDirectory(dir=REPO / "test-artifacts") as scratch:
            command = sandbox.runner_command(bwrap, Path(scratch), [secret], (0, 1))
            shell = [*command[:-6], "/bin/sh", "-c",  # the runner's 6 words replaced by a shell
                     f"cat {venv / 'marker.txt'}; cat {secret} || echo hidden"]
            run = subprocess.run(shell, capture_output=True, text=True, timeout=60)
    assert run.stdout.split("\n")[:2] == ["python lives here", "hidden"], (run.stdout, run.stderr)


# ---- grading internals (issue 13 §3): one framing, the runner's own environment, strict mode scoped ----


def test_one_framing_for_both_sides_of_the_channel():
    from gmm_grading import protocol

    wire = protocol.frame({"op": "call", "args": (np.arange(3.0), float("inf"))})
    got = protocol.receive(io.BytesIO(wire))
    assert got["op"] == "call" and np.array_equal(got["args"][0], np.arange(3.0)) and got["args"][1] == np.inf
    with pytest.raises(EOFError):
        protocol.receive(io.BytesIO(wire[:-1]))
    with pytest.raises(protocol.ProtocolError, match="larger than the limit"):
        protocol.receive(io.BytesIO(protocol.HEADER.pack(protocol.MAX_MESSAGE + 1)))
    # the header's layout is written in protocol.py only; the grader's side reads through read_message
    framing = re.compile(r"\bimport struct\b|>Q|\.read\(8")
    assert [p.name for p in (REPO / "gmm_grading").glob("*.py") if framing.search(p.read_text())] == ["protocol.py"]


@pytest.mark.parametrize("isolation", ["bubblewrap", "weak"])
def test_runner_gets_none_of_the_graders_environment(isolation, monkeypatch):
    from gmm_grading.sandbox import Limits, runner_env
    from gmm_grading.session import Session

    bwrap = bubblewrap() if isolation == "bubblewrap" else None
    if isolation == "bubblewrap" and not bwrap:
        pytest.fail("bubblewrap is needed to test sandboxed grading (apt install bubblewrap)")
    monkeypatch.setenv("GMM_TEACH_STRICT", "1")
    monkeypatch.setenv("GRADER_SECRET_TOKEN", "hunter2")
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=REPO / "test-artifacts") as scratch:
        os.chmod(scratch, 0o777)  # the runner is 'nobody' in its sandbox
        session = Session(bwrap, Path(scratch), [], Limits())
        try:
            reply = session.request({"op": "exec", "code": "import os\nprint(dict(os.environ))", "label": "env"}, 60)
        finally:
            session.close()
        allowed = runner_env(Path(scratch))
    seen = ast.literal_eval(reply["output"])
    assert "GMM_TEACH_STRICT" not in seen and "GRADER_SECRET_TOKEN" not in seen
    # Python may set LC_CTYPE itself (PEP 538), bubblewrap sets PWD to the folder it starts in
    assert set(seen) - {"LC_CTYPE", "PWD"} <= set(allowed)
    assert all(seen[k] == v for k, v in allowed.items() if k in seen) and seen.get("PWD", scratch) == scratch


def graded_cell(grade_id, code, points=1.0):
    meta = {"grade_id": grade_id, "grade": True, "solution": False, "locked": True, "points": points}
    return {"cell_type": "code", "metadata": {"nbgrader": meta}, "source": code, "outputs": []}


def test_strict_mode_is_on_while_graded_cells_run_and_off_after(monkeypatch):
    from gmm_grading.judge import Grader
    from gmm_grading.sandbox import Limits
    from gmm_teach import checks

    monkeypatch.delenv("GMM_TEACH_STRICT", raising=False)
    source = {"cells": [graded_cell("q1", "from gmm_teach import checks\nassert checks.strict_mode()\n"),
                        graded_cell("q2", "from gmm_teach import checks\nchecks.posterior(42)\n"),
                        graded_cell("q3", "raise ValueError('a hidden test failed')\n")]}
    result = Grader(None, [], Limits(cell_timeout=30, submission_timeout=120)).grade(source, None)
    assert [(c.grade_id, c.points, c.outcome) for c in result.cells] == [
        ("q1", 1.0, "passed"), ("q2", 0.0, "failed"), ("q3", 0.0, "failed")]
    assert "expected a function, got int" in result.cells[1].failure  # the check raised, as nbgrader needs
    assert not checks.strict_mode() and "GMM_TEACH_STRICT" not in os.environ  # and nothing stays behind


def test_grader_command_puts_its_tools_on_path_for_the_run_only(monkeypatch):
    from gmm_grading.cli import tools_beside_python

    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    with tools_beside_python():
        assert os.environ["PATH"] == f"{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin"
    assert os.environ["PATH"] == "/usr/bin:/bin"


def test_sandbox_makes_a_linked_environment_again_inside_a_masked_checkout(monkeypatch):
    """A checkout whose .venv is a link to a shared environment: the masked checkout is emptied,
    the link is made again, so the runner's Python starts, and the solutions stay hidden."""
    from gmm_grading import sandbox
    bwrap = bubblewrap()
    if not bwrap:
        pytest.fail("bubblewrap is needed to test sandboxed grading (apt install bubblewrap)")
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=REPO / "test-artifacts") as clone:
        shared, checkout = Path(clone, "shared-env"), Path(clone, "checkout")
        (shared / "bin").mkdir(parents=True)
        (shared / "bin" / "marker.txt").write_text("python lives here\n")
        (checkout / "solutions").mkdir(parents=True)
        (checkout / "solutions" / "answers.txt").write_text("model answers")
        (checkout / ".venv").symlink_to(shared)
        monkeypatch.setattr(sys, "executable", str(checkout / ".venv" / "bin" / "marker.txt"))
        # The shared environment is what the sandbox binds again (sys.prefix, in real use): under /tmp
        # (a CI clone) it would otherwise vanish with the rest of /tmp.
        monkeypatch.setattr(sandbox, "_shown_again", lambda: [shared.resolve()])
        with tempfile.TemporaryDirectory(dir=REPO / "test-artifacts") as scratch:
            command = sandbox.runner_command(bwrap, Path(scratch), [checkout], (0, 1))
            shell = [*command[:-6], "/bin/sh", "-c",
                     f"cat {sys.executable}; cat {checkout / 'solutions' / 'answers.txt'} || echo hidden"]
            run = subprocess.run(shell, capture_output=True, text=True, timeout=60)
    assert run.stdout.split("\n")[:2] == ["python lives here", "hidden"], (run.stdout, run.stderr)
