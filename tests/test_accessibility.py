"""Accessibility, checked (issue 14 §1, §4, §5): every notebook's figures carry alt text and a caption,
headings are in order, markdown cells stay short, stated reading times are measured, gt.plotting and
the widgets use only the course palette, and that palette stays distinguishable under simulated
colour-vision deficiencies.

The notebook checks live in tools/notebook_a11y.py; each is shown to catch a small broken notebook
and to pass a conforming one (built with the real gt.plotting.show), so a green run means something.
"""

import ast
import copy
import itertools
import re
import sys
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
from matplotlib.colors import to_rgb

import gmm_teach as gt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import cvd  # noqa: E402
import notebook_a11y as a11y  # noqa: E402
import reading_time  # noqa: E402

LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NOTEBOOKS = LESSONS + sorted(ROOT.glob("solutions/*/*.ipynb")) + sorted(ROOT.glob("exercises/*/*.ipynb"))
CHECKS = {check.__name__: check for check in a11y.CHECKS}


def _id(path):
    return str(path.relative_to(ROOT))


# ---------------------------------------------------------------- every notebook of the course


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_course_notebook(path, check):
    nb = nbformat.read(path, as_version=4)
    problems = CHECKS[check](nb)
    assert not problems, f"{_id(path)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_lesson_states_its_measured_reading_time(path):
    nb = nbformat.read(path, as_version=4)
    assert reading_time.stated_minutes(nb) == reading_time.reading_minutes(nb), (
        f"{_id(path)}: the first cell should say '**Reading time:** about {reading_time.reading_minutes(nb)} "
        f"minutes' (tools/reading_time.py), it says {reading_time.stated_minutes(nb)}")


# ---------------------------------------------------------------- the checks catch what they should


def _shown_outputs(monkeypatch, alt="Two points joined by a rising line.", caption="Figure 1. A line rises."):
    """The outputs gt.plotting.show really produces, as a notebook stores them."""
    import IPython.display
    from IPython.core.formatters import DisplayFormatter

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    fig = matplotlib.figure.Figure(figsize=(2, 1))
    fig.subplots().plot([0, 1])
    gt.plotting.show(fig, alt=alt, caption=caption)
    outputs = []
    for obj in shown:
        data, metadata = DisplayFormatter().format(obj)
        outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata))
    return outputs


