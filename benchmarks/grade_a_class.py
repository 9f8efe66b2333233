"""A class of 60 for exercise set 01, from a Canvas download to grades Canvas and Moodle import.

    .venv/bin/python benchmarks/grade_a_class.py

The class: honest (correct, blank, partly right), wrong in the typical ways the checks
recognise, hostile or broken (the attacks of tests/test_grading.py), late (one within
an extension), resubmitted (Canvas's ex01-1.ipynb) and a renamed copy. The run:
collect the zip with a roster; grade with --jobs 2, interrupted by Ctrl-C (SIGINT)
once and killed (SIGKILL) once, resuming each time; check every score against what the
submission earned and that no submission was graded twice; regrade one student; export
for Canvas and Moodle; then time a whole class with --jobs 1 and --jobs 2 from scratch.
Writes benchmarks/results/grading.md and a screenshot of the class report.
"""

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from exercise_tools import submission  # noqa: E402
from mistakes.ex01 import GRADED  # noqa: E402
from test_grading import FULL, SET, WRONG_ANSWERS, students  # noqa: E402

OUT = ROOT / "benchmarks" / "results"
ZERO = dict.fromkeys(FULL, 0.0)
BREAKS = {"q1_answer": ["q1_check", "q2_check", "q4_check"], "q2_answer": ["q2_check"],  # q2, q4 call q1
          "q3_answer": ["q3_check"], "q4_answer": ["q4_check"]}


def renamed(code: str) -> str:
    return re.sub(r"\bdens\b", "weighted", code)


def the_class(course: Path, canary: Path) -> dict:
    """student id -> (final notebook, expected scores, kind); 60 of them."""
    subs = {}
    for i in range(20):
        subs[f"honest_correct_{i:02d}"] = (submission(SET), FULL, "honest")
    for i in range(3):
        subs[f"honest_blank_{i:02d}"] = (submission(SET, answered=False), ZERO, "honest")
    for i, qa in enumerate(["q1_answer", "q2_answer", "q3_answer", "q4_answer", "q2_answer"]):
        subs[f"honest_partial_{i:02d}"] = (submission(SET, {qa: WRONG_ANSWERS[qa]}),
                                           FULL | dict.fromkeys(BREAKS[qa], 0.0), "honest")
    mistakes = sorted(GRADED.items())
    for i in range(12):
        name, (replace, lost) = mistakes[i % len(mistakes)]
        subs[f"typical_{i:02d}_{name}"] = (submission(SET, replace), FULL | dict.fromkeys(lost, 0.0), "typical")
    copied = {k: renamed(v) for k, v in GRADED["probability_space"][0].items()}
    subs["typical_renamed_copy"] = (submission(SET, copied), FULL | {"q4_check": 0.0}, "typical")
    for name, (nb, expected, _) in students(course, canary).items():
        if name not in ("correct", "blank"):
            subs[f"hostile_{name}"] = (nb, expected, "hostile")
    for i in range(5):
        subs[f"late_{i:02d}"] = (submission(SET), FULL, "late")
    for i in range(4):
        subs[f"resubmitted_{i:02d}"] = (submission(SET), FULL, "resubmitted")
    assert len(subs) == 60, len(subs)
    return subs


def canvas_zip(course: Path, subs: dict) -> tuple[Path, Path]:
    """The class as Canvas names its download (resubmissions as ex01-1.ipynb), and a roster."""
    roster = [["student_id", "first_name", "last_name", "email", "canvas_id", "sis_user_id", "sis_login_id",
               "section", "moodle_id", "moodle_idnumber"]]
    download = course / "downloaded" / "submissions.zip"
    download.parent.mkdir(parents=True)
    with zipfile.ZipFile(download, "w") as z:
        for i, (sid, (nb, _, kind)) in enumerate(sorted(subs.items())):
            uid, last = 2000 + i, sid.replace("_", "")
            roster.append([sid, "Student", last, f"{sid}@uni.example", uid, f"SIS{i}", sid, "A", 500 + i, f"M{i}"])
            late = "_LATE" if kind == "late" else ""
            if kind == "resubmitted":  # first try: blank; the resubmission counts
                z.writestr(f"{last}_{uid}_{9000 + i}_ex01.ipynb", json.dumps(submission(SET, answered=False)))
                z.writestr(f"{last}{late}_{uid}_{9100 + i}_ex01-1.ipynb", json.dumps(nb))
            else:
                z.writestr(f"{last}{late}_{uid}_{9000 + i}_ex01.ipynb", json.dumps(nb))
    path = course / "roster.csv"
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(roster)
    return download, path


def run(course: Path, *args, env=None):
    return subprocess.run([sys.executable, "-m", "gmm_grading", *args], cwd=course, capture_output=True,
                          text=True, env=env)


def grade_command(course: Path, *extra) -> list:
    return [sys.executable, "-m", "gmm_grading", SET, "--submitted", "submitted", "--gradebook", "gradebook.db",
            "--csv", "grades.csv", "--source", "solutions", *extra]


