"""report.html and slides.html render fully in headless Chromium with the network off.

Checks, for each page: no console error, no failed request (anything but ``file:``/``data:``/``blob:`` is
refused and counted as failed), every image loaded (``naturalWidth > 0``), and for the slides that
``Reveal.next()`` moves to another slide. Screenshots of the first slide and of the report's first chart are
kept in the run folder (``screenshots/``) for the README.

Chromium is Debian's (``.ci/run`` installs it); Playwright only drives it — it never downloads a browser.
"""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

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
        .map(i => { const s = i.currentSrc || i.src || '';
                    return s.startsWith('data:') ? s.slice(0, 40) : s.slice(-120); })""")


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
def test_the_whole_demo_study_reproduces(demo_run):
    import json

    from etude import engine
    from etude.publish import report
    m = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))
    assert m["status"] == "ok" and m["simulated"] is True
    assert [nb["name"] for nb in m["notebooks"]] == [p.stem for p in engine.discover_notebooks()]
    assert {nb["status"] for nb in m["notebooks"]} == {"ok"}
    for page in ("report.html", "slides.html"):
        assert report.external_references((demo_run / page).read_text(encoding="utf-8")) == []


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


#: Slides of a run shown in the README (``docs/img/<name>.png``): the title slide, the first chart of the buyers'
#: barriers and the first chart comparing buyers and companies, as ``name → (role, section)``.
README_SLIDES = {"slide_titre": ("title", ""), "slide_freins_acheteurs": ("cells", "barriers_buyers"),
                 "slide_acheteurs_entreprises": ("cells", "comparison")}


def readme_picks(measures: list[dict]) -> dict[str, int]:
    """``name → position`` of the slides :data:`README_SLIDES` names (a result slide: the first with a chart)."""
    picks = {}
    for name, (role, section) in README_SLIDES.items():
        for k, m in enumerate(measures):
            if m["role"] == role and m["section"] == section and (role == "title" or m["images"]):
                picks[name] = k
                break
    return picks


@pytest.mark.slow
def test_every_slide_of_a_fresh_run_fits_1280x720(browser, demo_run):
    measures = measure_slides(browser, demo_run / "slides.html")
    assert len(measures) >= 2
    assert [p for p in misfits(measures) if "pas de titre" not in p] == []
    picks = readme_picks(measures)
    assert sorted(picks) == sorted(README_SLIDES)
    shots = demo_run / "screenshots"
    measure_slides(browser, demo_run / "slides.html", shots=shots, shoot=tuple(picks.values()))
    for k in picks.values():
        assert (shots / f"slide_{k + 1}.png").stat().st_size > 1000


@pytest.mark.slow
def test_every_slide_of_a_fresh_run_states_its_message(browser, demo_run):
    assert [p for p in misfits(measure_slides(browser, demo_run / "slides.html")) if "pas de titre" in p] == []


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    from bad_inputs import runs
    return runs.demo_run(tmp_path_factory)


# --- every slide fits 1280 × 720 and states its message (issue 16.4) ----------------------------------------

SLIDE_SIZE = {"width": 1280, "height": 720}

_MEASURE = """() => {
    const slide = Reveal.getCurrentSlide();
    const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
    const scale = Reveal.getScale();
    let top = Infinity, bottom = -Infinity, left = Infinity, right = -Infinity;
    for (const el of slide.querySelectorAll('*')) {
        if (el.closest('aside.notes')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom);
        left = Math.min(left, r.left); right = Math.max(right, r.right);
    }
    const heading = slide.querySelector('h1, h2, h3');
    const box = slide.querySelector('.etude-slide');
    return {indices: Reveal.getIndices(), notebook: (box && box.dataset.notebook) || '',
            section: (box && box.dataset.section) || '', role: (box && box.dataset.role) || '',
            images: slide.querySelectorAll('img').length,
            heading: heading ? heading.textContent.replace('¶', '').trim() : '',
            height: bottom === -Infinity ? 0 : (Math.max(bottom, frame.bottom) - Math.min(top, frame.top)) / scale,
            width: right === -Infinity ? 0 : (Math.max(right, frame.right) - Math.min(left, frame.left)) / scale,
            frame: [frame.width / scale, frame.height / scale],
            rows: Math.max(0, ...Array.from(slide.querySelectorAll('table'))
                                     .map(t => t.querySelectorAll('tbody tr').length))};
}"""


def measure_slides(browser, slides: Path, *, shots: Path | None = None, shoot: tuple[int, ...] = ()) -> list[dict]:
    """Visit every slide of ``slides`` at 1280 × 720; one dict per slide: ``indices``, ``notebook``, ``heading``,
    ``height`` and ``width`` (of the box holding the slide and its content, in slide pixels), ``frame``.
    ``rows`` (of its longest table). Slides whose position is in ``shoot`` are also saved as ``shots/slide_<n>.png``."""
    ctx = browser.new_context(offline=True, viewport=SLIDE_SIZE)
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:"))
              else r.abort("internetdisconnected"))
    page = ctx.new_page()
    try:
        page.goto(slides.resolve().as_uri(), wait_until="load")
        page.wait_for_function("() => window.Reveal && Reveal.isReady && Reveal.isReady()", timeout=10_000)
        n = page.evaluate("() => Reveal.getSlides().length")
        out = []
        for i in range(n):
            page.evaluate("i => { const x = Reveal.getIndices(Reveal.getSlides()[i]); Reveal.slide(x.h, x.v); }", i)
            page.wait_for_timeout(120)
            out.append(page.evaluate(_MEASURE))
            if shots is not None and i in shoot:
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shots / f"slide_{i + 1}.png"))
        return out
    finally:
        ctx.close()


def misfits(measures: list[dict], *, tolerance: float = 1.0, max_rows: int = 8) -> list[str]:
    """What is wrong with the measured slides, in words (empty when every slide fits 1280 × 720, has a heading
    and shows no table of more than ``max_rows`` rows)."""
    problems = []
    for k, m in enumerate(measures, start=1):
        where = f"diapositive {k} ({m['indices']['h']}.{m['indices']['v']}, {m['notebook'] or '—'})"
        if [round(x) for x in m["frame"]] != [SLIDE_SIZE["width"], SLIDE_SIZE["height"]]:
            problems.append(f"{where} : diapositive de {m['frame'][0]:.0f} × {m['frame'][1]:.0f} px, pas 1280 × 720")
        if m["rows"] > max_rows:
            problems.append(f"{where} : table de {m['rows']} lignes (au plus {max_rows})")
        if m["height"] > m["frame"][1] + tolerance:
            problems.append(f"{where} : {m['height']:.0f} px de haut pour {m['frame'][1]:.0f}")
        if m["width"] > m["frame"][0] + tolerance:
            problems.append(f"{where} : {m['width']:.0f} px de large pour {m['frame'][0]:.0f}")
        if not m["heading"]:
            problems.append(f"{where} : pas de titre")
    return problems


def test_fit_check_catches_a_slide_too_tall_too_wide_or_without_heading(browser, tmp_path):
    import nbformat

    from etude.publish import report
    slide = {"slideshow": {"slide_type": "slide"}}
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Un titre\n\n" + "Une ligne.\n\n" * 40, metadata=slide),
        nbformat.v4.new_markdown_cell("Pas de titre ici.", metadata=slide),
        nbformat.v4.new_markdown_cell("## Large\n\n<div style='width:3000px'>x</div>", metadata=slide),
    ])
    page = tmp_path / "slides.html"
    page.write_text(report.slides_html([("01_x", nb)], simulated=True), encoding="utf-8")
    problems = misfits(measure_slides(browser, page))
    # slides 1-10 are the title, contents, objectives, results, remedies and solutions slides the deck's spine
    # adds (the restitution's outline); then the three above; then method, sources, closing
    assert any("diapositive 11" in p and "de haut" in p for p in problems), problems
    assert any("diapositive 12" in p and "pas de titre" in p for p in problems), problems
    assert any("diapositive 13" in p and "de large" in p for p in problems), problems
    assert not any(f"diapositive {k} " in p for p in problems for k in (*range(1, 11), 14, 15, 16)), problems


def test_slides_following_the_convention_fit_1280x720_with_a_heading(browser, tmp_path):
    from deck_fixtures import convention_notebooks

    from etude.publish import report
    page = tmp_path / "slides.html"
    page.write_text(report.slides_html(convention_notebooks(), simulated=True), encoding="utf-8")
    measures = measure_slides(browser, page, shots=tmp_path / "shots", shoot=(0, 2, 5))
    # title, contents, objectives, 3 results, the five slides of the fixtures, 2 remedies, 2 solutions, method,
    # sources, closing (the restitution's outline)
    assert len(measures) == 18
    assert misfits(measures) == []
    assert all((tmp_path / "shots" / f"slide_{k}.png").stat().st_size > 1000 for k in (1, 3, 6))
