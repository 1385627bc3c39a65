"""report.html and slides.html render fully in headless Chromium with the network off.

Checks, for each page: no console error, no failed request (anything but ``file:``/``data:``/``blob:`` is
refused and counted as failed), every image loaded (``naturalWidth > 0``), and for the slides that
``Reveal.next()`` moves to another slide. Screenshots of the first slide and of the report's first chart are
kept in the run folder (``screenshots/``) for the README.

Chromium is Debian's (``.ci/run`` installs it); Playwright only drives it — it never downloads a browser.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def _chromium() -> str | None:
    for c in CHROMIUM_CANDIDATES:
        if Path(c).exists():
            return c
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def browser():
    exe = _chromium()
    if exe is None:
        pytest.skip("Chromium absent (/usr/bin/chromium) : `apt-get install chromium` ou `bash .ci/run` l'installe")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright absent : `pip install -e .[dev]`")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_offline(browser, path: Path, *, settle_ms: int = 300):
    """Open ``path`` with the network off; return ``(page, context, problems)``.

    ``problems`` is a dict of lists filled while the page lives: ``console`` (errors), ``failed``
    (requests that did not complete, including every refused network request), ``pageerror``.
    """
    ctx = browser.new_context(offline=True, viewport={"width": 1280, "height": 800})
    problems = {"console": [], "failed": [], "pageerror": []}

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            r.continue_()
        else:
            problems["failed"].append(f"réseau refusé : {url}")
            r.abort("internetdisconnected")

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.on("console", lambda m: problems["console"].append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems["pageerror"].append(str(e)))
    page.on("requestfailed", lambda r: problems["failed"].append(f"{r.url} ({r.failure})"))
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_timeout(settle_ms)
    return page, ctx, problems


def broken_images(page) -> list[str]:
    """Sources of the images that did not load (data: URIs clipped to their start, paths to their end)."""
    return page.evaluate("""() => Array.from(document.images)
        .filter(i => !(i.complete && i.naturalWidth > 0))
        .map(i => { const s = i.currentSrc || i.src || ''; return s.startsWith('data:') ? s.slice(0, 40) : s.slice(-120); })""")


def image_count(page) -> int:
    return page.evaluate("() => document.images.length + document.querySelectorAll('svg').length")


def check_report(browser, report: Path, shots: Path) -> dict:
    page, ctx, problems = open_offline(browser, report)
    try:
        problems["images"] = broken_images(page)
        n_images = image_count(page)
        shots.mkdir(parents=True, exist_ok=True)
        imgs = page.locator("img")
        first = imgs.first if imgs.count() else page.locator("svg").first
        if n_images:
            first.scroll_into_view_if_needed()
            first.screenshot(path=str(shots / "report_chart_1.png"))
        return {**problems, "n_images": n_images}
    finally:
        ctx.close()


def check_slides(browser, slides: Path, shots: Path) -> dict:
    page, ctx, problems = open_offline(browser, slides)
    try:
        page.wait_for_function("() => window.Reveal && Reveal.isReady && Reveal.isReady()", timeout=10_000)
        problems["images"] = broken_images(page)
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "slides_1.png"))
        total = page.evaluate("() => Reveal.getTotalSlides()")
        before = page.evaluate("() => [Reveal.getIndices().h, Reveal.getIndices().v, Reveal.getSlidePastCount()]")
        page.evaluate("() => Reveal.next()")
        page.wait_for_timeout(200)
        after = page.evaluate("() => [Reveal.getIndices().h, Reveal.getIndices().v, Reveal.getSlidePastCount()]")
        # images on later slides are lazy in reveal.js: walk every slide, then look again
        for _ in range(total + 2):
            page.evaluate("() => Reveal.next()")
        page.wait_for_timeout(300)
        problems["images"] = broken_images(page)
        return {**problems, "total": total, "before": before, "after": after}
    finally:
        ctx.close()


# --- the harness itself, on hand-made pages -------------------------------------------------------------------

_PNG_1PX = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_harness_sees_a_clean_page_as_clean(browser, tmp_path):
    page = tmp_path / "ok.html"
    page.write_text(f'<html><body><h1>ok</h1><img src="data:image/png;base64,{_PNG_1PX}"></body></html>')
    result = check_report(browser, page, tmp_path / "shots")
    assert result == {"console": [], "failed": [], "pageerror": [], "images": [], "n_images": 1}
    assert (tmp_path / "shots" / "report_chart_1.png").stat().st_size > 0


def test_harness_catches_network_fetches_broken_images_and_script_errors(browser, tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<html><head><script src="https://cdn.example.org/x.js"></script></head><body>'
                    '<img src="missing.png"><script>undefinedFunction()</script></body></html>')
    result = check_report(browser, page, tmp_path / "shots")
    assert any("cdn.example.org" in f for f in result["failed"])
    assert any("missing.png" in f for f in result["failed"])
    assert result["images"] and "missing.png" in result["images"][0]
    assert any("undefinedFunction" in e for e in result["pageerror"])


# --- the engine's pages, on a run of tiny fixture notebooks (seconds) ----------------------------------------

@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    from bad_inputs import runs
    root = runs.tiny_root(tmp_path_factory.mktemp("tiny"), ("01_ok", "02_pause"))
    proc = runs.etude("reproduce", env=runs.env_for(root), cwd=root, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return runs.run_folder(proc)


@pytest.mark.slow
def test_engine_pages_of_a_tiny_run_render_offline(browser, tiny_run):
    report = check_report(browser, tiny_run / "report.html", tiny_run / "screenshots")
    assert {k: report[k] for k in ("console", "failed", "pageerror", "images")} == {
        "console": [], "failed": [], "pageerror": [], "images": []}, report
    assert report["n_images"] >= 1
    slides = check_slides(browser, tiny_run / "slides.html", tiny_run / "screenshots")
    assert {k: slides[k] for k in ("console", "failed", "pageerror", "images")} == {
        "console": [], "failed": [], "pageerror": [], "images": []}, slides
    assert slides["total"] >= 2 and slides["after"] != slides["before"]


# --- the real thing: a fresh run of the study ----------------------------------------------------------------

@pytest.mark.slow
def test_report_and_slides_of_a_fresh_run_render_offline(browser, demo_run):
    run = demo_run
    shots = run / "screenshots"
    report = check_report(browser, run / "report.html", shots)
    assert report["console"] == [] and report["pageerror"] == [], report
    assert report["failed"] == [], report["failed"]
    assert report["images"] == [], f"images non chargées : {report['images']}"
    assert report["n_images"] >= 1, "le rapport ne montre aucun graphique"
    assert (shots / "report_chart_1.png").stat().st_size > 1000

    slides = check_slides(browser, run / "slides.html", shots)
    assert slides["console"] == [] and slides["pageerror"] == [], slides
    assert slides["failed"] == [], slides["failed"]
    assert slides["images"] == [], f"images non chargées : {slides['images']}"
    assert slides["total"] >= 2, "moins de deux diapositives"
    assert slides["after"] != slides["before"], "Reveal.next() n'a pas changé de diapositive"
    assert (shots / "slides_1.png").stat().st_size > 1000


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    from bad_inputs import runs
    return runs.demo_run(tmp_path_factory)
