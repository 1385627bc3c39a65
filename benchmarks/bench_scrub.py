"""Benchmark: the privacy scrubber (:func:`etude.survey.privacy.scrub_text`) grows linearly with the text.

For each text shape the issue found slow (an unbroken run of letters, of dashes, of letters and dots), each shape
the name and disguised-contact patterns could repeat (:data:`NAME_UNITS`) and for an ordinary long comment (French
sentences with an address and a phone number every few lines), the script times
``scrub_text`` at 20,000 and 200,000 characters (best of ``--repeat``) and prints the ratio: ten times the text,
about ten times the time for a linear scrubber, a hundred for a quadratic one.

The baseline runs in the same process, on the same texts, just before: a regular expression known to be linear
(« [\\w.%+\\-]+ » found once per run, no backtracking), so that a loaded machine slows both alike and the two
ratios stay comparable. The former e-mail pattern (quadratic: 20,000 letters took 19 s) is timed too, at 2,000
and 6,000 characters only (three times the text, nine times the time).

Not a test (the suite asserts that a 200,000-character cell is scrubbed, without timing it; tests never assert on
time): run it by hand.

.. code-block:: console

    $ .venv/bin/python benchmarks/bench_scrub.py
    $ .venv/bin/python benchmarks/bench_scrub.py --repeat 5
"""
from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable

from etude.survey import privacy

#: Sizes timed, in characters.
SMALL, LARGE = 20_000, 200_000
#: The e-mail pattern before issue 28 (quadratic on a run of letters or dashes).
OLD_EMAIL = re.compile(r"[\w.%+\-]+(?:@|\s?\[at\]\s?|\s?\(at\)\s?)[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}")
#: The in-process baseline: linear by construction.
BASELINE = re.compile(r"[\w.%+\-]+")

_COMMENT = ("Nous avons répondu à deux marchés innovants en 2017, sans suite faute de budget ; le service achats "
            "a changé d'interlocuteur trois fois. Contact : jeanne.martin@exemple.fr ou 03 20 12 34 56. ")


#: Units the name and disguised-contact patterns (issue 27) could repeat: a first name, « point », « arobase »,
#: spelled digits, a spaced address, a phone prefix, a civility before a name.
NAME_UNITS = {"prénoms": "Jean ", "« point »": "a point ", "« arobase »": "a arobase ", "chiffres en lettres": "zéro ",
              "adresse espacée": "a @ b . ", "préfixes de téléphone": "06 ", "civilité et nom": "M. Jean "}


def texts(n: int) -> dict[str, str]:
    """The texts timed, each ``n`` characters long."""
    return {"lettres": "a" * n, "tirets": "-" * n, "lettres et points": ("a." * n)[:n],
            "commentaire ordinaire": (_COMMENT * (n // len(_COMMENT) + 1))[:n],
            **{name: (unit * (n // len(unit) + 1))[:n] for name, unit in NAME_UNITS.items()}}


def best_time(f: Callable[[], object], repeat: int, number: int = 1) -> float:
    """Time of one call of ``f``, in seconds: the best of ``repeat`` passes of ``number`` calls each.

    The short texts are timed ``number`` = 10 calls a pass, so that a pass lasts about as long on both sizes: a
    pause of the machine then weighs alike on both, and the ratio stays the code's.
    """
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            f()
        best = min(best, (time.perf_counter() - t) / number)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes per measure (the best is kept)")
    args = parser.parse_args(argv)
    small, large = texts(SMALL), texts(LARGE)
    print(f"{'texte':<22} {'base 20k':>9} {'base 200k':>10} {'ratio':>6}   {'scrub 20k':>10} {'scrub 200k':>11} "
          f"{'ratio':>6}")
    worst = 0.0
    for name in small:
        b_small = best_time(lambda s=small[name]: BASELINE.findall(s), args.repeat, LARGE // SMALL)
        b_large = best_time(lambda s=large[name]: BASELINE.findall(s), args.repeat)
        s_small = best_time(lambda s=small[name]: privacy.scrub_text(s), args.repeat, LARGE // SMALL)
        s_large = best_time(lambda s=large[name]: privacy.scrub_text(s), args.repeat)
        ratio = s_large / s_small
        worst = max(worst, ratio)
        print(f"{name:<22} {b_small:>8.4f}s {b_large:>9.4f}s {b_large / b_small:>5.1f}×   {s_small:>9.4f}s "
              f"{s_large:>10.4f}s {ratio:>5.1f}×")
    old_small = best_time(lambda: OLD_EMAIL.sub("", "a" * 2_000), 1)
    old_large = best_time(lambda: OLD_EMAIL.sub("", "a" * 6_000), 1)
    print(f"ancien motif des courriels, lettres : 2 000 car. {old_small:.3f} s, 6 000 car. {old_large:.3f} s "
          f"({old_large / old_small:.1f}× pour 3× le texte : quadratique)")
    print(f"scrub_text : au plus {worst:.1f}× pour 10× le texte (linéaire ≈ 10×, quadratique ≈ 100×)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
