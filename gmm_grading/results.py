"""The grades table (CSV): one row per student, merged so a partial regrade changes only what it regrades.

The CSV is also the ledger for resuming: a student with a row has been graded
completely (rows are written after the gradebook, atomically, one student at a time).
"""

from __future__ import annotations

import csv
from pathlib import Path

LATE_COLUMNS = ["submitted_at", "seconds_late"]


def columns(grade_ids: list) -> list:
    return ["student", *grade_ids, "total", "max_score", *LATE_COLUMNS, "status"]


def read_rows(path: Path) -> dict:
    """student -> row, from an earlier run (empty when there is none)."""
    if not path.exists():
        return {}
    with path.open(newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def make_row(student: str, results: dict, status: list, lateness: dict) -> dict:
    """One student's row from their results (notebook name -> judge.Result)."""
    row = {"student": student}
    for result in results.values():
        row.update({c.grade_id: c.points for c in result.cells})
    row["total"] = sum(r.total for r in results.values())
    row["max_score"] = sum(r.max_score for r in results.values())
    row.update({k: lateness.get(k, "") for k in LATE_COLUMNS})
    row["status"] = "; ".join(status) if status else "ok"
    return row


def merge_row(old: dict | None, new: dict, only: list | None, grade_ids: list) -> dict:
    """``new`` where it was regraded: all of it, or only the grade ids in ``only`` (totals recomputed)."""
    if not old or not only:
        return new
    row = dict(old)
    row.update({gid: new[gid] for gid in only})
    row["total"] = sum(float(row[gid] or 0) for gid in grade_ids)
    row["status"] = new["status"]
    return row


def write_rows(path: Path, rows: dict, grade_ids: list) -> None:
    """All rows, sorted by student; written to a temporary file and renamed, never half-written."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns(grade_ids), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows[s] for s in sorted(rows))
    tmp.replace(path)
