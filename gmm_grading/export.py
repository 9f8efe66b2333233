"""Grades in the CSV formats learning platforms import: gmm-grade-export SET --csv FILE --roster FILE --to canvas|moodle

Canvas (Grades > Import): columns Student, ID, SIS User ID, SIS Login ID, Section and
one column named after the assignment, with a "Points Possible" row first. Moodle
(Grades > Import > CSV file): First name, Last name, ID number, Email address and one
column for the grade item; map "Email address" (or "ID number") to the user when
importing. Names and IDs come from the roster; every column is described in
INSTRUCTORS.md. Students in the grades table but not in the roster stop the export
(exit 1) rather than going missing.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from .collect import read_roster
from .results import read_rows

CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_COLUMNS = ["First name", "Last name", "ID number", "Email address"]


def canvas_rows(grades: dict, roster: dict, title: str) -> list:
    full = max((float(r["max_score"]) for r in grades.values()), default=0)
    rows = [CANVAS_COLUMNS + [title], ["Points Possible", "", "", "", "", f"{full:g}"]]
    for student in sorted(grades, key=lambda s: roster[s].get("last_name", "") + s):
        r = roster[student]
        rows.append([f"{r.get('last_name', '')}, {r.get('first_name', '')}", r.get("canvas_id", ""),
                     r.get("sis_user_id", ""), r.get("sis_login_id", ""), r.get("section", ""),
                     f"{float(grades[student]['total']):g}"])
    return rows


def moodle_rows(grades: dict, roster: dict, title: str) -> list:
    rows = [MOODLE_COLUMNS + [title]]
    for student in sorted(grades, key=lambda s: roster[s].get("last_name", "") + s):
        r = roster[student]
        rows.append([r.get("first_name", ""), r.get("last_name", ""), r.get("moodle_idnumber", ""),
                     r.get("email", ""), f"{float(grades[student]['total']):g}"])
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="gmm-grade-export", description=__doc__.splitlines()[0])
    p.add_argument("set", help="the exercise set, e.g. ex03 (also the grade column's name unless --title)")
    p.add_argument("--csv", required=True, type=Path, help="the grades table gmm-grade wrote")
    p.add_argument("--roster", required=True, type=Path, help="CSV: student_id, first_name, last_name, email, ...")
    p.add_argument("--to", required=True, choices=["canvas", "moodle"])
    p.add_argument("--out", type=Path, help="where to write (default: <set>_<platform>.csv)")
    p.add_argument("--title", help='the assignment column, e.g. "ex03 (1234)" for an existing Canvas assignment')
    args = p.parse_args(argv)
    grades, roster = read_rows(args.csv), {r["student_id"]: r for r in read_roster(args.roster)}
    missing = sorted(set(grades) - set(roster))
    if missing:
        print(f"error: not in the roster {args.roster}: {', '.join(missing)}", file=sys.stderr)
        return 1
    rows = (canvas_rows if args.to == "canvas" else moodle_rows)(grades, roster, args.title or args.set)
    out = args.out or Path(f"{args.set}_{args.to}.csv")
    with out.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    print(f"{len(rows) - 1 - (args.to == 'canvas')} grades for {args.to} in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