@pytest.fixture
def good(monkeypatch):
    """A tiny notebook that follows every convention."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A lesson\n\n**Reading time:** about 5 minutes"),
        nbformat.v4.new_markdown_cell("## A section\n\nSee [the course design notes](DESIGN.md).\n\n### A part"),
        nbformat.v4.new_code_cell("gt.plotting.show(fig, alt=..., caption=...)", outputs=_shown_outputs(monkeypatch)),
        nbformat.v4.new_markdown_cell("## Another section\n\n```python\n# a comment, not a heading\n```"),
    ]
    return nb


def test_the_conforming_notebook_passes(good):
    assert a11y.problems(good) == []
    assert reading_time.stated_minutes(good) == reading_time.reading_minutes(good) == 5
    assert good.cells[2].outputs[0].metadata["image/png"]["alt"].startswith("Two points")  # stored as alt


def _break(nb, how):
    nb = copy.deepcopy(nb)
    figure_cell = nb.cells[2]
    if how == "no alt":
        figure_cell.outputs[0].metadata = {}
    elif how == "blank alt":
        figure_cell.outputs[0].metadata["image/png"]["alt"] = "  "
    elif how == "no caption":
        figure_cell.outputs = figure_cell.outputs[:1]
    elif how == "two H1":
        nb.cells[3].source = "# Another title"
    elif how == "skipped level":
        nb.cells[1].source = "## A section\n\n#### Too deep"
    elif how == "starts at H2":
        nb.cells[0].source = "## Not a title"
    elif how == "long cell":
        nb.cells[1].source = "\n".join(["## A section"] + ["text"] * 40)
    elif how == "vague link":
        nb.cells[1].source = "## A section\n\nThe design is [here](DESIGN.md)."
    return nb


BROKEN = {"no alt": "missing_alt", "blank alt": "missing_alt", "no caption": "missing_caption",
          "two H1": "headings", "skipped level": "headings", "starts at H2": "headings",
          "long cell": "long_markdown", "vague link": "vague_links"}


@pytest.mark.parametrize("how", BROKEN)
def test_each_check_catches_its_defect(good, how):
    nb = _break(good, how)
    failing = {name for name, check in CHECKS.items() if check(nb)}
    assert failing == {BROKEN[how]}


def test_a_figure_caption_in_the_next_markdown_cell_counts(good):
    nb = _break(good, "no caption")
    nb.cells.insert(3, nbformat.v4.new_markdown_cell("*Figure 1. A line rises.*"))
    assert a11y.missing_caption(nb) == []


def test_a_wrong_reading_time_is_caught(good):
    good.cells[0].source = "# A lesson\n\n**Reading time:** about 25 minutes"
    assert reading_time.stated_minutes(good) != reading_time.reading_minutes(good)


def test_show_refuses_an_empty_alt(monkeypatch):
    with pytest.raises(ValueError, match="alt"):
        _shown_outputs(monkeypatch, alt=" ")


# ---------------------------------------------------------------- colour literals in gt.plotting and widgets

ALLOWED = {c.lower() for c in (*gt.plotting.PALETTE, gt.plotting.INK, gt.plotting.DATA_GREY)}
ALLOWED_NAMES = {"none", "white", "black", "w", "k", "grey", "gray", "transparent", "inherit", "currentcolor"}
COLOR_KWARGS = {"color", "c", "edgecolor", "facecolor", "ec", "fc", "mec", "mfc", "markeredgecolor",
                "markerfacecolor", "colors"}
HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
CSS_COLOR = re.compile(r"(?:^|[;'\"\s{])(?:color|background(?:-color)?|border(?:-color)?)\s*:\s*([#\w]+)")
NAMED = {n.lower() for n in (*matplotlib.colors.CSS4_COLORS, *matplotlib.colors.XKCD_COLORS,
                             *matplotlib.colors.TABLEAU_COLORS)} - {"none"}


def _is_grey(color: str) -> bool:
    try:
        r, g, b = to_rgb(color)
    except ValueError:
        return False
    return r == g == b


def colour_problems(source: str) -> list[str]:
    """Colour literals outside the palette, INK and greys: hex codes anywhere in a string (HTML too),
    named colours as whole strings or in CSS, and any string passed as a colour keyword."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            s = node.value
            found = HEX.findall(s) + [m for m in CSS_COLOR.findall(s) if not m.startswith("#")]
            if s.lower() in NAMED:
                found.append(s)
            problems += [f"line {node.lineno}: {c!r}" for c in found
                         if c.lower() not in ALLOWED | ALLOWED_NAMES and not _is_grey(c)]
        if isinstance(node, ast.keyword) and node.arg in COLOR_KWARGS and isinstance(node.value, ast.Constant):
            c = node.value.value
            if isinstance(c, str) and c.lower() not in ALLOWED | ALLOWED_NAMES and not _is_grey(c):
                problems.append(f"line {node.lineno}: {node.arg}={c!r}")
    return sorted(set(problems))


DRAWING_MODULES = [ROOT / "gmm_teach" / "plotting.py", *sorted((ROOT / "gmm_teach").glob("widgets*.py")),
                   *sorted((ROOT / "gmm_teach").glob("widgets/*.py"))]


@pytest.mark.parametrize("path", DRAWING_MODULES, ids=_id)
def test_drawing_code_uses_only_the_palette(path):
    problems = colour_problems(path.read_text())
    assert not problems, f"{_id(path)}: colours outside gt.plotting.PALETTE / INK / greys:\n" + "\n".join(problems)


@pytest.mark.parametrize("snippet", ['ax.plot(x, color="#1f77b4")', 'ax.plot(x, color="gold")',
                                     'ax.plot(x, color="r")', 's = "<span style=\'color:#b00020\'>"',
                                     's = "<div style=\'color: red\'>"', 'COLOURS = ("tab:orange",)'])
