"""The widgets in a real browser: JupyterLab (and Notebook 7 when installed) in headless Chromium.

For every lesson whose code calls ``gt.widgets.`` (and tests/browser/widgets_demo.ipynb,
which shows all five): start a Jupyter server on 127.0.0.1, open the notebook,
Run All Cells, assert that no cell shows an error, then move a slider, press a
button (and play the EM stepper) of every widget and assert that the picture
changed each time. Screenshots go to test-artifacts/browser/ (git-ignored);
look at them.

Needs Playwright (pip) and Debian's chromium (/usr/bin/chromium); no
``playwright install``. Without them the test is skipped locally and FAILS in
CI (CI=true), so CI cannot pass without running it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from importlib.util import find_spec
from pathlib import Path

import pytest
from helpers import require

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "tests" / "browser" / "widgets_demo.ipynb"
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
RUN_ALL_TIMEOUT_MS = 180_000
CHANGE_TIMEOUT_MS = 20_000


def widget_notebooks() -> list[Path]:
    """Lessons with a code cell that calls gt.widgets., then the demo notebook."""
    found = []
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        if any(c["cell_type"] == "code" and "gt.widgets." in "".join(c["source"]) for c in cells):
            found.append(path)
    return [*found, DEMO]


def _count_widget_calls(path: Path) -> int:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and "gt.widgets." in "".join(c["source"]))


# ====================================================================== the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(config_dir: Path):
    """User settings for the test browser: every cell in the DOM (no windowing), no news pop-up."""
    settings = config_dir / "lab" / "user-settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}')


def _wait_for_status(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Jupyter server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/api/status", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the Jupyter server did not answer in {timeout} s:\n{log.read_text()[-3000:]}")


def _stop(proc: subprocess.Popen):
    """Stop the server by its own pid: SIGINT twice (Jupyter's clean shutdown), then SIGTERM, then kill."""
    for sig, wait in ((signal.SIGINT, 0.5), (signal.SIGINT, 10.0), (signal.SIGTERM, 10.0)):
        if proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            pass
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A Jupyter server on 127.0.0.1 over a temporary copy of the notebooks; yields its base URL."""
    require(find_spec("jupyterlab") is not None, "jupyterlab is not installed")
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    shutil.copytree(DEMO.parent, root / "browser")
    config = tmp_path_factory.mktemp("jupyter-config")
    _write_settings(config)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # kernels draw inline, as for a learner
    env.update(JUPYTER_CONFIG_DIR=str(config), JUPYTER_RUNTIME_DIR=str(config / "runtime"))
    port = _free_port()
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}"]
    if find_spec("notebook") is not None:  # Notebook 7's pages, from the same server
        cmd.append('--ServerApp.jpserver_extensions={"notebook": True}')
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = ARTIFACTS / "jupyter-server.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as log_file:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=log_file,
                                stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for_status(url, proc, log)
        yield url, root
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def browser():
    require(find_spec("playwright") is not None, "playwright is not installed (pip install playwright)")
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


# ====================================================================== driving a notebook


def _wait_for_kernel(url: str, rel: str, timeout: float = 90.0):
    """Until the server has an idle kernel for the notebook (Run All before that asks for a kernel)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(url + "/api/sessions", timeout=5) as response:
            sessions = json.loads(response.read())
        if any(s.get("path") == rel and (s.get("kernel") or {}).get("execution_state") == "idle" for s in sessions):
            return
        time.sleep(0.5)
    raise AssertionError(f"no idle kernel for {rel} after {timeout} s")


def _shut_down_kernels(page) -> int:
    """End the kernels of the server's sessions (from the page: it holds the XSRF cookie the API wants)."""
    return page.evaluate(
        """async () => {
            const xsrf = decodeURIComponent((document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '');
            const sessions = await (await fetch('/api/sessions')).json();
            for (const s of sessions) {
                await fetch('/api/sessions/' + s.id, {method: 'DELETE', headers: {'X-XSRFToken': xsrf}});
            }
            return sessions.length;
        }"""
    )


def _run_all(page, url: str, rel: str):
    """Menu Run -> Run All Cells, then wait until every code cell has an execution count."""
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    _wait_for_kernel(url, rel)
    page.wait_for_timeout(1000)  # the page's own connection to the kernel settles
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.wait_for_timeout(1000)
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    if dialog.count():  # "Select Kernel", should the page not have found its kernel yet
        dialog.first.click()
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=RUN_ALL_TIMEOUT_MS,
    )


