"""gmm_grading for a whole class: parallel runs agree with serial ones, partial regrades keep the rest,
an interrupted run records nothing half-done and resumes, late work, the class report, and the
way in from (collect) and out to (export) a learning platform. Tiny classes: a few submissions each."""

import csv
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from exercise_tools import ROOT as REPO
from exercise_tools import SOLUTIONS, submission
from mistakes.ex01 import GRADED
from test_grading import FULL, LOOP, SET, edit_graded, gradebook_scores, read_csv, write_submissions

from gmm_grading import collect, export
from gmm_grading.cli import tools_beside_python
from gmm_grading.feedback import plain_words
from gmm_grading.gradebook import ensure_assignment
from gmm_grading.judge import CellResult
from gmm_grading.sandbox import bubblewrap

PROB_SPACE = GRADED["probability_space"][0]["q4_answer"]
RENAMED = PROB_SPACE
for _old, _new in {"dens": "weighted", "x": "v", "pi": "w", "mu": "m", "sigma": "s", "k": "j"}.items():
    RENAMED = re.sub(rf"\b{_old}\b", _new, RENAMED)
LIBRARY = ("def log_normal_pdf(x, mu, sigma):\n"
           "    return gt.log_gaussian(np.asarray(x, float)[:, None], np.array([mu]), np.array([[sigma ** 2]]))\n")


def course_folder() -> Path:
    if not bubblewrap():
        pytest.fail("bubblewrap is needed to test sandboxed grading (apt install bubblewrap)")
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    course = Path(tempfile.mkdtemp(prefix="grading-class-", dir=REPO / "test-artifacts"))
    shutil.copytree(SOLUTIONS / SET, course / "solutions" / SET)
    return course


def keep_questions_up_to(course: Path, last_grade_id: str) -> dict:
    """Cut the course's source notebook after this graded cell (a quicker set, same machinery)."""
    path = course / "solutions" / SET / f"{SET}.ipynb"
    nb = json.loads(path.read_text())
    ids = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in nb["cells"]]
    nb["cells"] = nb["cells"][:ids.index(last_grade_id) + 1]
    path.write_text(json.dumps(nb))
    return nb


def command(course: Path, *extra) -> list:
    return [sys.executable, "-m", "gmm_grading", SET, "--submitted", str(course / "submitted"),
            "--gradebook", str(course / "gradebook.db"), "--csv", str(course / "grades.csv"),
            "--source", str(course / "solutions"), "--timeout", "15", *extra]


