"""Screenshots of three slides of a run, for the README: ``python tests/slide_screenshots.py [RUN_DIR] [OUT_DIR]``.

Opens ``RUN_DIR/slides.html`` (default ``outputs/latest``, the last ``etude reproduce``) in headless Chromium at
1280 × 720 with the network off (as the browser test does), finds the slides :data:`test_browser.README_SLIDES`
names (title slide, first chart of the buyers' barriers, first chart comparing buyers and companies) and writes
them to ``OUT_DIR`` (default ``docs/img``) as ``<name>.png``: 1280 × 720, reduced to a 96-colour palette so that
each stays under :data:`MAX_BYTES`. Prints each file and its size, then what does not fit or has no heading.
Exit code 1 when a slide is missing or a file is too large.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import conftest  # noqa: E402 — the browser launcher the tests share
import test_browser as tb  # noqa: E402

#: Largest README image, in bytes.
MAX_BYTES = 200_000


def optimise(source: Path, target: Path, *, colours: int = 96) -> int:
    """Write ``source`` (a screenshot) to ``target`` as an optimised palette PNG; returns its size in bytes."""
    from PIL import Image
    with Image.open(source) as im:
        small = im.convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        target.parent.mkdir(parents=True, exist_ok=True)
        small.save(target, format="PNG", optimize=True)
    return target.stat().st_size


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    run = Path(argv[0]) if argv else HERE.parent / "outputs" / "latest"
    out = Path(argv[1]) if len(argv) > 1 else HERE.parent / "docs" / "img"
    if not (run / "slides.html").is_file():
        print(f"{run / 'slides.html'} introuvable : lancer d'abord `make reproduce`", file=sys.stderr)
        return 1
    exe = conftest._chromium()
    if exe is None:
        print("Chromium introuvable (apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="etude-shots-") as tmp:
        browser = p.chromium.launch(executable_path=exe, args=conftest.CHROMIUM_ARGS)
        try:
            measures = tb.measure_slides(browser, run / "slides.html")
            picks = tb.readme_picks(measures)
            tb.measure_slides(browser, run / "slides.html", shots=Path(tmp), shoot=tuple(picks.values()))
        finally:
            browser.close()
        status = 0
        for name in tb.README_SLIDES:
            if name not in picks:
                print(f"  {name} : aucune diapositive de ce type dans {run}", file=sys.stderr)
                status = 1
                continue
            size = optimise(Path(tmp) / f"slide_{picks[name] + 1}.png", out / f"{name}.png")
            print(f"{out / f'{name}.png'} (diapositive {picks[name] + 1}, {size // 1000} ko)")
            if size >= MAX_BYTES:
                print(f"  trop lourde : {size // 1000} ko (au plus {MAX_BYTES // 1000} ko)", file=sys.stderr)
                status = 1
    for line in tb.misfits(measures):
        print(f"  {line}")
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
