# The course's HTML export (jupyter nbconvert --to html, JupyterLab's "Save and Export Notebook As
# HTML", the website): read when JUPYTER_CONFIG_PATH includes this folder, as `make lab` and
# tests/test_export_a11y.py set it. Issue 14: every figure's alt text reaches the page, and every
# colour on the page passes WCAG AA contrast (4.5:1), checked with axe-core in Chromium.
import os

c = get_config()  # noqa: F821 (injected by traitlets)
c.TemplateExporter.extra_template_basedirs = [os.path.join(os.path.dirname(__file__), "nbconvert", "templates")]
c.HTMLExporter.template_name = "gmm_teach"
# Pygments' a11y-light (package accessible-pygments): every token colour >= 4.5:1 on a light background.
c.CSSHTMLHeaderPreprocessor.style = "a11y-light"
