"""gmm_teach.checks: correct answers pass, typical mistakes fail with the hint for that mistake,
unanswered questions say so, nothing ever raises in self-study, everything raises in strict mode."""

import ast
import os
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from exercise_tools import SETS, checked_functions, load_answers

import gmm_teach as gt
from gmm_teach import checks

# The model answers are the solution notebooks' own code, so the checks are tested on them.
ok = SimpleNamespace(**{name: fn for s in SETS for name, fn in load_answers(s).items() if callable(fn)})

# Every question whose graded cell calls gt.checks.<name>(<name>): the learner's function is checked.
QUESTIONS = [q for s in SETS for q in checked_functions(s)]


@pytest.fixture(autouse=True)
def self_study(monkeypatch):
    monkeypatch.delenv(checks.STRICT_ENV, raising=False)


@pytest.mark.parametrize("name", QUESTIONS)
def test_model_answer_passes(name, capsys):
    assert getattr(checks, name)(getattr(ok, name))
    assert capsys.readouterr().out.startswith(f"✅ {name}")


def not_yet(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("name", QUESTIONS)
def test_unanswered_question_reports_without_raising(name, capsys):
    assert not getattr(checks, name)(not_yet)
    out = capsys.readouterr().out
    assert out.startswith(f"❌ {name}: not answered yet")


@pytest.mark.parametrize("name", QUESTIONS)
def test_crashing_answer_reports_the_exception(name, capsys):
    def broken(*args):
        return undefined_name  # noqa: F821

    assert not getattr(checks, name)(broken)
    assert "NameError" in capsys.readouterr().out


@pytest.mark.parametrize("name", QUESTIONS)
def test_strict_mode_raises(name, monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(checks.CheckFailedError, match=name):
        getattr(checks, name)(not_yet)
    assert getattr(checks, name)(getattr(ok, name))  # right answers still pass quietly


def test_not_a_function(capsys):
    assert not checks.e_step(42)
    assert "expected a function, got int" in capsys.readouterr().out


# ---- typical mistakes, each with the hint it must trigger (tests/mistakes/<set>.py) ---------

MISTAKES = [m for s in SETS for m in import_module(f"mistakes.{s}").CHECKS]


@pytest.mark.parametrize("name,answer,hint", MISTAKES, ids=[f"{m[0]}-{m[1].__name__}" for m in MISTAKES])
def test_typical_mistake_fails_with_its_hint(name, answer, hint, capsys):
    with np.errstate(all="ignore"):
        assert not getattr(checks, name)(answer)
    out = capsys.readouterr().out
    assert out.startswith(f"❌ {name}:")
    assert "expected" in out or "should" in out or "went DOWN" in out
    if hint:
        assert hint in out, out


def test_fitted_params_is_permutation_invariant(capsys):
    X, _ = gt.datasets.load_galton()
    p = gt.fit_gmm(X, 2, seed=0, tol=1e-8, max_iter=3000).params
    assert checks.fitted_params(p.pi, p.mu, p.Sigma, X, 2)
    assert checks.fitted_params(p.pi[::-1], p.mu[::-1], p.Sigma[::-1], X, 2)
    assert checks.gmm_fit(lambda X: (p.pi[::-1], p.mu[::-1], p.Sigma[::-1]), X, 2)
    stuck = gt.fit_gmm(X, 2, seed=1, tol=1e-8, max_iter=3000).params  # the local optimum
    assert not checks.gmm_fit(lambda X: (stuck.pi, stuck.mu, stuck.Sigma), X, 2)
    assert "restart" in capsys.readouterr().out
    assert not checks.gmm_fit(not_yet, X, 2)
    assert "not answered yet" in capsys.readouterr().out


def test_try_it_never_raises(capsys):
    assert checks.try_it(not_yet, 1, 2) is None
    assert "not answered yet" in capsys.readouterr().out
    assert checks.try_it(lambda a: 1 / a, 0) is None
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert checks.try_it(lambda a, b: a + b, 1, 2) == 3


def test_align_components():
    mu = np.array([[0.0, 0.0], [5.0, 5.0], [10.0, 0.0]])
    order = checks.align_components(mu[[2, 0, 1]] + 0.1, mu)
    np.testing.assert_array_equal((mu[[2, 0, 1]] + 0.1)[order].round(), mu)


def test_compare_arrays_messages():
    assert checks.compare_arrays([1.0, 2.0], [1.0, 2.0]) is None
    assert "shape (2,)" in checks.compare_arrays([1.0], [1.0, 2.0])
    assert "NaN" in checks.compare_arrays([np.nan, 1.0], [1.0, 2.0])
    assert "expected [1., 2.], got [1., 3.]" in checks.compare_arrays([1.0, 3.0], [1.0, 2.0])
    assert "numbers" in checks.compare_arrays("abc", [1.0])


# ---- how the checks are written (issue 13 §3): hints as data, no hidden names, no private imports -----

CHECK_MODULES = sorted((Path(checks.__file__).parent).glob("*.py"))


@pytest.mark.parametrize("path", CHECK_MODULES, ids=[p.name for p in CHECK_MODULES])
def test_check_modules_import_no_private_names_and_inject_nothing(path):
    tree = ast.parse(path.read_text())
    private = [f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               for alias in node.names if alias.name.startswith("_")]
    assert not private, f"{path.name} imports private names {private}"
    calls = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not calls & {"globals", "setattr", "exec"}, f"{path.name} injects names"
    multiline_lambdas = [node.lineno for node in ast.walk(tree)
                         if isinstance(node, ast.Lambda) and node.end_lineno > node.lineno]
    assert not multiline_lambdas, f"{path.name}: multi-line lambdas at lines {multiline_lambdas}; use a named Hint"


@pytest.mark.parametrize("module", checks.SETS, ids=[m.__name__.rsplit(".", 1)[-1] for m in checks.SETS])
def test_every_check_of_a_set_is_registered_and_exported(module):
    set_name = module.__name__.rsplit(".", 1)[-1]
    assert checks.set_checks(set_name) == module.__all__  # each decorated with @check, in order
    assert all(getattr(checks, name) is getattr(module, name) for name in module.__all__)


def test_hidden_tests_note_comes_once_when_the_whole_set_passes(capsys, monkeypatch):
    from gmm_teach.checks import engine

    monkeypatch.setattr(engine, "_PASSED", {})
    names = checks.set_checks("ex04")
    for name in names:
        assert getattr(checks, name)(getattr(ok, name))
    out = capsys.readouterr().out
    assert out.count("Every visible check of ex04 passes") == 1
    assert out.rstrip().endswith("keep your code general.")  # after the last check, not before
    assert getattr(checks, names[0])(getattr(ok, names[0]))
    assert "Every visible check" not in capsys.readouterr().out


def test_hint_says_its_text_naming_the_case_and_never_raises():
    case = checks.Case("label", (np.zeros(3), 7), None)
    small = checks.Hint(lambda got, c: got < c.args[1], "at least {case.args[1]} pixels; sets look like {{a, b}}")
    assert small.text_for(3, case) == "at least 7 pixels; sets look like {a, b}"
    assert small.text_for(9, case) is None
    assert small.text_for("not a number", case) is None  # a predicate that raises: not this mistake
    assert checks.Hint(lambda got, c: np.ones(2), "x").text_for(0, case) is None  # ambiguous truth value

    @checks.hint("min_area is {case.args[1]}")
    def too_small(got, case) -> bool:
        return got < case.args[1]

    assert isinstance(too_small, checks.Hint) and too_small(3, case) and not too_small(8, case)
    assert too_small.text_for(3, case) == "min_area is 7"
    with pytest.raises(ValueError, match="literal brace"):
        checks.Hint(lambda got, c: True, "Sigma^{-1}")
    with pytest.raises(TypeError, match="when must be a predicate"):
        checks.Hint("forgot_weights", "x")


def test_first_hint_that_applies_wins(capsys):
    hints = [checks.Hint(lambda got, c: got == 2, "first"), checks.Hint(lambda got, c: got > 1, "second")]
    cases = [checks.Case("one", (), 1.0)]
    assert not checks.run_cases("q", lambda: 2, cases, hints)
    assert capsys.readouterr().out == "❌ q: one: expected 1, got 2\n   Hint: first\n"
    assert not checks.run_cases("q", lambda: 3, cases, hints)
    assert capsys.readouterr().out.endswith("Hint: second\n")
    assert not checks.run_cases("q", lambda: 0, cases, hints)
    assert "Hint" not in capsys.readouterr().out


def test_strict_is_scoped_to_a_block_and_leaves_the_environment_alone(monkeypatch):
    monkeypatch.delenv(checks.STRICT_ENV, raising=False)
    with checks.strict():
        assert checks.strict_mode()
        with pytest.raises(checks.CheckFailedError, match="expected a function"):
            checks.posterior(42)
        with checks.strict(False):
            assert not checks.strict_mode()
        assert checks.strict_mode()
    assert not checks.strict_mode()
    with pytest.raises(RuntimeError), checks.strict():
        raise RuntimeError("a failing graded cell")
    assert not checks.strict_mode() and checks.STRICT_ENV not in os.environ
    monkeypatch.setenv(checks.STRICT_ENV, "1")  # nbgrader's way still works, and strict(False) overrides it
    assert checks.strict_mode()
    with checks.strict(False):
        assert not checks.strict_mode()