def stop_after(course: Path, n_graded: int, sig: int) -> tuple[str, float]:
    """Start grading with --jobs 2, send ``sig`` once n_graded submissions are done; returns stderr."""
    process = subprocess.Popen(grade_command(course, "--jobs", "2"), cwd=course, stderr=subprocess.PIPE, text=True)
    lines, start = [], time.monotonic()
    while sum(bool(re.match(r"\[[#.]+\]", line)) for line in lines) < n_graded:
        lines.append(process.stderr.readline())
        if not lines[-1] and process.poll() is not None:
            break
    process.send_signal(sig)
    rest = process.stderr.read()
    process.wait()
    return "".join(lines) + rest + f"\n(exit status {process.returncode})", time.monotonic() - start


def graded_lines(stderr: str) -> list:
    return re.findall(r"^\[[#.]+\]\s+\d+/\d+\s+(\S+):", stderr, re.M)


def read_csv(path: Path) -> dict:
    with path.open() as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def set_due_date(course: Path) -> None:
    """Due 2026-12-01 12:00 UTC, as `nbgrader db assignment add ex01 --duedate=...`; late_00 has 48 h more."""
    from nbgrader.api import Gradebook

    from gmm_grading.gradebook import ensure_assignment

    source = json.loads((course / "solutions" / SET / f"{SET}.ipynb").read_text())
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        ensure_assignment(gb, SET, {SET: source})
        gb.update_or_create_assignment(SET, duedate=datetime(2026, 12, 1, 12, 0))
        gb.update_or_create_student("late_00")
        gb.add_submission(SET, "late_00")
        gb.grant_extension(SET, "late_00", hours=48)


def timestamps(course: Path, subs: dict) -> None:
    for sid, (_, _, kind) in subs.items():
        when = "2026-12-02 09:30:00 UTC" if kind == "late" else "2026-12-01 11:00:00 UTC"
        (course / "submitted" / sid / SET / "timestamp.txt").write_text(when)


def timed_full_run(course: Path, jobs: int) -> tuple[float, str, subprocess.CompletedProcess]:
    """Grade the whole class from scratch with --jobs N in a copy; returns seconds, the CSV text, the run."""
    copy = Path(tempfile.mkdtemp(prefix=f"jobs{jobs}-", dir=course.parent))
    shutil.copytree(course / "solutions", copy / "solutions")
    shutil.copytree(course / "submitted", copy / "submitted")
    start = time.monotonic()
    done = subprocess.run(grade_command(copy, "--jobs", str(jobs)), cwd=copy, capture_output=True, text=True)
    seconds = time.monotonic() - start
    text = (copy / "grades.csv").read_text() if (copy / "grades.csv").exists() else ""
    shutil.rmtree(copy, ignore_errors=True)
    return seconds, text, done


def screenshot(report: Path) -> Path:
    png = OUT / "class_report.png"
    subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1000,1900", f"--screenshot={png}", report.as_uri()],
                   capture_output=True, timeout=120)
    from PIL import Image  # Pillow comes with matplotlib; a 256-colour palette keeps the file small

    Image.open(png).convert("RGB").quantize(256).save(png, optimize=True)
    return png


def main():
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    course = Path(tempfile.mkdtemp(prefix="class60-", dir=ROOT / "test-artifacts"))
    canary = course.parent / f"{course.name}-canary.txt"
    canary.write_text("must survive")
    shutil.copytree(ROOT / "solutions" / SET, course / "solutions" / SET)
    subs = the_class(course, canary)
    download, roster = canvas_zip(course, subs)
    collected = subprocess.run([sys.executable, "-m", "gmm_grading.collect", SET, str(download), "--roster",
                                str(roster), "--submitted", "submitted"], cwd=course, capture_output=True, text=True)
    timestamps(course, subs)
    set_due_date(course)
    notes = {"collect": collected.stderr.strip().splitlines()[-1], "collect_exit": collected.returncode}
    notes["sigint"], notes["t_sigint"] = stop_after(course, 12, signal.SIGINT)
    notes["after_sigint"] = len(read_csv(course / "grades.csv"))
    notes["sigkill"], notes["t_sigkill"] = stop_after(course, 12, signal.SIGKILL)
    time.sleep(3)  # the workers notice their parent is gone
    notes["after_sigkill"] = len(read_csv(course / "grades.csv"))
    start = time.monotonic()
    resumed = subprocess.run(grade_command(course, "--jobs", "2"), cwd=course, capture_output=True, text=True)
    notes["t_resume"], notes["resume"] = time.monotonic() - start, resumed
    return finish(course, canary, subs, roster, notes)


