"""Build the course website (``make book``) and the static slide decks (``make slides``), offline.

    python tools/build_site.py book     # -> build/book/html/index.html
    python tools/build_site.py slides   # -> build/slides/index.html, one NN_*.slides.html per lesson

Both read the committed notebooks and never execute them. The website shows the
lessons and the exercise sets as released to learners (``exercises/``, never
``solutions/``), with an API page generated from the library's docstrings. Every
script, style and font is local: MathJax 3 and reveal.js come from ``node_modules``
(``npm ci``), the rest from the Sphinx theme, so the pages work from disk (file://)
with the network off.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
NODE = REPO / "node_modules"
BUILD = REPO / "build"
# Library modules left out of the API page: the self-checks are exercise feedback, not an API.
API_SKIP = {"checks"}
RUN_NOTE = (
    "```{{admonition}} Run this lesson\n"
    ":class: tip\n\n"
    "This page is a read-only copy of `{path}`. To run it and move its widgets, get the course "
    "and type `make lab` in its folder (README.md says how); then open `{path}` in JupyterLab.\n"
    "```\n"
)


def title_of(notebook: dict) -> str:
    """The notebook's H1 (its first line starting with '# ')."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError("notebook has no '# ' title")


def _need_npm(package: str) -> Path:
    path = NODE / package
    if not path.is_dir():
        sys.exit(f"{path} is missing: run `npm ci` in {REPO} first (package.json lists it)")
    return path


def copy_mathjax(dest: Path):
    """MathJax 3's browser build (es5/), served from disk: no CDN."""
    shutil.copytree(_need_npm("mathjax") / "es5", dest / "mathjax" / "es5", dirs_exist_ok=True)


# ====================================================================== the website


def _with_run_note(notebook: dict, rel: str) -> dict:
    """A copy of the lesson with a 'run this lesson' note after its first (title) cell."""
    nb = copy.deepcopy(notebook)
    note = {"cell_type": "markdown", "id": "run-this-lesson", "metadata": {}, "source": RUN_NOTE.format(path=rel)}
    nb["cells"].insert(1, note)
    return nb


def _lesson_map(lessons: list[tuple[str, str]], exercises: dict[str, str]) -> str:
    """The home page's table: lesson, its exercise set (if any)."""
    rows = ["| Lesson | Exercise set |", "|---|---|"]
    for rel, title in lessons:
        number = Path(rel).name[:2]
        ex = exercises.get(number)
        ex_cell = f"[Exercise set {number}]({ex})" if ex else "(none: read and run the lesson)"
        rows.append(f"| [{title}]({rel}) | {ex_cell} |")
    return "\n".join(rows)


def _api_page() -> str:
    """One section per public library module, each documented by autodoc from its docstrings."""
    import gmm_teach

    names = sorted(m.name for m in pkgutil.iter_modules(gmm_teach.__path__)
                   if not m.name.startswith("_") and m.name not in API_SKIP)
    parts = ["# API reference\n",
             "Generated from the docstrings of the `gmm_teach` library: each function's first line "
             "is the equation it implements. In a notebook, `gt.e_step??` shows the same text and "
             "the code.\n"]
    for name in names:
        parts.append(f"## `gmm_teach.{name}`\n\n```{{eval-rst}}\n.. automodule:: gmm_teach.{name}\n"
                     f"   :members:\n```\n")
    return "\n".join(parts)