def test_the_colour_scan_catches_literals(snippet):
    assert colour_problems(snippet)


@pytest.mark.parametrize("snippet", ['ax.plot(x, color="#0072B2")', 'ax.plot(x, color="0.85")',
                                     'ax.hist(x, edgecolor="white")', 'ax.plot(x, color="k", ls="--")',
                                     's = "<span style=\'color:#000000\'>"', 'ax.plot(x, marker="s")'])
def test_the_colour_scan_allows_the_palette_and_greys(snippet):
    assert not colour_problems(snippet)


# ---------------------------------------------------------------- colour-vision deficiencies

DEFICIENCIES = tuple(cvd.MACHADO_2009)
# Measured with tools/cvd.py (CIE76 Delta E, Machado 2009 severity 1.0): the smallest distance
# between two PALETTE colours is 26.4 (normal), 20.7 (protanopia), 17.0 (deuteranopia: orange vs
# yellow), 16.1 (tritanopia: bluish green vs sky blue). We require 15: clearly different at a glance.
MIN_PALETTE_DELTA_E = 15.0
# Responsibility blends (gamma @ palette in sRGB): each pure colour vs the fully uncertain blend
# (uniform gamma) measured >= 33.3 for K = 2 and >= 10.1 for K = 3 (deuteranopia: bluish green vs
# the 3-way mean). We require 10. (A 2-way blend vs the 3-way blend is NOT distinguishable by colour
# under deuteranopia, Delta E 3.4: that is why plot_mixture_2d adds the hard-label marker.)
MIN_BLEND_DELTA_E = 10.0


def test_simulation_matrices_keep_white_white_and_colours_are_right():
    for matrix in cvd.MACHADO_2009.values():
        np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=2e-6)
    np.testing.assert_allclose(cvd.to_lab([1.0, 1.0, 1.0]), [100.0, 0.0, 0.0], atol=1e-3)
    np.testing.assert_allclose(cvd.to_lab([1.0, 0.0, 0.0]), [53.24, 80.09, 67.20], atol=0.05)  # sRGB red
    # A deuteranope confuses red and green; a tritanope does not.
    red, green = to_rgb("#D62728"), to_rgb("#2CA02C")
    assert cvd.delta_e(cvd.simulate(red, "deuteranopia"), cvd.simulate(green, "deuteranopia")) < 10
    assert cvd.delta_e(cvd.simulate(red, "tritanopia"), cvd.simulate(green, "tritanopia")) > 30


@pytest.mark.parametrize("deficiency", (None, *DEFICIENCIES))
def test_palette_colours_stay_apart(deficiency):
    d, pair = cvd.min_pair_distance(gt.plotting.PALETTE, deficiency)
    assert d >= MIN_PALETTE_DELTA_E, f"{pair} are only Delta E {d:.1f} apart under {deficiency}"


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_matplotlib_default_colours_would_fail(deficiency):
    """The test has teeth: tab10's blue, orange, green, red (the lessons' old colours) fail it."""
    if deficiency == "tritanopia":
        pytest.skip("tab10's first four stay apart for tritanopes (Delta E 17.9); they fail for the other two")
    tab10 = [matplotlib.colors.to_hex(c) for c in matplotlib.colormaps["tab10"].colors[:4]]
    assert cvd.min_pair_distance(tab10, deficiency)[0] < MIN_PALETTE_DELTA_E


@pytest.mark.parametrize("K", [2, 3])
@pytest.mark.parametrize("deficiency", (None, *DEFICIENCIES))
def test_responsibility_blend_extremes_stay_apart(K, deficiency):
    gamma = np.vstack([np.eye(K), np.full((1, K), 1.0 / K)])  # each pure component, then fully uncertain
    colors = gt.plotting.responsibility_colors(gamma)  # (K + 1, 3)
    seen = colors if deficiency is None else cvd.simulate(colors, deficiency)
    for i, j in itertools.combinations(range(K + 1), 2):
        d = cvd.delta_e(seen[i], seen[j])
        assert d >= MIN_BLEND_DELTA_E, f"K={K}, rows {i} and {j}: Delta E {d:.1f} under {deficiency}"