def grade(course: Path, *extra) -> subprocess.CompletedProcess:
    return subprocess.run(command(course, *extra), cwd=course, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module", autouse=True)
def alembic_on_path():
    """nbgrader's Gradebook runs `alembic` by name, in gmm-grade and in these tests: beside this Python."""
    with tools_beside_python():
        yield


def class_of_four(course: Path) -> None:
    write_submissions(course, {
        "a_correct": (submission(SET), None, None),
        "b_prob_space": (submission(SET, {"q4_answer": PROB_SPACE, "q1_answer": LIBRARY}), None, None),
        "c_renamed_copy": (edit_graded(submission(SET, {"q4_answer": RENAMED}), "print('ok')"), None, None)})
    stamps = {"b_prob_space": "2026-12-01 14:00:00 UTC",
              "c_renamed_copy": "2026-12-01 14:00:00 UTC"}
    for student, stamp in stamps.items():
        (course / "submitted" / student / SET / "timestamp.txt").write_text(stamp)
    from nbgrader.api import Gradebook

    source = json.loads((course / "solutions" / SET / f"{SET}.ipynb").read_text())
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:  # as nbgrader generate_assignment, db, formgrader
        ensure_assignment(gb, SET, {SET: source})
        gb.update_or_create_assignment(SET, duedate=datetime(2026, 12, 1, 12, 0))
        gb.update_or_create_student("c_renamed_copy")
        with warnings.catch_warnings():  # nbgrader's add_submission trips SQLAlchemy's autoflush warning
            warnings.simplefilter("ignore")
            gb.add_submission(SET, "c_renamed_copy")
        gb.grant_extension(SET, "c_renamed_copy", hours=3)


@pytest.fixture(scope="module")
def two_runs():
    """The same class graded with --jobs 2 and with --jobs 1, in two course folders."""
    courses = [course_folder(), course_folder()]
    for course in courses:
        class_of_four(course)
    runs = [grade(courses[0], "--jobs", "2"), grade(courses[1], "--jobs", "1")]
    yield courses, runs
    for course in courses:
        shutil.rmtree(course, ignore_errors=True)


def test_jobs_2_gives_exactly_what_jobs_1_gives(two_runs):
    (parallel, serial), runs = two_runs
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr[-3000:] + runs[1].stderr[-3000:]
    assert "with 2 job(s)" in runs[0].stderr and "model solution: 9/9" in runs[0].stderr
    assert (parallel / "grades.csv").read_text() == (serial / "grades.csv").read_text()
    assert gradebook_scores(parallel) == gradebook_scores(serial)
    for name in ("ex01_questions.csv", "ex01_flags.csv"):
        assert (parallel / "reports" / name).read_text() == (serial / "reports" / name).read_text()
    table = read_csv(parallel / "grades.csv")
    assert {s: float(r["total"]) for s, r in table.items()} == {
        "a_correct": 9, "b_prob_space": 6, "c_renamed_copy": 6}


def test_late_work_uses_the_due_date_and_extensions(two_runs):
    table = read_csv(two_runs[0][0] / "grades.csv")
    assert table["a_correct"]["seconds_late"] == table["a_correct"]["submitted_at"] == ""  # no timestamp.txt
    assert table["b_prob_space"]["seconds_late"] == "7200"  # two hours after the due date
    assert table["c_renamed_copy"]["seconds_late"] == "0"  # within the three-hour extension
    assert table["b_prob_space"]["submitted_at"] == "2026-12-01 14:00:00 UTC"


def test_class_report_names_mistakes_and_flags_neutrally(two_runs):
    report = two_runs[0][0] / "reports"
    page = (report / "ex01_report.html").read_text()
    assert 'src="data:image/png;base64,' in page and 'alt="Histogram of total scores' in page
    assert "http" not in page.replace("http-equiv", "")  # nothing to fetch: it opens offline
    assert '<th scope="col">pass rate</th>' in page and page.count("<h1>") == 1
    with (report / "ex01_questions.csv").open() as f:
        q4 = next(r for r in csv.DictReader(f) if r["question"] == "q4_check")
    assert q4["zeros"] == "2" and "(2)" in q4["typical_mistakes"], q4
    with (report / "ex01_flags.csv").open() as f:
        found = {(r["reason"], r["submissions"], r["question"]) for r in csv.DictReader(f)}
    assert ("near-identical answers", "b_prob_space c_renamed_copy", "q4_answer") in found
    assert ("calls the library's own function", "b_prob_space", "q1_answer") in found
    assert ("edited test cell", "c_renamed_copy", "") in found
    assert not [f for f in found if "a_correct" in f[1]]


def test_feedback_leads_with_the_total(two_runs):
    html = (two_runs[0][0] / "feedback" / "b_prob_space" / SET / f"{SET}.html").read_text()
    assert "Your score: 6 / 9" in html


def test_regrading_one_student_keeps_everyone_else(two_runs):
    course = two_runs[0][0]
    before = read_csv(course / "grades.csv")
    write_submissions(course, {"b_prob_space": (submission(SET), None, None)})  # b fixed the answer
    again = grade(course, "--student", "b_*", "--force", "--jobs", "1")
    assert again.returncode == 0, again.stderr[-3000:]
    after = read_csv(course / "grades.csv")
    assert float(after["b_prob_space"]["total"]) == 9
    assert {s: r for s, r in after.items() if s != "b_prob_space"} == {
        s: r for s, r in before.items() if s != "b_prob_space"}
    assert gradebook_scores(course)["b_prob_space"] == FULL
    skipped = grade(course, "--jobs", "1")  # nothing left to grade: all three are in the CSV
    assert skipped.returncode == 0 and "3 already graded" in skipped.stderr


def test_a_broken_setup_grades_no_one_and_exits_non_zero(tmp_path):
    course = course_folder()
    try:
        nb = keep_questions_up_to(course, "q1_check")
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q1_answer":
                cell["source"] = "def log_normal_pdf(x, mu, sigma):\n    ### BEGIN SOLUTION\n    return x\n"
        (course / "solutions" / SET / f"{SET}.ipynb").write_text(json.dumps(nb))
        write_submissions(course, {"a_correct": (submission(SET), None, None)})
        run = grade(course, "--jobs", "1")
        assert run.returncode == 3 and "the model solution scores" in run.stderr, run.stderr[-3000:]
        assert not (course / "grades.csv").exists()
    finally:
        shutil.rmtree(course, ignore_errors=True)


def test_ctrl_c_records_nothing_half_done_and_a_rerun_resumes():
    course = course_folder()
    try:
        keep_questions_up_to(course, "q2_check")
        looping = submission(SET, {"q2_answer": LOOP})
        write_submissions(course, {"a_correct": (submission(SET), None, None), "b_loops": (looping, None, None)})
        extra = ("--jobs", "1", "--timeout", "10", "--submission-timeout", "14")
        process = subprocess.Popen(command(course, *extra), cwd=course, stderr=subprocess.PIPE, text=True)
        lines = []
        while not any("a_correct:" in line for line in lines):
            lines.append(process.stderr.readline())
            assert lines[-1] or process.poll() is None, "".join(lines)
        time.sleep(1)  # b_loops is being graded now
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=120) == 130, "".join(lines) + process.stderr.read()
        process.stderr.close()
        assert list(read_csv(course / "grades.csv")) == ["a_correct"]
        assert list(gradebook_scores(course)) == ["a_correct"]
        resumed = grade(course, *extra)
        assert resumed.returncode == 0 and "1 already graded" in resumed.stderr, resumed.stderr[-3000:]
        row = read_csv(course / "grades.csv")["b_loops"]
        # The example cell after answer 2 calls the loop: one cell timeout, then the submission's
        # whole budget runs out during q2's check, which scores 0 without costing a second timeout.
        assert float(row["q1_check"]) == 2 and float(row["total"]) == 2, row
        assert "timeout in your cell after q2_answer" in row["status"] and "out of time" in row["status"], row
    finally:
        shutil.rmtree(course, ignore_errors=True)