def stage_book(src: Path) -> int:
    """Copy config, pages and notebooks into src; returns the number of notebook pages."""
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(BOOK, src, ignore=shutil.ignore_patterns("slides_template", "__pycache__"))
    lessons, exercises = [], {}
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        rel = f"notebooks/{path.name}"
        nb = json.loads(path.read_text(encoding="utf-8"))
        lessons.append((rel, title_of(nb)))
        (src / "notebooks").mkdir(exist_ok=True)
        (src / rel).write_text(json.dumps(_with_run_note(nb, rel), indent=1), encoding="utf-8")
    ex_rels = []
    for path in sorted((REPO / "exercises").glob("*/*.ipynb")):
        rel = f"exercises/{path.parent.name}/{path.name}"
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, src / rel)
        exercises[re.sub(r"\D", "", path.parent.name)[:2]] = rel
        ex_rels.append(rel)
    index = (src / "index.md").read_text(encoding="utf-8")
    toc = lambda caption, rels: (f"```{{toctree}}\n:caption: {caption}\n:maxdepth: 1\n\n"  # noqa: E731
                                 + "\n".join(rels) + "\n```\n")
    index = (index.replace("<!-- LESSON MAP -->", _lesson_map(lessons, exercises))
             + "\n" + toc("Lessons", [r for r, _ in lessons])
             + "\n" + toc("Exercise sets", ex_rels)
             + "\n" + toc("Reference", ["api"]))
    (src / "index.md").write_text(index, encoding="utf-8")
    (src / "api.md").write_text(_api_page(), encoding="utf-8")
    return len(lessons) + len(ex_rels)


def build_book(out: Path, jobs: str) -> Path:
    _need_npm("mathjax")
    src = out.parent / "src"
    stage_book(src)
    html = out
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", jobs, "-E",
           "-d", str(out.parent / "doctrees"), str(src), str(html)]
    env = {"PYTHONPATH": str(REPO)}
    subprocess.run(cmd, check=True, env={**os.environ, **env})
    copy_mathjax(html / "_static")
    return html / "index.html"




# ====================================================================== the slide decks


def slides_exporter():
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    c = Config()
    c.TemplateExporter.extra_template_basedirs = [str(BOOK / "slides_template")]
    c.SlidesExporter.template_name = "gmm_reveal"
    c.SlidesExporter.reveal_url_prefix = "reveal.js"
    c.SlidesExporter.reveal_number = "c/t"
    # "white" uses a font shipped with reveal.js; nbconvert's default, "simple", imports Google Fonts.
    c.SlidesExporter.reveal_theme = "white"
    # A static page cannot run a widget: show its fallback picture or text instead of its view.
    c.NbConvertBase.display_data_priority = [
        "text/html", "application/pdf", "text/latex", "image/svg+xml", "image/png", "image/jpeg",
        "text/markdown", "text/plain"]
    return SlidesExporter(config=c)


def build_slides(out: Path) -> Path:
    reveal = _need_npm("reveal.js")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for part in ("dist", "plugin"):
        shutil.copytree(reveal / part, out / "reveal.js" / part)
    copy_mathjax(out)
    exporter = slides_exporter()
    decks = []
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        body, _ = exporter.from_filename(str(path))
        name = path.stem + ".slides.html"
        (out / name).write_text(body, encoding="utf-8")
        decks.append((name, title_of(json.loads(path.read_text(encoding="utf-8")))))
    items = "\n".join(f'<li><a href="{n}">{t}</a></li>' for n, t in decks)
    (out / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>gmm-teach slides</title></head>\n'
        "<body><main><h1>gmm-teach: lecture slides</h1>\n"
        "<p>One deck per lesson. Arrow keys or space advance; <kbd>S</kbd> opens the speaker view "
        "with the notes; <kbd>F</kbd> is full screen; <kbd>Esc</kbd> shows every slide. "
        "Widgets are pictures here: for live widgets, present the lesson in JupyterLab (<code>make lab</code>).</p>\n"
        f"<ul>\n{items}\n</ul></main></body></html>\n", encoding="utf-8")
    return out / "index.html"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["book", "slides"])
    parser.add_argument("--out", type=Path, help="output folder (default build/book/html or build/slides)")
    parser.add_argument("-j", "--jobs", default="2", help="Sphinx worker processes (default 2)")
    args = parser.parse_args(argv)
    start = time.monotonic()
    if args.what == "book":
        index = build_book(args.out or BUILD / "book" / "html", args.jobs)
    else:
        index = build_slides(args.out or BUILD / "slides")
    print(f"{args.what}: {index} ({time.monotonic() - start:.0f} s)")


if __name__ == "__main__":
    main()
