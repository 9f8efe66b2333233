"""A class of 30 for exercise set 01, a third of them hostile or broken, graded in one command.

    .venv/bin/python benchmarks/grade_a_class.py

Builds the submissions (20 honest: correct, blank, partly right, typical mistakes;
10 hostile or broken: the attacks of tests/test_grading.py), runs
`python -m gmm_teach.grading ex01 ...` once, checks every student's score against
what they earned, and writes benchmarks/results/grading.md with the time per
submission and what each attack got.
"""

import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from exercise_tools import submission  # noqa: E402
from mistakes.ex01 import GRADED  # noqa: E402
from test_grading import FULL, SET, WRONG_ANSWERS, students  # noqa: E402


def honest_class() -> dict:
    """20 honest submissions with the score each deserves."""
    subs = {}
    for i in range(8):
        subs[f"honest_correct_{i:02d}"] = (submission(SET), FULL)
    for i in range(3):
        subs[f"honest_blank_{i:02d}"] = (submission(SET, answered=False), {k: 0.0 for k in FULL})
    # A wrong log_normal_pdf also breaks mixture_pdf and posterior, which call it.
    breaks = {"q1_answer": ["q1_check", "q2_check", "q4_check"], "q2_answer": ["q2_check"],
              "q3_answer": ["q3_check"], "q4_answer": ["q4_check"]}
    for i, qa in enumerate(["q1_answer", "q2_answer", "q3_answer", "q4_answer", "q2_answer"]):
        expected = FULL | dict.fromkeys(breaks[qa], 0.0)
        subs[f"honest_partial_{i:02d}"] = (submission(SET, {qa: WRONG_ANSWERS[qa]}), expected)
    for i, (name, (replace, lost)) in enumerate(sorted(GRADED.items()) * 2):
        subs[f"honest_mistake_{i:02d}_{name}"] = (submission(SET, replace), FULL | {q: 0.0 for q in lost})
    return dict(list(subs.items())[:20])


ATTACKS = {
    "exit_after_first_answer": "os._exit(0) in a cell after answer 1: that cell is dropped, every answer graded",
    "exit_in_function": "answer 3 calls os._exit: 0 for question 3 only, the runner restarts for question 4",
    "infinite_loop": "answer 2 never returns: 0 for question 2 after the cell timeout, the rest graded",
    "memory_bomb": "answer 4 allocates without end: MemoryError at the address-space limit, 0 for question 4",
    "patcher": "wrong answers + patched np.allclose/isclose/testing, gt.checks and AssertionError: nothing gained",
    "printer": "prints 100 MB (and writes 100 MB to fd 1): output capped, answers graded",
    "reader": "builds its answers from solutions/ notebooks: they are masked, nothing found, 0",
    "test_deleter": "deleted every test cell: restored from the source, graded as usual",
    "test_editor": "replaced every test cell by print('✅ all correct') with wrong answers: restored, 0",
    "vandal": "deletes/overwrites the gradebook, CSV, solutions, other files by absolute and relative paths: "
              "read-only or masked, nothing changed",
}


def main():
    course = Path(tempfile.mkdtemp(prefix="class-", dir=ROOT / "test-artifacts"))
    canary = course.parent / f"{course.name}-canary.txt"
    canary.write_text("must survive")
    shutil.copytree(ROOT / "solutions" / SET, course / "solutions" / SET)
    hostile = {name: (nb, expected) for name, (nb, expected, _) in students(course, canary).items()
               if name not in ("correct", "blank")}
    everyone = honest_class() | {f"hostile_{k}": v for k, v in hostile.items()}
    assert len(everyone) == 30, len(everyone)
    for name, (nb, _) in everyone.items():
        path = course / "submitted" / name / SET / f"{SET}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(nb))
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "gmm_teach.grading", SET, "--submitted", str(course / "submitted"),
                          "--gradebook", str(course / "gradebook.db"), "--csv", str(course / "grades.csv"),
                          "--source", str(course / "solutions")], cwd=course, capture_output=True, text=True)
    seconds = time.monotonic() - start
    print(run.stderr[-4000:])
    with (course / "grades.csv").open() as f:
        table = {row["student"]: row for row in csv.DictReader(f)}
    wrong = [n for n, (_, exp) in everyone.items() if {k: float(table[n][k]) for k in FULL} != exp]
    per_student = sorted(float(m) for m in re.findall(r"\(([0-9.]+) s\)$", run.stderr, re.M))
    median = per_student[len(per_student) // 2] if per_student else float("nan")
    lines = ["# Grading a class of 30 (exercise set 01)", "",
             f"One command, {len(everyone)} submissions (20 honest, 10 hostile or broken): "
             f"{seconds:.0f} s in all, {seconds / len(everyone):.1f} s per submission on average, median "
             f"{median:.1f} s (the slowest, {per_student[-1]:.0f} s, is the infinite loop: two cell timeouts); "
             f"exit code {run.returncode}; scores as earned: {len(everyone) - len(wrong)}/{len(everyone)}"
             + (f" (wrong: {wrong})" if wrong else "")
             + f"; a file outside the course intact: {canary.read_text() == 'must survive'}.",
             "", next(line for line in run.stderr.splitlines() if "isolation" in line), "",
             "| submission | what it does, and what it got | score (expected) | status column |", "|---|---|---|---|"]
    for name in sorted(hostile):
        row = table[f"hostile_{name}"]
        expected = sum(hostile[name][1].values())
        lines.append(f"| {name} | {ATTACKS[name]} | {float(row['total']):g} / {float(row['max_score']):g} "
                     f"({expected:g}) | {row['status']} |")
    out = ROOT / "benchmarks" / "results" / "grading.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    shutil.rmtree(course, ignore_errors=True)
    canary.unlink(missing_ok=True)
    return 0 if not wrong and run.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
