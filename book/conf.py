"""Sphinx configuration of the course website (``make book``; tools/build_site.py stages the sources).

Engine: Sphinx + MyST-NB + sphinx-book-theme, all from PyPI. Everything the pages load is
local: the theme bundles its fonts and scripts, MathJax 3 comes from npm (node_modules/mathjax,
copied next to the pages by tools/build_site.py), Sphinx's search index is a local script.
Notebooks are rendered from their committed outputs, never executed.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent          # the staged source folder (build/book/src)
sys.path.insert(0, str(HERE / "_ext"))

project = "gmm-teach"
author = "gmm-teach contributors"
copyright = "gmm-teach contributors, MIT licence"
language = "en"

extensions = [
    "myst_nb",                   # notebooks and Markdown pages
    "sphinx.ext.autodoc",        # the API reference from the library's docstrings
    "sphinx.ext.napoleon",       # numpydoc sections (Parameters, Returns, Notes)
    "sphinx.ext.mathjax",
    "gmm_book",                  # figure alt text from the notebooks; no widget scripts
]

exclude_patterns = ["_build", "_ext", "_templates", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
root_doc = "index"

# --- notebooks: committed outputs only, no kernel, no widget JavaScript from a CDN
nb_execution_mode = "off"
nb_ipywidgets_js = {}
# A widget's live view cannot run on a static page: show its static fallback (PNG/text) instead.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None),
                              ("html", "application/vnd.jupyter.widget-state+json", None)]
nb_output_stderr = "remove"
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# --- maths: MathJax 3 from disk (copied by tools/build_site.py), SVG output (no web fonts)
mathjax_path = "mathjax/es5/tex-svg.js"
mathjax3_config = {
    "tex": {"inlineMath": [["$", "$"], ["\\(", "\\)"]], "processEscapes": True},
    # The menu makes every formula focusable (tabindex): a wide one scrolls from the keyboard,
    # and a screen-reader user can reach each formula (axe-core: scrollable-region-focusable).
    "options": {"enableMenu": True},
}

# --- API reference
autodoc_member_order = "bysource"
autodoc_typehints = "description"
napoleon_numpy_docstring = True
napoleon_google_docstring = False

# --- theme: sphinx-book-theme; nothing fetched from the web
html_theme = "sphinx_book_theme"
html_title = "gmm-teach: Gaussian mixture models"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
    "home_page_in_toc": True,
}
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
