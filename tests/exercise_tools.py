"""Helpers for the exercise-set tests: read nbgrader notebooks, load model answers, make submissions."""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
SETS = sorted(p.name for p in SOLUTIONS.iterdir() if (p / f"{p.name}.ipynb").exists())

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def read(path) -> dict:
    return json.loads(Path(path).read_text())


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def without_markers(code: str) -> str:
    """A solution cell as a learner who got it right would have written it."""
    return "\n".join(line for line in code.splitlines() if line.strip() not in (BEGIN, END))


def solution_sources(set_name) -> dict:
    """grade_id -> the model answer's code, for every answer cell of a set."""
    nb = read(SOLUTIONS / set_name / f"{set_name}.ipynb")
    return {nbgrader_meta(c)["grade_id"]: without_markers(source(c))
            for c in nb["cells"] if nbgrader_meta(c).get("solution")}


def load_answers(set_name) -> dict:
    """Execute a set's read-only code and model answers; returns the namespace (functions by name)."""
    nb = read(SOLUTIONS / set_name / f"{set_name}.ipynb")
    namespace: dict = {}
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        if cell["cell_type"] == "code" and (meta.get("solution") or (meta.get("locked") and not meta.get("grade"))):
            exec(compile(without_markers(source(cell)), f"<{set_name}:{meta['grade_id']}>", "exec"), namespace)
    return namespace


def submission(set_name, replace: dict | None = None, answered=True) -> dict:
    """The released notebook with answer cells filled in (model answers, or the given code per grade_id)."""
    nb = copy.deepcopy(read(EXERCISES / set_name / f"{set_name}.ipynb"))
    answers = solution_sources(set_name) if answered else {}
    answers.update(replace or {})
    for cell in nb["cells"]:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and grade_id in answers:
            cell["source"] = answers[grade_id]
    return nb


def checked_functions(set_name) -> list:
    """Names of the learner functions a set's graded cells check with gt.checks.<name>(<name>)."""
    import re

    nb = read(SOLUTIONS / set_name / f"{set_name}.ipynb")
    calls = [re.match(r"gt\.checks\.(\w+)\((\w+)\)", source(c)) for c in nb["cells"] if nbgrader_meta(c).get("grade")]
    return [m.group(1) for m in calls if m and m.group(1) == m.group(2)]


def graded_points(set_name) -> dict:
    """grade_id -> points of every graded cell."""
    nb = read(SOLUTIONS / set_name / f"{set_name}.ipynb")
    return {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"]
            for c in nb["cells"] if nbgrader_meta(c).get("grade")}


def nbgrader(*args, cwd, env=None, check=True):
    """Run the nbgrader command line of this interpreter's environment."""
    bin_dir = Path(sys.executable).parent
    exe = bin_dir / "nbgrader"
    # nbgrader runs `alembic` by name to create the gradebook: the environment's bin/ must be on PATH.
    full_env = {**os.environ, **(env or {}), "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    full_env.pop("GMM_TEACH_STRICT", None)
    return subprocess.run([str(exe), *args], cwd=cwd, env=full_env, check=check, capture_output=True, text=True)
