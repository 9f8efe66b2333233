"""The package contract: public names, lazy heavy imports, no global side effects, readable code."""

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import gmm_teach as gt

PUBLIC = ["GMMParams", "log_gaussian", "log_likelihood", "e_step", "m_step", "fit_gmm", "kmeans",
          "soft_kmeans", "n_parameters", "bic", "aic", "GaussianMixture", "datasets"]
MATHS_MODULES = ["gaussian", "params", "kmeans", "covariance", "em", "model_selection", "estimator", "datasets",
                 "semisupervised", "missing", "fast", "streaming", "_validation", "adaptation", "discriminant",
                 "online", "__init__"]
PACKAGE = Path(gt.__file__).parent
GRADER = PACKAGE.parent / "gmm_grading"
GRADER_MODULES = sorted(p.stem for p in GRADER.glob("*.py"))
CHECKS = PACKAGE / "checks"
# The widgets: one module, or a package gmm_teach/widgets/ (issue 13 §3); the guard covers whichever exists.
WIDGETS = [(PACKAGE / "widgets", p.stem) for p in sorted((PACKAGE / "widgets").glob("*.py"))] or [(PACKAGE, "widgets")]
SHORT_FUNCTIONS = ([(PACKAGE, m) for m in MATHS_MODULES] + [(GRADER, m) for m in GRADER_MODULES]
                   + [(CHECKS, p.stem) for p in sorted(CHECKS.glob("*.py"))] + WIDGETS)


@pytest.mark.parametrize("name", PUBLIC)
def test_public_api_names(name):
    assert hasattr(gt, name)


def test_gmm_params_positional_and_defaults():
    p = gt.GMMParams([1.0], [[0.0]], [[[1.0]]])
    assert p.covariance_type == "full" and p.K == 1 and p.D == 1


def test_fit_gmm_signature_is_the_contract():
    sig = inspect.signature(gt.fit_gmm)
    assert list(sig.parameters) == ["X", "K", "init", "covariance_type", "max_iter", "tol", "reg_covar", "seed",
                                    "n_init"]
    defaults = {k: v.default for k, v in sig.parameters.items() if v.default is not inspect._empty}
    assert defaults == dict(init="kmeans++", covariance_type="full", max_iter=100, tol=1e-3,
                            reg_covar=1e-6, seed=None, n_init=1)


def test_import_is_light_and_side_effect_free():
    code = (
        "import sys, warnings, numpy, scipy.linalg, scipy.special;"  # they set filters of their own
        "before = list(warnings.filters); import gmm_teach;"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported';"
        "assert 'ipywidgets' not in sys.modules, 'ipywidgets imported';"
        "assert 'sklearn' not in sys.modules, 'sklearn imported';"
        "assert warnings.filters == before, 'warning filters changed';"
        "import matplotlib; rc = dict(matplotlib.rcParams);"
        "import gmm_teach.plotting; assert dict(matplotlib.rcParams) == rc, 'rcParams changed'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_lazy_submodules():
    assert gt.plotting.covariance_ellipse
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        gt.nonsense  # noqa: B018


def _functions(module_name, folder=PACKAGE):
    tree = ast.parse((folder / f"{module_name}.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _code_lines(node):
    """Lines of code in a function, without its docstring, comments or blank lines."""
    body = node.body[1:] if ast.get_docstring(node) else node.body
    source_lines = set()
    for stmt in body:
        source_lines.update(range(stmt.lineno, stmt.end_lineno + 1))
    return source_lines


@pytest.mark.parametrize("folder,module_name", SHORT_FUNCTIONS, ids=[f"{f.name}.{m}" for f, m in SHORT_FUNCTIONS])
def test_functions_fit_on_one_notebook_screen(folder, module_name):
    """About 20 lines of code per function, so gt.e_step?? reads on one screen (the grader, checks, widgets too)."""
    text = (folder / f"{module_name}.py").read_text().splitlines()
    for fn in _functions(module_name, folder):
        lines = [n for n in _code_lines(fn) if text[n - 1].strip() and not text[n - 1].strip().startswith("#")]
        assert len(lines) <= 25, f"{folder.name}.{module_name}.{fn.name} has {len(lines)} lines of code"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")) + sorted(GRADER.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_no_module_imports_another_modules_private_names(path):
    """Shared helpers have public names (``_validation`` is the one shared module with a private-looking name):
    the library, its checks/ and widgets/ subpackages, and the grader."""
    for node in ast.walk(ast.parse(path.read_text())):
        ours = node.level > 0 or (node.module or "").startswith(("gmm_teach", "gmm_grading")) \
            if isinstance(node, ast.ImportFrom) else False
        if ours:
            private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
            assert not private, f"{path.name} imports {private} from .{node.module or ''}"


def test_grader_is_not_part_of_the_learners_library():
    code = ("import sys, gmm_teach, gmm_teach.checks; assert not hasattr(gmm_teach, 'grading');"
            "assert not [m for m in sys.modules if m.startswith('gmm_grading')], 'gmm_grading imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert not (PACKAGE / "grading").exists() and "gmm_grading*" in (PACKAGE.parent / "pyproject.toml").read_text()


@pytest.mark.parametrize("name", ["log_gaussian", "e_step", "m_step", "log_likelihood", "fit_gmm",
                                  "kmeans", "soft_kmeans", "n_parameters", "bic", "aic", "kmeans_plusplus"])
def test_public_functions_have_equation_docstrings_naming_a_notebook(name):
    doc = inspect.getdoc(getattr(gt, name))
    assert doc and len(doc.splitlines()[0]) > 10
    module_doc = inspect.getdoc(inspect.getmodule(getattr(gt, name)))
    assert "notebooks/" in doc or "notebooks/" in module_doc


def test_show_source_gives_the_real_source_as_markdown():
    md = gt.show_source(gt.e_step)
    assert md.data.startswith("```python\ndef e_step(") and md.data.endswith("\n```")
    assert inspect.getsource(gt.e_step).strip() in md.data


def test_show_source_summary_keeps_only_the_equation_line():
    full, short = gt.show_source(gt.e_step).data, gt.show_source(gt.e_step, docstring="summary").data
    summary = gt.e_step.__doc__.strip().splitlines()[0]
    assert f'"""{summary}"""' in short and "Parameters" in full and "Parameters" not in short
    assert short.splitlines()[-2] == full.splitlines()[-2]  # the code itself is untouched
    with pytest.raises(ValueError, match="docstring"):
        gt.show_source(gt.e_step, docstring="none")
