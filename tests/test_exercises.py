"""Exercise sets: exercises/ is exactly what solutions/ generates, unsolved exercises run top to bottom
with friendly feedback, and a full nbgrader round trip scores each kind of submission exactly."""

import filecmp
import json
import shutil

import nbformat
import pytest
from exercise_tools import (
    EXERCISES,
    ROOT,
    SETS,
    graded_points,
    nbgrader,
    nbgrader_meta,
    source,
    submission,
)
from nbclient import NotebookClient

pytestmark = pytest.mark.skipif(not SETS, reason="no exercise sets yet")


def test_every_set_is_released():
    assert SETS == sorted(p.name for p in EXERCISES.iterdir() if p.is_dir())
    assert SETS == ["ex01", "ex02", "ex03", "ex04"]


@pytest.mark.parametrize("set_name", SETS)
def test_exercises_are_what_solutions_generate(set_name, tmp_path):
    """Edit solutions/, then regenerate: nbgrader generate_assignment SET --no-db --force."""
    nbgrader("generate_assignment", set_name, "--no-db", "--force",
             f"--CourseDirectory.release_directory={tmp_path}", cwd=ROOT)
    fresh, committed = tmp_path / set_name, EXERCISES / set_name
    cmp = filecmp.dircmp(fresh, committed)
    assert not (cmp.left_only or cmp.right_only), (cmp.left_only, cmp.right_only)
    for name in cmp.common_files:
        assert (fresh / name).read_bytes() == (committed / name).read_bytes(), (
            f"exercises/{set_name}/{name} is stale: run `nbgrader generate_assignment {set_name} --no-db --force`")


@pytest.mark.parametrize("set_name", SETS)
def test_released_notebook_hides_answers_and_hidden_tests(set_name):
    text = (EXERCISES / set_name / f"{set_name}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "_rng = np.random.default_rng"):
        assert marker not in text
    nb = json.loads(text)
    graded = [c for c in nb["cells"] if nbgrader_meta(c).get("grade")]
    assert graded and all(source(c).startswith("gt.checks.") for c in graded)
    assert all(c.get("outputs") == [] for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("set_name", SETS)
def test_unsolved_exercise_runs_top_to_bottom(set_name, tmp_path, monkeypatch):
    """Self-study: every check reports 'not answered yet' and nothing raises."""
    monkeypatch.delenv("GMM_TEACH_STRICT", raising=False)
    nb = nbformat.read(EXERCISES / set_name / f"{set_name}.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    feedback = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    n_graded = sum(1 for c in nb.cells if nbgrader_meta(c).get("grade"))
    assert feedback.count("❌") == n_graded and feedback.count("not answered yet") >= n_graded
    assert "✅" not in feedback


# ---------------------------------------------------------------- the nbgrader round trip

WRONG = {
    "ex01": {
        "forgot_weights": ({"q2_answer": '''
def mixture_pdf(x, pi, mu, sigma):
    x = np.asarray(x, dtype=float)
    return sum(np.exp(log_normal_pdf(x, mu[k], sigma[k])) for k in range(len(pi)))
'''}, ["q2_check"]),
        "probability_space": ({"q4_answer": '''
def posterior(x, pi, mu, sigma):
    x = np.asarray(x, dtype=float)
    dens = np.stack([pi[k] * np.exp(log_normal_pdf(x, mu[k], sigma[k])) for k in range(len(pi))], axis=1)
    return dens / dens.sum(axis=1, keepdims=True)
'''}, ["q4_check"]),
    },
    "ex02": {
        "probability_space": ({"q4_answer": '''
def soft_assign(X, centers, beta):
    e = np.exp(-beta * ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2))
    return e / e.sum(axis=1, keepdims=True)
'''}, ["q4_check"]),
        "uniform_seeds": ({"q3_answer": '''
def kmeans_plusplus(X, K, rng):
    return X[rng.choice(len(X), size=K, replace=False)]
'''}, ["q3_check"]),
    },
    "ex03": {
        "probability_space": ({"q1_answer": '''
def e_step(X, pi, mu, Sigma):
    dens = np.stack([pi[k] * multivariate_normal(mu[k], Sigma[k]).pdf(X) for k in range(len(pi))], axis=1)
    dens = dens.reshape(len(X), len(pi))
    return dens / dens.sum(axis=1, keepdims=True), float(np.log(dens.sum(axis=1)).sum())
'''}, ["q1_check"]),
        # Forgetting the weights in the E-step also breaks the loop and the fit built on it.
        "forgot_weights": ({"q1_answer": '''
def e_step(X, pi, mu, Sigma):
    log_joint = np.stack([multivariate_normal(mu[k], Sigma[k]).logpdf(X) for k in range(len(pi))], axis=1)
    log_joint = log_joint.reshape(len(X), len(pi))
    log_px = logsumexp(log_joint, axis=1)
    return np.exp(log_joint - log_px[:, None]), float(log_px.sum())
'''}, ["q1_check", "q5_check", "q6_check"]),
    },
    "ex04": {
        "eigenvalues_not_sqrt": ({"q1_answer": '''
def ellipse(cov, n_std):
    lam, V = np.linalg.eigh(cov)
    return 2 * n_std * lam[1], 2 * n_std * lam[0], np.degrees(np.arctan2(V[1, 1], V[0, 1]))
'''}, ["q1_check"]),
        "all_K_weights": ({"q6_answer": '''
def n_parameters(K, D, covariance_type):
    covariance = {"full": K * D * (D + 1) // 2, "tied": D * (D + 1) // 2,
                  "diag": K * D, "spherical": K}[covariance_type]
    return K + K * D + covariance
'''}, ["q6_check"]),
    },
}


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """A course folder with a gradebook, every set released, and submissions autograded."""
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions", course / "solutions")
    for set_name in SETS:
        nbgrader("generate_assignment", set_name, "--force", cwd=course)
        students = {"correct": submission(set_name), "blank": submission(set_name, answered=False)}
        for who, (replace, _) in WRONG[set_name].items():
            students[who] = submission(set_name, replace)
        for who, nb in students.items():
            path = course / "submitted" / who / set_name / f"{set_name}.ipynb"
            path.parent.mkdir(parents=True)
            path.write_text(json.dumps(nb))
        result = nbgrader("autograde", set_name, "--force", cwd=course, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
    return course


def cell_scores(course, set_name, student) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission_notebook(set_name, set_name, student)
        return {g.name: g.score for g in sub.grades}


@pytest.mark.parametrize("set_name", SETS)
def test_model_answers_score_every_point(graded_course, set_name):
    assert cell_scores(graded_course, set_name, "correct") == graded_points(set_name)


@pytest.mark.parametrize("set_name", SETS)
def test_untouched_exercise_scores_zero(graded_course, set_name):
    scores = cell_scores(graded_course, set_name, "blank")
    assert set(scores) == set(graded_points(set_name)) and sum(scores.values()) == 0


CASES = [(s, who) for s in WRONG for who in WRONG[s]]


@pytest.mark.parametrize("set_name,student", CASES, ids=[f"{s}-{w}" for s, w in CASES])
def test_typical_wrong_answer_loses_exactly_its_points(graded_course, set_name, student):
    points = graded_points(set_name)
    lost = WRONG[set_name][student][1]
    expected = {gid: (0 if gid in lost else p) for gid, p in points.items()}
    assert cell_scores(graded_course, set_name, student) == expected
