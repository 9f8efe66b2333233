"""Sphinx glue for the course website: alt text on notebook figures; plain-text docstrings.

The lessons store each figure's text alternative in the output's metadata,
``{"image/png": {"alt": "..."}}`` (``gt.plotting.show``). MyST-NB copies an output
PNG to a file named by the SHA-256 of its bytes and, of the metadata, keeps only
width and height; so we index every notebook's PNG outputs by that same hash and
write the alt onto the matching image node of each page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path, PurePosixPath

from docutils import nodes


def alt_by_hash(notebook: Path) -> dict[str, str]:
    """sha256(PNG bytes) -> alt text, for every PNG output of one notebook that has an alt."""
    found = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8")).get("cells", []):
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if png and alt:
                raw = base64.b64decode("".join(png) if isinstance(png, list) else png)
                found[hashlib.sha256(raw).hexdigest()] = " ".join(str(alt).split())
    return found


def _add_alt(app, doctree):
    source = Path(app.env.doc2path(app.env.docname))
    if source.suffix != ".ipynb":
        return
    alts = alt_by_hash(source)
    for image in doctree.findall(nodes.image):
        digest = PurePosixPath(image["uri"]).stem
        if not image.get("alt") and digest in alts:
            image["alt"] = alts[digest]


# The library's docstrings are plain text with numpydoc sections, not reStructuredText:
# |x - mu| is a norm, not a substitution, and weights_ is a name, not a link target.
_RST_SPECIAL = re.compile(r"\|" + r"|(?<=\w)_(?=[\s,.;:)]|$)")


def _plain_docstring(app, what, name, obj, options, lines):
    in_literal = False
    for i, line in enumerate(lines):
        if line.rstrip().endswith("::"):
            in_literal = True
        elif in_literal and line and not line[0].isspace():
            in_literal = False
        if not in_literal:
            lines[i] = _RST_SPECIAL.sub(lambda m: "\\" + m.group(0), line)


def setup(app):
    app.connect("doctree-read", _add_alt)
    app.connect("autodoc-process-docstring", _plain_docstring, priority=400)  # before napoleon
    return {"parallel_read_safe": True, "parallel_write_safe": True}
