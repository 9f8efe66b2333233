"""The nbgrader gradebook: the set's cells, each student's automatic scores, submission time and lateness.

Only the grading command's main process writes here (SQLite is not made for
concurrent writers): worker processes return results, the main process records them.
Due dates and extensions are nbgrader's own: ``nbgrader db assignment add ex03
--duedate=...`` and ``Gradebook.grant_extension`` (INSTRUCTORS.md).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from .plan import nbgrader_meta


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


def _submission(gb, set_name: str, student: str):
    from nbgrader.api import MissingEntry

    gb.update_or_create_student(student)
    try:
        return gb.find_submission(set_name, student)
    except MissingEntry:
        with warnings.catch_warnings():  # nbgrader's own add_submission trips SQLAlchemy's autoflush warning
            warnings.simplefilter("ignore")
            return gb.add_submission(set_name, student)


def record(gb, set_name: str, student: str, results: dict, timestamp=None, only=None) -> dict:
    """Store one student's automatic scores (all, or the grade ids in ``only``); returns their lateness."""
    submission = _submission(gb, set_name, student)
    submission.timestamp = timestamp
    for nb_name, result in results.items():
        for cell in result.cells:
            if only and cell.grade_id not in only:
                continue
            grade = gb.find_grade(cell.grade_id, nb_name, set_name, student)
            grade.auto_score = cell.points
            grade.needs_manual_grade = False
    gb.db.commit()
    return lateness(submission)


def lateness(submission) -> dict:
    """Submission time (UTC) and seconds late after the due date plus the student's extension."""
    if submission.timestamp is None:
        return {"submitted_at": "", "seconds_late": ""}
    return {"submitted_at": submission.timestamp.isoformat(sep=" ") + " UTC",
            "seconds_late": f"{submission.total_seconds_late:.0f}"}


def read_timestamp(folder: Path):
    """nbgrader's submitted/<student>/<set>/timestamp.txt as a naive UTC datetime, or None."""
    from nbgrader.utils import parse_utc

    path = folder / "timestamp.txt"
    try:
        return parse_utc(path.read_text().strip())
    except (OSError, ValueError, OverflowError):
        return None