def _errors_on_page(page) -> list[str]:
    """Tracebacks in cell outputs, and widgets the front-end could not show."""
    return page.evaluate(
        """() => {
            const bad = [];
            for (const el of document.querySelectorAll('.jp-OutputArea-output')) {
                const text = el.innerText || '';
                if (el.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr' &&
                    /Traceback|Error/.test(text)) bad.push(text.slice(0, 500));
                if (/Error displaying widget|model not found/i.test(text)) bad.push(text.slice(0, 500));
            }
            for (const el of document.querySelectorAll('.gt-message')) {
                if ((el.innerText || '').trim()) bad.push('widget message: ' + el.innerText.trim());
            }
            return bad;
        }"""
    )


def _picture_src(widget) -> str:
    return widget.evaluate("el => el.querySelector(':scope > .widget-image, :scope img').src")


def _wait_for_new_picture(page, widget, old_src: str):
    handle = widget.element_handle()
    page.wait_for_function(
        "([el, old]) => { const img = el.querySelector(':scope > .widget-image, :scope img');"
        " return img && img.src !== old && img.complete && img.naturalWidth > 0; }",
        arg=[handle, old_src], timeout=CHANGE_TIMEOUT_MS,
    )


def _poke(page, widget, action: str, shots: Path, timings: dict):
    """Do one thing to a widget and assert that its picture changed; screenshots before and after."""
    picture = widget.locator("img").first
    picture.scroll_into_view_if_needed()
    before_png, old_src = picture.screenshot(), _picture_src(widget)
    start = time.perf_counter()
    if action == "slider":
        _drag(page, widget.locator(".noUi-handle").first, 25)  # to the right, as a learner would
    elif action == "button":
        widget.locator("button.widget-button").first.click()
    elif action == "play":
        widget.locator(".gt-play").first.click()  # the named Play toggle
    _wait_for_new_picture(page, widget, old_src)
    timings[action] = round((time.perf_counter() - start) * 1000)
    if action == "play":  # the toggle now offers to pause; a second frame arrives by itself, then pause
        page.wait_for_function("el => /Pause/.test(el.innerText)", arg=widget.locator(".gt-play").element_handle(),
                               timeout=CHANGE_TIMEOUT_MS)
        src = _picture_src(widget)
        _wait_for_new_picture(page, widget, src)
        widget.locator(".gt-play").first.click()  # pause (the same toggle, now named "Pause")
    page.wait_for_timeout(300)  # let the image decode before the screenshot
    after_png = picture.screenshot()
    (shots.parent / f"{shots.name}-after-{action}.png").write_bytes(after_png)
    assert after_png != before_png, f"{shots.name}: the picture did not change after {action}"


def _drag(page, handle, dx: float):
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y, steps=5)
    page.mouse.up()


def _bad_setting_shows_a_message(page, widget, shots: Path):
    """Mixture explorer: drag sd 1 to 0 -> a message, not a traceback; drag it back -> the message goes."""
    message = widget.locator(".gt-message")
    sd_handle = widget.locator(".noUi-handle").nth(2)  # component 1: weight, mean, sd
    _drag(page, sd_handle, -600)
    page.wait_for_function("el => /σ1 = 0/.test(el.innerText)", arg=message.element_handle(), timeout=CHANGE_TIMEOUT_MS)
    widget.screenshot(path=f"{shots}-bad-setting.png")
    assert "Traceback" not in widget.inner_text()
    _drag(page, sd_handle, 40)
    page.wait_for_function("el => !el.innerText.trim()", arg=message.element_handle(), timeout=CHANGE_TIMEOUT_MS)


