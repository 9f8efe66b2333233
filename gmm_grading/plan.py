"""The plan for one notebook: the source notebook's skeleton with the learner's answers in place.

Read-only and graded cells always come from the source notebook, whatever the learner
did to their copy; edits and deletions are noted (they are restored, and the class
report flags them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def source_of(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def visible_part(code: str) -> str:
    """A graded cell without its hidden tests (for feedback)."""
    out, hidden = [], False
    for line in code.splitlines():
        if line.strip() == HIDDEN_BEGIN:
            hidden = True
        elif line.strip() == HIDDEN_END:
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out).rstrip()


@dataclass
class Step:
    kind: str  # "setup" (trusted, both sides), "learner" (sandbox), "graded" (grader)
    code: str
    label: str
    grade_id: str | None = None
    points: float = 0.0


@dataclass
class Plan:
    steps: list
    notes: list = field(default_factory=list)  # e.g. "modified test cell restored"


def make_plan(source_nb: dict, submitted_nb: dict | None) -> Plan:
    """Source notebook's skeleton with the learner's answer and own cells in place."""
    submitted = submitted_nb["cells"] if submitted_nb else []
    by_id = {nbgrader_meta(c)["grade_id"]: c for c in submitted if nbgrader_meta(c).get("grade_id")}
    extra_after = _own_cells(submitted)
    plan = Plan([Step("learner", source_of(c), f"your cell {i + 1}") for i, c in enumerate(extra_after[None])])
    for cell in source_nb["cells"]:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if cell.get("cell_type") != "code" or not gid:
            continue
        mine = by_id.get(gid)
        if meta.get("solution"):
            code = source_of(mine) if mine is not None else ""
            plan.steps.append(Step("learner", code, f"answer {gid}", grade_id=gid))
        elif meta.get("grade"):
            plan.steps.append(Step("graded", source_of(cell), gid, grade_id=gid, points=float(meta["points"])))
            _note_tampering(plan, gid, cell, mine, "test")
        else:
            plan.steps.append(Step("setup", source_of(cell), gid, grade_id=gid))
            _note_tampering(plan, gid, cell, mine, "read-only")
        plan.steps += [Step("learner", source_of(c), f"your cell after {gid}") for c in extra_after.get(gid, [])]
    return plan


def _own_cells(submitted: list) -> dict:
    """The learner's own code cells, by the grade_id of the nbgrader cell they follow (None: before any)."""
    extra_after: dict = {None: []}
    last_id = None
    for cell in submitted:
        meta = nbgrader_meta(cell)
        if meta.get("grade_id"):
            last_id = meta["grade_id"]
        elif cell.get("cell_type") == "code" and source_of(cell).strip():
            extra_after.setdefault(last_id, []).append(cell)
    return extra_after


def _note_tampering(plan: Plan, gid: str, trusted, mine, what: str) -> None:
    """Learners have the released cell: the source without its hidden tests."""
    if mine is None:
        plan.notes.append(f"deleted {what} cell {gid} restored")
    elif source_of(mine).strip() not in (source_of(trusted).strip(), visible_part(source_of(trusted)).strip()):
        plan.notes.append(f"modified {what} cell {gid} restored")
