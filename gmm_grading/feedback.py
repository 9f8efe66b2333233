"""What learners and the formgrader get: feedback HTML (no hidden tests) and autograded notebooks.

Feedback starts with the total score and says in plain words what happened to a
question that crashed or ran out of time.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from .judge import OUT_OF_TIME, CellResult, Result
from .plan import nbgrader_meta, source_of, visible_part


def plain_words(cell: CellResult, cell_timeout: float, submission_timeout: float) -> str:
    """Why a question scored what it did, for a learner."""
    q = cell.grade_id
    if cell.outcome == "crash":
        return f"Your answer to {q} stopped Python: {_how(cell.failure)}. The other questions were graded as usual."
    if cell.outcome == "timeout":
        return f"{q} ran longer than {cell_timeout:g} s and was stopped (an endless loop?). It scores 0."
    if cell.outcome == OUT_OF_TIME:
        return (f"{q} was not graded: your whole notebook ran longer than {submission_timeout:g} s, "
                "the limit for one submission. It scores 0.")
    return cell.failure or ""


def _how(failure: str | None) -> str:
    text = failure or "the process ended"
    if text.startswith("it called "):
        return f"`{text.removeprefix('it called ')}`"
    return text.removeprefix("the submission's process ")


def graded_notebook(source_nb: dict, submitted_nb: dict | None, result: Result, hide_tests: bool,
                    limits=(60.0, 600.0)) -> dict:
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
            text = f"{c.output}\nscore: {c.points:g} / {c.max_points:g}\n{plain_words(c, *limits)}".rstrip()
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": text + "\n"}]
    nb["cells"].insert(0, _score_cell(result))
    return nb


def _score_cell(result: Result) -> dict:
    lines = [f"# Your score: {result.total:g} / {result.max_score:g}", ""]
    lines += [f"- {c.grade_id}: {c.points:g} / {c.max_points:g}" for c in result.cells]
    return {"cell_type": "markdown", "metadata": {}, "source": "\n".join(lines)}


def feedback_html(nb: dict) -> str:
    import nbformat
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_notebook_node(nbformat.reads(json.dumps(nb), as_version=4))
    return html


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def notebook_text(nb: dict) -> str:
    import nbformat

    return nbformat.writes(nbformat.reads(json.dumps(nb), as_version=4))