def _keyboard_reaches(page, widget, selector: str, max_tabs: int = 25) -> bool:
    """From the widget's first focusable control, Tab (only the keyboard) until focus is on ``selector``."""
    widget.locator("select, input, button, [role=slider]").first.focus()
    for _ in range(max_tabs):
        if widget.evaluate("(el, sel) => el.contains(document.activeElement) && document.activeElement.matches(sel)",
                           selector):
            return True
        page.keyboard.press("Tab")
    return False


def _keyboard_drives(page, widget, shots: Path, frontend: str = "lab") -> dict:
    """Tab to a slider, ArrowRight changes the picture; Tab to a button, Enter changes it. Returns what the
    accessibility tree announces for the widget's controls (Chromium's aria snapshot), for the record.

    In Notebook 7 an arrow key on a slider handle is taken by the notebook's own command-mode shortcut
    (ArrowRight: move to the next heading) before the slider sees it; there the keyboard's way to a
    slider is the number box beside it, which _box_drives_slider checks. README says so."""
    done = {}
    keys = [("slider", "[role=slider]", "ArrowRight"), ("button", "button.widget-button", "Enter")]
    if frontend == "notebook":
        keys = keys[1:]
    for name, selector, key in keys:
        if not widget.locator(selector).count():
            continue
        assert _keyboard_reaches(page, widget, selector), f"{shots.name}: Tab never reaches a {name}"
        old_src = _picture_src(widget)
        focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 160)")
        page.keyboard.press(key)
        try:
            _wait_for_new_picture(page, widget, old_src)
        except Exception as error:  # say what had the focus and what the key did
            after = page.evaluate("() => document.activeElement.outerHTML.slice(0, 160)")
            raise AssertionError(f"{shots.name}: {key} on the focused {name} did not redraw the picture; "
                                 f"focus before: {focused}; after: {after}") from error
        done[name] = key
    (shots.parent / f"{shots.name}-aria.yaml").write_text(widget.aria_snapshot())
    return done


NAMED_ROLES = ("button", "slider", "spinbutton", "combobox", "textbox", "checkbox", "option", "img")


def _unnamed(aria_yaml: str) -> list[str]:
    """Lines of a Playwright aria snapshot for an interactive role (or the picture) with an empty accessible name."""
    bad = []
    for line in aria_yaml.splitlines():
        m = re.match(r'\s*- (\w+)(?: "([^"]*)")?', line)
        if m and m.group(1) in NAMED_ROLES and not (m.group(2) or "").strip():
            bad.append(line.strip())
    return bad


def _every_control_is_named(widget, shots: Path):
    """From Chromium's accessibility tree: every button, dropdown, box and the picture has a non-empty
    name. The one known exception, the slider handle (ipywidgets 8.1 gives it none), must each have a
    number box beside it, bound to it and named by the slider's description."""
    snapshot = widget.aria_snapshot()
    unnamed = _unnamed(snapshot)
    assert all(line.startswith("- slider") for line in unnamed), f"{shots.name}: unnamed controls {unnamed}"
    sliders = widget.locator(".widget-slider")
    assert len(unnamed) <= sliders.count()
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        label = slider.locator(".widget-label").first.inner_text().strip()
        box = slider.locator("xpath=following-sibling::*[contains(@class, 'gt-number-box')][1]//input")
        assert box.count() == 1, f"{shots.name}: slider {label!r} has no number box beside it"
        name = re.match(r'\s*- spinbutton "([^"]*)"', box.aria_snapshot())
        assert name and name.group(1) == label, f"{shots.name}: {label!r} box is named {box.aria_snapshot()!r}"
    assert widget.locator("img").first.get_attribute("title"), f"{shots.name}: the picture has no title"