def finish(course: Path, canary: Path, subs: dict, roster: Path, notes: dict) -> int:
    table = read_csv(course / "grades.csv")
    wrong = [s for s, (_, exp, _) in subs.items() if {k: float(table[s][k]) for k in FULL} != exp]
    before_kill = set(graded_lines(notes["sigint"])) | set(graded_lines(notes["sigkill"]))
    twice = sorted(set(graded_lines(notes["resume"].stderr)) & before_kill)
    # One student fixes a mistake and is regraded; nobody else may change.
    fixed = "typical_00_" + sorted(GRADED)[0]
    (course / "submitted" / fixed / SET / f"{SET}.ipynb").write_text(json.dumps(submission(SET)))
    regrade = subprocess.run(grade_command(course, "--jobs", "2", "--student", fixed, "--force"),
                             cwd=course, capture_output=True, text=True)
    after = read_csv(course / "grades.csv")
    others_same = all(after[s] == table[s] for s in table if s != fixed)
    exports = {to: subprocess.run([sys.executable, "-m", "gmm_grading.export", SET, "--csv", "grades.csv",
                                   "--roster", str(roster), "--to", to], cwd=course, capture_output=True, text=True)
               for to in ("canvas", "moodle")}
    report = course / "reports" / f"{SET}_report.html"
    shutil.copy(report, OUT / "class_report.html")
    png = screenshot(report)
    timing = {jobs: timed_full_run(course, jobs) for jobs in (1, 2)}
    facts = dict(wrong=wrong, twice=twice, regrade=regrade, fixed=fixed, fixed_total=after[fixed]["total"],
                 others_same=others_same, exports=exports, png=png, timing=timing, table=after, course=course,
                 canary=canary.read_text() == "must survive", subs=subs)
    write_results(notes, facts)
    ok = not wrong and not twice and others_same and timing[1][1] == timing[2][1] and regrade.returncode == 0
    shutil.rmtree(course, ignore_errors=True)
    canary.unlink(missing_ok=True)
    return 0 if ok else 1


def write_results(notes: dict, f: dict) -> None:
    t1, t2 = f["timing"][1][0], f["timing"][2][0]
    late = {s: r["seconds_late"] for s, r in f["table"].items() if s.startswith("late_")}
    canvas = f["course"] / f"{SET}_canvas.csv"
    moodle = f["course"] / f"{SET}_moodle.csv"
    lines = [
        "# Grading a class of 60 (exercise set 01)", "",
        "`python benchmarks/grade_a_class.py` — 2-core machine shared with other jobs; "
        f"{datetime.now():%Y-%m-%d}.", "",
        "Class: 20 correct, 3 blank, 5 partly right, 13 wrong in the typical ways (one a renamed copy "
        "of another's answer), 10 hostile or broken, 5 late (one within a 48 h extension), 4 resubmitted "
        "(Canvas `ex01-1.ipynb` after a blank `ex01.ipynb`). Isolation: bubblewrap.", "",
        "| step | result |", "|---|---|",
        f"| collect the Canvas zip with a roster | {notes['collect']} (exit {notes['collect_exit']}); "
        "each resubmission taken over the first try |",
        f"| grade, `--jobs 2`, Ctrl-C after 12 | exit {notes['sigint'].strip().splitlines()[-1]}; "
        f"{notes['after_sigint']} rows kept, nothing of the 2 in progress recorded |",
        f"| resume, `--jobs 2`, SIGKILL after 12 more | {notes['after_sigkill']} rows kept |",
        f"| resume, `--jobs 2` | exit {notes['resume'].returncode}, {notes['t_resume']:.0f} s; "
        f"graded twice: {len(f['twice'])} {f['twice'] or ''} |",
        f"| every score as earned | {60 - len(f['wrong'])}/60 {f['wrong'] or ''} |",
        f"| late work (seconds late) | {late} |",
        f"| regrade `{f['fixed']}` after a fix | exit {f['regrade'].returncode}, total now {f['fixed_total']}; "
        f"other 59 rows unchanged: {f['others_same']} |",
        f"| export | Canvas: {f['exports']['canvas'].stderr.strip()}; "
        f"Moodle: {f['exports']['moodle'].stderr.strip()} |",
        f"| file outside the course intact | {f['canary']} |",
        "", "## `--jobs 1` against `--jobs 2` (the whole class from scratch, model-solution check included)", "",
        "| jobs | seconds | per submission | exit | grades.csv |", "|---|---|---|---|---|",
        f"| 1 | {t1:.0f} | {t1 / 60:.1f} | {f['timing'][1][2].returncode} | |",
        f"| 2 | {t2:.0f} | {t2 / 60:.1f} | {f['timing'][2][2].returncode} | "
        f"identical to `--jobs 1`: {f['timing'][1][1] == f['timing'][2][1]} |", "",
        f"Speed-up {t1 / t2:.2f}× on 2 cores. ",
        "", "## Exports (first rows)", "", "```", *canvas.read_text().splitlines()[:3], "```", "",
        "```", *moodle.read_text().splitlines()[:2], "```", "",
        "## The class report", "", "`class_report.html` (beside this file) and its screenshot `class_report.png`.", "",
    ]
    (OUT / "grading.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
