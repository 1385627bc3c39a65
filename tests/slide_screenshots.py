"""Screenshots of three slides of a run, for the README: ``python tests/slide_screenshots.py RUN_DIR [OUT_DIR]``.

Opens ``RUN_DIR/slides.html`` in headless Chromium at 1280 × 720 with the network off (as the browser test
does), writes ``slide_<n>.png`` for the slides of :data:`test_browser.SCREENSHOT_SLIDES` into ``OUT_DIR``
(default ``RUN_DIR/screenshots``) and prints what does not fit or has no heading.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import test_browser as tb  # noqa: E402


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    run = Path(argv[0])
    out = Path(argv[1]) if len(argv) > 1 else run / "screenshots"
    exe = tb._chromium()
    if exe is None:
        print("Chromium introuvable (apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=tb.CHROMIUM_ARGS)
        try:
            measures = tb.measure_slides(browser, run / "slides.html", shots=out, shoot=tb.SCREENSHOT_SLIDES)
        finally:
            browser.close()
    for k in tb.SCREENSHOT_SLIDES:
        if k < len(measures):
            print(out / f"slide_{k + 1}.png")
    for line in tb.misfits(measures):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
