"""A lesson's reading time, measured from its text rather than guessed.

    .venv/bin/python tools/reading_time.py notebooks/*.ipynb

Minutes = prose words / 200 (a careful technical reading pace) + non-blank code lines / 20
(reading and running code is slower than prose), rounded UP to the next 5 minutes. Each
lesson states the result in its first cell as "Reading time: about N minutes"; a test
recomputes it, so the promise stays true when the lesson changes.
"""

import json
import math
import re
import sys
from pathlib import Path

WORDS_PER_MINUTE = 200
CODE_LINES_PER_MINUTE = 20
STATED = re.compile(r"Reading time:\**\s*about (\d+) minutes")


def _text(cell) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def prose_words(nb) -> int:
    return sum(len(re.findall(r"[A-Za-z0-9][\w'’-]*", _text(c))) for c in nb["cells"] if c["cell_type"] == "markdown")


def code_lines(nb) -> int:
    code = [_text(c) for c in nb["cells"] if c["cell_type"] == "code"]
    return sum(1 for source in code for line in source.splitlines() if line.strip())


def reading_minutes(nb) -> int:
    minutes = prose_words(nb) / WORDS_PER_MINUTE + code_lines(nb) / CODE_LINES_PER_MINUTE
    return 5 * math.ceil(minutes / 5)


def stated_minutes(nb):
    """The N in "Reading time: about N minutes" in the first cell, or None."""
    match = STATED.search(_text(nb["cells"][0])) if nb["cells"] else None
    return int(match.group(1)) if match else None


def main(paths) -> None:
    for path in paths:
        nb = json.loads(Path(path).read_text())
        print(f"{path}: {prose_words(nb)} words, {code_lines(nb)} code lines -> "
              f"about {reading_minutes(nb)} minutes (stated: {stated_minutes(nb)})")


if __name__ == "__main__":
    main(sys.argv[1:])
