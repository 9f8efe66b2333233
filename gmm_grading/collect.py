"""From a learning platform's download to nbgrader's layout: gmm-grade-collect SET DOWNLOAD --roster FILE

DOWNLOAD is the zip file (or the folder it unpacks to) that Canvas or Moodle gives for
an assignment. Canvas names each file ``<name>[_LATE]_<user id>_<submission id>_<file>``
and a resubmission ``ex03-1.ipynb``, ``ex03-2.ipynb``; Moodle puts each file in a folder
``<Full Name>_<participant id>_assignsubmission_file_``. Each notebook is matched to a
student through the roster (columns student_id, canvas_id, moodle_id; INSTRUCTORS.md),
the latest resubmission wins, and it is written to
submitted/<student_id>/<SET>/<SET>.ipynb. Files that match no one are listed, never
guessed; the exit status is 1 when there are any.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import zipfile
from pathlib import Path

CANVAS = re.compile(r"^(?P<name>[^_/]+)(?:_LATE)?_(?P<canvas_id>\d+)_\d+_(?P<stem>.+?)(?:-(?P<n>\d+))?\.ipynb$")
MOODLE = re.compile(r"(?:^|/)(?P<name>[^/]+?)_(?P<moodle_id>\d+)_assignsubmission_file_/?(?P<stem>[^/]+?)"
                    r"(?:-(?P<n>\d+))?\.ipynb$")


def read_roster(path: Path) -> list:
    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    if rows and "student_id" not in rows[0]:
        raise SystemExit(f"error: the roster {path} needs a student_id column (INSTRUCTORS.md)")
    return rows


def identify(name: str, roster: list) -> tuple[str | None, int]:
    """(student_id or None, resubmission number) for one downloaded file name."""
    for pattern, column in ((CANVAS, "canvas_id"), (MOODLE, "moodle_id")):
        match = pattern.search(name)
        if match:
            platform_id = match.group(column)
            who = [r["student_id"] for r in roster if r.get(column, "").strip() == platform_id]
            return (who[0] if len(who) == 1 else None), int(match.group("n") or 0)
    return None, 0


def downloaded(source: Path) -> dict:
    """file name (with any folder inside the download) -> bytes, for every notebook."""
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as z:
            return {n: z.read(n) for n in z.namelist() if n.endswith(".ipynb")}
    return {str(p.relative_to(source)): p.read_bytes() for p in sorted(source.rglob("*.ipynb"))}


def collect(set_name: str, source: Path, roster: list, submitted: Path) -> tuple[dict, list]:
    """Write the latest notebook of each student; returns (student -> file used, files matching no one)."""
    latest, unmatched = {}, []
    for name, data in sorted(downloaded(source).items()):
        student, n = identify(name, roster)
        if student is None:
            unmatched.append(name)
        elif student not in latest or n > latest[student][0]:
            latest[student] = (n, name, data)
    for student, (_, _, data) in latest.items():
        out = submitted / student / set_name / f"{set_name}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    return {s: name for s, (_, name, _) in latest.items()}, unmatched


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="gmm-grade-collect", description=__doc__.splitlines()[0])
    p.add_argument("set", help="the exercise set, e.g. ex03")
    p.add_argument("download", type=Path, help="the platform's zip file, or the folder it unpacks to")
    p.add_argument("--roster", required=True, type=Path, help="CSV with student_id, canvas_id and/or moodle_id")
    p.add_argument("--submitted", type=Path, default=Path("submitted"), help="nbgrader's submitted/ folder")
    args = p.parse_args(argv)
    used, unmatched = collect(args.set, args.download, read_roster(args.roster), args.submitted)
    for student, name in sorted(used.items()):
        print(f"{student}: {name}")
    for name in unmatched:
        print(f"not matched to anyone in {args.roster} (left out): {name}", file=sys.stderr)
    print(f"collected {len(used)} submissions into {args.submitted}", file=sys.stderr)
    return 1 if unmatched or not used else 0


if __name__ == "__main__":
    sys.exit(main())
