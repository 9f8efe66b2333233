"""Accessibility checks on a notebook's saved text and outputs (issue 14 §4-5).

    .venv/bin/python tools/notebook_a11y.py notebooks/*.ipynb solutions/*/*.ipynb

Each check takes a notebook (an ``nbformat``-style dict) and returns a list of problems,
each a short sentence naming the cell; an empty list means the notebook passes.
tests/test_accessibility.py runs them over every notebook and over small broken fixtures.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
MAX_MARKDOWN_LINES = 40
VAGUE_LINK_TEXTS = {"here", "click here", "this", "link", "this link", "more", "read more"}
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+\S")
LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)]*)\)")


def text(cell) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def prose_lines(markdown: str) -> list[str]:
    """A markdown cell's lines outside ``` fences (a '#' in a code block is not a heading)."""
    lines, fenced = [], False
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def _images(nb):
    """(cell index, output index, output) of every image output."""
    for c, cell in enumerate(nb["cells"]):
        for o, out in enumerate(cell.get("outputs", []) if cell["cell_type"] == "code" else []):
            if any(t in out.get("data", {}) for t in IMAGE_TYPES):
                yield c, o, out


def missing_alt(nb) -> list[str]:
    """Every image output must carry a non-empty ``alt`` in its output metadata (gt.plotting.show does)."""
    problems = []
    for c, o, out in _images(nb):
        meta = out.get("metadata", {})
        alts = [meta.get(t, {}).get("alt", "") for t in IMAGE_TYPES if t in out["data"]]
        if not any(isinstance(a, str) and a.strip() for a in alts):
            problems.append(f"cell {c}, output {o}: an image without alt text (show it with gt.plotting.show)")
    return problems


def _is_caption(out) -> bool:
    return out.get("output_type") in ("display_data", "execute_result") and "text/markdown" in out.get("data", {})


def missing_caption(nb) -> list[str]:
    """An image needs a caption: a Markdown output right after it, or the next markdown cell starting 'Figure'."""
    problems = []
    for c, o, _ in _images(nb):
        outputs = nb["cells"][c]["outputs"]
        if o + 1 < len(outputs) and _is_caption(outputs[o + 1]):
            continue
        following = [cell for cell in nb["cells"][c + 1:] if cell["cell_type"] != "raw"][:1]
        if (following and following[0]["cell_type"] == "markdown" and o == len(outputs) - 1
                and text(following[0]).lstrip("*_ \n").startswith("Figure")):
            continue
        problems.append(f"cell {c}, output {o}: an image without a caption")
    return problems


def headings(nb) -> list[str]:
    """Exactly one H1, and it comes first; no heading level skipped on the way down (H1 -> H2 -> H3)."""
    problems, levels = [], []
    for c, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for line in prose_lines(text(cell)):
            match = HEADING.match(line)
            if not match:
                continue
            level = len(match.group(1))
            if levels and level > levels[-1] + 1:
                problems.append(f"cell {c}: heading H{level} right after H{levels[-1]} skips a level: {line.strip()!r}")
            if not levels and level != 1:
                problems.append(f"cell {c}: the first heading is H{level}, not the H1 title: {line.strip()!r}")
            levels.append(level)
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} H1 headings; a notebook has exactly one (its title)")
    return problems


def long_markdown(nb, limit: int = MAX_MARKDOWN_LINES) -> list[str]:
    """No markdown cell over ``limit`` lines: split long ones (easier to read, to zoom, to present)."""
    return [f"cell {c}: {n} markdown lines (more than {limit}): split it"
            for c, cell in enumerate(nb["cells"])
            if cell["cell_type"] == "markdown" and (n := len(text(cell).splitlines())) > limit]


def vague_links(nb) -> list[str]:
    """Link texts must say where they go: never 'here', 'this', 'link'."""
    return [f"cell {c}: link text {label!r} does not say where it goes ({url})"
            for c, cell in enumerate(nb["cells"]) if cell["cell_type"] == "markdown"
            for label, url in LINK.findall("\n".join(prose_lines(text(cell))))
            if label.strip().strip("*_`").lower() in VAGUE_LINK_TEXTS or not label.strip()]


CHECKS = (missing_alt, missing_caption, headings, long_markdown, vague_links)


def problems(nb) -> list[str]:
    """Every check's problems, in order."""
    return [f"{check.__name__}: {p}" for check in CHECKS for p in check(nb)]


def main(paths) -> int:
    bad = 0
    for path in paths:
        found = problems(json.loads(Path(path).read_text()))
        bad += bool(found)
        print(f"{path}: {len(found)} problems", *(f"  {p}" for p in found), sep="\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
