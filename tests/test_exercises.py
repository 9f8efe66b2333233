"""Exercise sets: exercises/ is exactly what solutions/ generates, unsolved exercises run top to bottom
with friendly feedback, and a full nbgrader round trip scores each kind of submission exactly."""

import ast
import filecmp
import json
import shutil
from importlib import import_module

import nbformat
import pytest
from exercise_tools import (
    EXERCISES,
    ROOT,
    SETS,
    graded_points,
    nbgrader,
    nbgrader_meta,
    solution_sources,
    source,
    submission,
)
from nbclient import NotebookClient

pytestmark = pytest.mark.skipif(not SETS, reason="no exercise sets yet")


def test_every_set_is_released_and_has_typical_mistakes():
    assert SETS == sorted(p.name for p in EXERCISES.iterdir() if p.is_dir())
    assert SETS[:4] == ["ex01", "ex02", "ex03", "ex04"]
    for s in SETS:
        mistakes = import_module(f"mistakes.{s}")
        assert mistakes.CHECKS and mistakes.GRADED, f"tests/mistakes/{s}.py needs typical wrong answers"


@pytest.mark.parametrize("set_name", SETS)
def test_exercises_are_what_solutions_generate(set_name, tmp_path):
    """Edit solutions/, then regenerate: nbgrader generate_assignment SET --no-db --force."""
    nbgrader("generate_assignment", set_name, "--no-db", "--force",
             f"--CourseDirectory.release_directory={tmp_path}", cwd=ROOT)
    fresh, committed = tmp_path / set_name, EXERCISES / set_name
    cmp = filecmp.dircmp(fresh, committed)
    assert not (cmp.left_only or cmp.right_only), (cmp.left_only, cmp.right_only)
    for name in cmp.common_files:
        assert (fresh / name).read_bytes() == (committed / name).read_bytes(), (
            f"exercises/{set_name}/{name} is stale: run `nbgrader generate_assignment {set_name} --no-db --force`")


@pytest.mark.parametrize("set_name", SETS)
def test_released_notebook_hides_answers_and_hidden_tests(set_name):
    text = (EXERCISES / set_name / f"{set_name}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "_rng = np.random.default_rng"):
        assert marker not in text
    nb = json.loads(text)
    graded = [c for c in nb["cells"] if nbgrader_meta(c).get("grade")]
    assert graded and all(source(c).startswith("gt.checks.") for c in graded)
    assert all(c.get("outputs") == [] for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("set_name", SETS)
def test_unsolved_exercise_runs_top_to_bottom(set_name, tmp_path, monkeypatch):
    """Self-study: every check reports 'not answered yet' and nothing raises."""
    monkeypatch.delenv("GMM_TEACH_STRICT", raising=False)
    nb = nbformat.read(EXERCISES / set_name / f"{set_name}.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    feedback = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    n_graded = sum(1 for c in nb.cells if nbgrader_meta(c).get("grade"))
    assert feedback.count("❌") == n_graded and feedback.count("not answered yet") >= n_graded
    assert "✅" not in feedback


# ---------------------------------------------------------------- the nbgrader round trip

# student -> ({answer cell: wrong code}, [graded cells that must score 0]), per set: tests/mistakes/<set>.py
WRONG = {s: import_module(f"mistakes.{s}").GRADED for s in SETS}


def defined_functions(code: str) -> set:
    return {n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)}


@pytest.mark.parametrize("set_name,student", [(s, w) for s in WRONG for w in WRONG[s]])
def test_wrong_answers_define_what_the_model_answers_define(set_name, student):
    """A wrong answer must lose points through the checks, not through a syntax or name error."""
    model = solution_sources(set_name)
    for grade_id, code in WRONG[set_name][student][0].items():
        assert defined_functions(code) == defined_functions(model[grade_id]), (set_name, student, grade_id)


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """A course folder with a gradebook, every set released, and submissions autograded."""
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions", course / "solutions")
    for set_name in SETS:
        nbgrader("generate_assignment", set_name, "--force", cwd=course)
        students = {"correct": submission(set_name), "blank": submission(set_name, answered=False)}
        for who, (replace, _) in WRONG[set_name].items():
            students[who] = submission(set_name, replace)
        for who, nb in students.items():
            path = course / "submitted" / who / set_name / f"{set_name}.ipynb"
            path.parent.mkdir(parents=True)
            path.write_text(json.dumps(nb))
        result = nbgrader("autograde", set_name, "--force", cwd=course, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
    return course


def cell_scores(course, set_name, student) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission_notebook(set_name, set_name, student)
        return {g.name: g.score for g in sub.grades}


@pytest.mark.parametrize("set_name", SETS)
def test_model_answers_score_every_point(graded_course, set_name):
    assert cell_scores(graded_course, set_name, "correct") == graded_points(set_name)


@pytest.mark.parametrize("set_name", SETS)
def test_untouched_exercise_scores_zero(graded_course, set_name):
    scores = cell_scores(graded_course, set_name, "blank")
    assert set(scores) == set(graded_points(set_name)) and sum(scores.values()) == 0


CASES = [(s, who) for s in WRONG for who in WRONG[s]]


@pytest.mark.parametrize("set_name,student", CASES, ids=[f"{s}-{w}" for s, w in CASES])
def test_typical_wrong_answer_loses_exactly_its_points(graded_course, set_name, student):
    points = graded_points(set_name)
    lost = WRONG[set_name][student][1]
    expected = {gid: (0 if gid in lost else p) for gid, p in points.items()}
    assert cell_scores(graded_course, set_name, student) == expected
