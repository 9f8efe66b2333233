"""The course website (make book), read as a person would: headless Chromium, network blocked.

Every page is opened from disk (file://) with every request that is not file: or data:
aborted and recorded: the home page, each lesson, each exercise set and the API page
must load, render their maths (no raw ``$$`` or ``\\(`` left in the visible text), give
every ``<img>`` a non-empty alt, and pass an axe-core audit (npm, loaded from
node_modules) with no serious or critical WCAG 2 A/AA violation. Search for
"responsibilities" must find lessons 01-03, and every internal link and anchor must
resolve. Screenshots and the axe reports go to test-artifacts/site/: look at them.

``make test-site`` builds the site first; if it is missing, the fixture builds it
(tools/build_site.py, about a minute). Run by make test-site, not by make test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from helpers import require
from test_browser import (
    browser,  # noqa: F401  (the Chromium fixture, shared)
)

REPO = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("GMM_SITE", REPO / "build" / "book" / "html"))
ARTIFACTS = REPO / "test-artifacts" / "site"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

LESSONS = sorted(p.stem for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = sorted(f"exercises/{p.parent.name}/{p.stem}" for p in (REPO / "exercises").glob("*/*.ipynb"))
PAGES = ["index", *(f"notebooks/{n}" for n in LESSONS), *EXERCISES, "api"]


@pytest.fixture(scope="module")
def site() -> Path:
    if not (SITE / "index.html").exists():
        subprocess.run([sys.executable, str(REPO / "tools" / "build_site.py"), "book", "--out", str(SITE)],
                       check=True, cwd=REPO)
    return SITE


def offline_page(browser, blocked: list[str]):
    """A new page on which every request but file: and data: is aborted and recorded in blocked."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return page


def _wait_for_maths(page):
    """Until MathJax (if the page loads it) has typeset everything."""
    page.wait_for_function(
        "() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise"
        " && (window.MathJax.startup.promise.then(() => window.__mj = true), window.__mj === true))",
        timeout=60_000)


VISITS: dict[str, dict] = {}


def visit(browser, site: Path, rel: str) -> dict:
    """Open one page offline once; record blocked requests, visible text, images without alt, axe result."""
    if rel in VISITS:
        return VISITS[rel]
    blocked: list[str] = []
    page = offline_page(browser, blocked)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / f"{rel}.html").as_uri(), wait_until="load")
    _wait_for_maths(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{rel.replace('/', '__')}.png")
    result = {
        "blocked": blocked,
        "errors": errors,
        "text": page.evaluate("() => document.querySelector('main, article, body').innerText"),
        "maths": page.locator("mjx-container").count(),
        # docutils writes the file name as alt when none is given: that is no text alternative either.
        "no_alt": page.evaluate(
            """() => [...document.images].filter(i => {
                 const alt = (i.getAttribute('alt') || '').trim(), src = i.getAttribute('src') || '';
                 return !alt || src.endsWith(alt) || /^[\\w.\\/-]+\\.(png|jpe?g|svg|gif)$/i.test(alt);
               }).map(i => (i.getAttribute('src') || '').slice(-80))"""),
        "images": page.locator("img").count(),
    }
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    axe = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                        AXE_TAGS)
    (ARTIFACTS / f"axe-{rel.replace('/', '__')}.json").write_text(json.dumps(axe["violations"], indent=1))
    result["axe"] = [(v["id"], v["impact"], len(v["nodes"])) for v in axe["violations"]]
    page.close()
    VISITS[rel] = result
    return result


@pytest.fixture(scope="module")
def audit():
    require(AXE.exists(), f"{AXE} is missing: run `npm ci` (package.json lists axe-core)")


# ====================================================================== every page


@pytest.mark.parametrize("rel", PAGES)
def test_page_loads_offline_with_maths_rendered(browser, site, audit, rel):
    seen = visit(browser, site, rel)
    assert seen["blocked"] == [], f"{rel} asked the network for {seen['blocked'][:5]}"
    assert seen["errors"] == [], f"{rel}: JavaScript errors {seen['errors'][:3]}"
    for raw in ("$$", "\\(", "\\["):
        assert raw not in seen["text"], f"{rel}: unrendered maths {raw!r} in the visible text"
    if rel.startswith("notebooks/") and rel != "notebooks/00_start_here":
        assert seen["maths"] > 0, f"{rel}: no typeset formula (mjx-container) on a lesson page"


@pytest.mark.parametrize("rel", PAGES)
def test_every_image_has_alt_text(browser, site, audit, rel):
    seen = visit(browser, site, rel)
    assert seen["no_alt"] == [], f"{rel}: {len(seen['no_alt'])} of {seen['images']} images without alt text"


@pytest.mark.parametrize("rel", PAGES)
def test_axe_finds_no_serious_violation(browser, site, audit, rel):
    seen = visit(browser, site, rel)
    bad = [v for v in seen["axe"] if v[1] in ("serious", "critical")]
    assert bad == [], f"{rel}: axe-core (id, impact, nodes): {bad}; see test-artifacts/site/axe-*.json"


# ====================================================================== search and links


def test_search_finds_the_first_lessons(browser, site):
    blocked: list[str] = []
    page = offline_page(browser, blocked)
    page.goto((site / "search.html").as_uri() + "?q=responsibilities")
    page.wait_for_function("() => /found \\d+ page/.test(document.body.innerText)", timeout=60_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "search-responsibilities.png")
    hits = page.locator("#search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    page.close()
    assert blocked == []
    for lesson in LESSONS[1:4]:
        assert any(f"notebooks/{lesson}.html" in h for h in hits), f"search misses {lesson}: {hits}"


class _Links(HTMLParser):
    """Every href/src of a page (with whether it loads a resource) and every id."""

    def __init__(self):
        super().__init__()
        self.refs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.refs.append((attrs[key], tag != "a"))


def test_every_internal_link_resolves(site):
    """Links and resources inside the site exist (files and #anchors); no resource comes from the web."""
    root = site.resolve()
    parsed = {}
    for html in root.rglob("*.html"):
        if "_static" not in html.relative_to(root).parts:
            parsed[html] = _Links()
            parsed[html].feed(html.read_text(encoding="utf-8"))
    broken = []
    for html, links in parsed.items():
        for ref, is_resource in links.refs:
            parts = urlsplit(ref)
            where = (str(html.relative_to(root)), ref)
            if parts.scheme in ("http", "https") or ref.startswith("//"):
                if is_resource:  # a prose link to the web is the reader's choice; a script or style is not
                    broken.append((*where, "resource from the web"))
                continue
            if parts.scheme:  # mailto:, data:, javascript:
                continue
            target = (html.parent / unquote(parts.path)).resolve() if parts.path else html
            if not target.exists():
                broken.append((*where, "missing file"))
            elif parts.fragment and target in parsed and unquote(parts.fragment) not in parsed[target].ids:
                broken.append((*where, "missing anchor"))
    assert sum(len(links.refs) for links in parsed.values()) > 1000, "the link check found almost no links"
    assert broken == [], f"{len(broken)} broken links, e.g. {broken[:10]}"


def test_site_has_every_lesson_and_exercise_and_never_a_solution(site):
    for rel in PAGES:
        assert (site / f"{rel}.html").exists(), f"{rel}.html is missing from the site"
    assert not list(site.rglob("solutions*")), "the site must not contain solutions/"
    text = "\n".join(p.read_text(encoding="utf-8") for p in (site / "exercises").rglob("*.html"))
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