def _box_drives_slider(page, widget, shots: Path):
    """Keyboard only: ArrowUp and Enter in the first slider's number box move its handle and redraw the picture."""
    slider = widget.locator(".widget-slider").first
    box = slider.locator("xpath=following-sibling::*[contains(@class, 'gt-number-box')][1]//input")
    handle = slider.locator("[role=slider]")
    before, old_src = handle.get_attribute("aria-valuetext"), _picture_src(widget)
    box.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    _wait_for_new_picture(page, widget, old_src)  # the kernel saw the new value
    page.wait_for_function("([h, old]) => h.getAttribute('aria-valuetext') !== old",  # and the handle moved
                           arg=[handle.element_handle(), before], timeout=CHANGE_TIMEOUT_MS)


def cases():
    """Every lesson with widgets in JupyterLab; the demo (all five widgets) in JupyterLab and Notebook 7."""
    lessons = [p for p in widget_notebooks() if p != DEMO]
    return [(p, "lab") for p in lessons] + [(DEMO, "lab"), (DEMO, "notebook")]


@pytest.mark.parametrize("notebook,frontend", cases(), ids=lambda v: v if isinstance(v, str) else v.stem)
def test_widgets_in_the_browser(server, browser, notebook, frontend):
    if frontend == "notebook" and find_spec("notebook") is None:
        pytest.skip("Notebook 7 is not installed (pip install 'notebook>=7,<8')")
    url, root = server
    rel = f"browser/{notebook.name}" if notebook == DEMO else f"notebooks/{notebook.name}"
    out = ARTIFACTS / frontend / notebook.stem
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    console_errors = []
    page.on("pageerror", lambda err: console_errors.append(str(err)))
    try:
        # ?reset: a fresh layout, not the one saved by the previous test (its notebook would be open too)
        page.goto(f"{url}/lab/tree/{rel}?reset" if frontend == "lab" else f"{url}/notebooks/{rel}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        # Errors the front-end raises while loading, before any cell runs, are not ours (Notebook 7.6
        # logs one from its settings loader on every page); keep them as an artefact, judge the rest.
        load_errors = list(console_errors)
        (out / "page-errors-on-load.txt").write_text("\n".join(load_errors))
        del console_errors[:]
        _run_all(page, url, rel)
        n_widgets = _count_widget_calls(root / rel)
        page.wait_for_function(f"() => document.querySelectorAll('.gt-widget img').length >= {n_widgets}",
                               timeout=60_000)
        page.screenshot(path=out / "00-after-run-all.png")
        assert _errors_on_page(page) == []

        timings, keyboard = {}, {}
        widgets = page.locator(".gt-widget")
        for i in range(widgets.count()):
            widget = widgets.nth(i)
            kind = next(c for c in widget.get_attribute("class").split() if c.startswith("gt-") and c != "gt-widget")
            shots = out / f"{i + 1:02d}-{kind[3:]}"
            widget.scroll_into_view_if_needed()
            widget.screenshot(path=f"{shots}-before.png")
            timings[kind] = {}
            if widget.locator(".noUi-handle").count():
                _poke(page, widget, "slider", shots, timings[kind])
            if widget.locator("button.widget-button").count():
                _poke(page, widget, "button", shots, timings[kind])
            if widget.locator(".gt-play").count():
                _poke(page, widget, "play", shots, timings[kind])
            assert timings[kind], f"{kind} has neither a slider nor a button"
            keyboard[kind] = _keyboard_drives(page, widget, shots, frontend)
            _every_control_is_named(widget, shots)
            if widget.locator(".gt-number-box").count():
                _box_drives_slider(page, widget, shots)
                keyboard[kind].setdefault("slider", "number box: ArrowUp, Enter")
            assert keyboard[kind], f"{kind}: the keyboard drove nothing"
            if kind == "gt-mixture-explorer":
                _bad_setting_shows_a_message(page, widget, shots)
            widget.screenshot(path=f"{shots}-after.png")
        assert widgets.count() >= n_widgets
        assert _errors_on_page(page) == []
        assert console_errors == []
        (out / "timings-ms.json").write_text(json.dumps(timings, indent=2))
        (out / "keyboard.json").write_text(json.dumps(keyboard, indent=2))
    finally:
        page.screenshot(path=out / "99-final.png")
        _shut_down_kernels(page)  # so kernels do not pile up over the notebooks
        context.close()
