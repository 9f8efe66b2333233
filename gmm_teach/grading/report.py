"""Where grades go: the nbgrader gradebook, a CSV, feedback HTML and autograded notebooks."""

from __future__ import annotations

import copy
import csv
import json
import warnings
from pathlib import Path

from .judge import Result, nbgrader_meta, source_of, visible_part


def open_gradebook(gradebook: Path):
    """nbgrader's Gradebook (a context manager); opened once per run, it starts a process to do so."""
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{gradebook}")


def ensure_assignment(gb, set_name: str, sources: dict) -> None:
    """Record the set's notebooks, graded cells (with their points) and answer cells in the gradebook."""
    gb.update_or_create_assignment(set_name)
    for nb_name, nb in sources.items():
        gb.update_or_create_notebook(nb_name, set_name)
        for cell in nb["cells"]:
            meta = nbgrader_meta(cell)
            if meta.get("grade"):
                gb.update_or_create_grade_cell(meta["grade_id"], nb_name, set_name,
                                               max_score=float(meta["points"]), cell_type=cell["cell_type"])
            if meta.get("solution"):
                gb.update_or_create_solution_cell(meta["grade_id"], nb_name, set_name)


def record(gb, set_name: str, student: str, results: dict) -> None:
    """Store one student's automatic scores (results: notebook name -> Result), then commit."""
    from nbgrader.api import MissingEntry

    gb.update_or_create_student(student)
    try:
        gb.find_submission(set_name, student)
    except MissingEntry:
        with warnings.catch_warnings():  # nbgrader's own add_submission trips SQLAlchemy's autoflush warning
            warnings.simplefilter("ignore")
            gb.add_submission(set_name, student)
    for nb_name, result in results.items():
        for cell in result.cells:
            grade = gb.find_grade(cell.grade_id, nb_name, set_name, student)
            grade.auto_score = cell.points
            grade.needs_manual_grade = False
    gb.db.commit()


def csv_row(student: str, results: dict, status: list) -> dict:
    row = {"student": student}
    for result in results.values():
        row.update({c.grade_id: c.points for c in result.cells})
    row["total"] = sum(r.total for r in results.values())
    row["max_score"] = sum(r.max_score for r in results.values())
    row["status"] = "; ".join(status) if status else "ok"
    return row


def write_csv(path: Path, rows: list, grade_ids: list) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["student", *grade_ids, "total", "max_score", "status"])
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)  # never a half-written CSV


def graded_notebook(source_nb: dict, submitted_nb: dict | None, result: Result, hide_tests: bool) -> dict:
    """The source notebook with the learner's answers, each graded cell's outcome as its output."""
    nb = copy.deepcopy(source_nb)
    answers = {nbgrader_meta(c).get("grade_id"): source_of(c) for c in (submitted_nb or {}).get("cells", [])}
    outcome = {c.grade_id: c for c in result.cells}
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        if cell["cell_type"] != "code":
            continue
        cell["outputs"], cell["execution_count"] = [], None
        if meta.get("solution"):
            cell["source"] = answers.get(meta["grade_id"], "")
        elif meta.get("grade"):
            c = outcome[meta["grade_id"]]
            if hide_tests:
                cell["source"] = visible_part(source_of(cell))
            text = c.output + f"\nscore: {c.points:g} / {c.max_points:g}\n"
            if c.failure:
                text += c.failure + "\n"
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": text}]
    return nb


def write_feedback(path: Path, nb: dict) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_notebook_node(nbformat.reads(json.dumps(nb), as_version=4))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html)


def write_notebook(path: Path, nb: dict) -> None:
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.reads(json.dumps(nb), as_version=4), path)