def test_plain_words_for_crashes_and_timeouts():
    crash = CellResult("q3_check", 0, 2, failure="it called os._exit(3)", outcome="crash")
    assert plain_words(crash, 60, 600).startswith("Your answer to q3_check stopped Python: `os._exit(3)`")
    slow = CellResult("q5_check", 0, 2, failure="the submission did not answer in time", outcome="timeout")
    assert plain_words(slow, 60, 600).startswith("q5_check ran longer than 60 s")


ROSTER = ("student_id,first_name,last_name,email,canvas_id,sis_user_id,sis_login_id,section,moodle_id,moodle_idnumber\n"
          "alice,Alice,Able,alice@uni.example,1001,S1,alice1,A,71,M-1\n"
          "bob,Bob,Baker,bob@uni.example,1002,S2,bob2,A,72,M-2\n")


def test_collect_takes_the_latest_canvas_resubmission(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    download = tmp_path / "submissions.zip"
    with zipfile.ZipFile(download, "w") as z:
        z.writestr("ablealice_1001_555_ex01.ipynb", '{"v": "first"}')
        z.writestr("ablealice_LATE_1001_556_ex01-1.ipynb", '{"v": "resubmitted"}')
        z.writestr("bakerbob_1002_557_ex01.ipynb", '{"v": "bob"}')
        z.writestr("strangers_9999_558_ex01.ipynb", "{}")
    code = collect.main([SET, str(download), "--roster", str(roster), "--submitted", str(tmp_path / "submitted")])
    assert code == 1  # the stranger is reported, not guessed
    assert json.loads((tmp_path / "submitted" / "alice" / SET / f"{SET}.ipynb").read_text()) == {"v": "resubmitted"}
    assert json.loads((tmp_path / "submitted" / "bob" / SET / f"{SET}.ipynb").read_text()) == {"v": "bob"}


def test_collect_reads_moodle_folders(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    folder = tmp_path / "download" / "Bob Baker_72_assignsubmission_file_"
    folder.mkdir(parents=True)
    (folder / "ex01.ipynb").write_text('{"v": "moodle"}')
    code = collect.main([SET, str(tmp_path / "download"), "--roster", str(roster),
                         "--submitted", str(tmp_path / "submitted")])
    assert code == 0 and (tmp_path / "submitted" / "bob" / SET / f"{SET}.ipynb").read_text() == '{"v": "moodle"}'


def test_exports_for_canvas_and_moodle(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER)
    (tmp_path / "grades.csv").write_text("student,q1_check,total,max_score,status\nbob,2,7,9,ok\nalice,2,9,9,ok\n")
    args = ["--csv", str(tmp_path / "grades.csv"), "--roster", str(tmp_path / "roster.csv")]
    assert export.main([SET, *args, "--to", "canvas", "--out", str(tmp_path / "c.csv")]) == 0
    assert export.main([SET, *args, "--to", "moodle", "--out", str(tmp_path / "m.csv")]) == 0
    canvas = list(csv.reader((tmp_path / "c.csv").open()))
    assert canvas[:3] == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", SET],
                          ["Points Possible", "", "", "", "", "9"], ["Able, Alice", "1001", "S1", "alice1", "A", "9"]]
    moodle = list(csv.reader((tmp_path / "m.csv").open()))
    assert moodle[0] == ["First name", "Last name", "ID number", "Email address", SET]
    assert moodle[2] == ["Bob", "Baker", "M-2", "bob@uni.example", "7"]
    (tmp_path / "grades.csv").write_text("student,total,max_score,status\ncarol,1,9,ok\n")
    assert export.main([SET, *args, "--to", "moodle", "--out", str(tmp_path / "x.csv")]) == 1
