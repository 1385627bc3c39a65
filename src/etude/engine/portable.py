"""A run folder that carries no machine: absolute paths written relative to the folder they lie in.

A run folder is shared (e-mailed, published, archived): it must not tell the user name, the home folder or the
folder layout of the machine that made it. :func:`machine_anchors` lists the folders of this machine a run names
(the run folder, the study folder, the repository, the home folder), each with what stands for it;
:func:`portable_text` rewrites every absolute path below one of them relative to it (``tables/a.csv``,
``etude.yaml``, ``.venv/lib/…``, ``~/…``); :func:`portable_notebook` does it to an executed notebook (injected
parameters, outputs, tracebacks, papermill's metadata) and :func:`portable_value` to a manifest's values.

Examples
--------
>>> anchors = [("/home/ana/etude/outputs/r1", ""), ("/home/ana/etude", ""), ("/home/ana", "~")]
>>> portable_text('output_dir = "/home/ana/etude/outputs/r1", see /home/ana/etude/outputs/r1/tables/a.csv', anchors)
'output_dir = ".", see tables/a.csv'
>>> portable_text("/home/ana/notes/x.txt and /home/anabel", anchors)
'~/notes/x.txt and /home/anabel'
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from etude import paths

__all__ = ["machine_anchors", "portable_text", "portable_value", "portable_notebook", "relative_to"]


def _spellings(folder: str | os.PathLike) -> list[str]:
    """``folder`` as given and resolved (a symlinked ``/tmp`` is named both ways)."""
    out = [os.path.abspath(os.fspath(folder))]
    try:
        out.append(str(Path(folder).resolve()))
    except OSError:  # pragma: no cover — an unreadable folder: its given spelling is enough
        pass
    return list(dict.fromkeys(s.rstrip("/\\") for s in out if len(s.rstrip("/\\")) > 1))


def machine_anchors(*, run_dir: str | os.PathLike | None = None, study: str | os.PathLike | None = None,
                    root: str | os.PathLike | None = None, home: bool = True) -> list[tuple[str, str]]:
    """``(absolute folder, what stands for it)`` for the folders of this machine a run names, longest first: the
    run folder and the study's folder (``""``: a path below them is written relative to them), the folder of run
    folders (``..``), the repository (``""``), the home folder (``~``).

    >>> machine_anchors(run_dir="/r/out/run1", root="/r", home=False)
    [('/r/out/run1', ''), ('/r/out', '..'), ('/r', '')]
    """
    found: list[tuple[str, str]] = []
    folders = [(run_dir, ""), (Path(study).parent if study else None, ""),
               (Path(run_dir).parent if run_dir else None, ".."), (root or paths.root(), "")]
    if home:
        folders.append((Path.home(), "~"))
    for folder, stand in folders:
        if folder is not None:
            found += [(s, stand) for s in _spellings(folder)]
    unique = dict(reversed(found))  # the first role given to a folder wins
    return sorted(unique.items(), key=lambda a: len(a[0]), reverse=True)


def _pattern(anchors: list[tuple[str, str]]) -> re.Pattern | None:
    if not anchors:
        return None
    body = "|".join(re.escape(a) for a, _ in anchors)
    # a whole folder name: not « /home/anabel » for « /home/ana »; what follows is a separator or the path's end
    return re.compile(rf"(?<![\w.~-])({body})(?:([/\\])|(?![\w.~-]))")


def portable_text(text: str, anchors: list[tuple[str, str]]) -> str:
    """``text`` with each absolute path below an anchor written relative to it (the anchor alone: ``.``, or what
    stands for it).

    >>> portable_text("Dans /srv, le fichier /srv/x.csv.", [("/srv", "")])
    'Dans ., le fichier x.csv.'
    """
    pattern = _pattern(anchors)
    if pattern is None or not isinstance(text, str):
        return text
    stands = dict(anchors)

    def replace(m: re.Match) -> str:
        stand = stands[m.group(1)]
        if m.group(2):
            return f"{stand}/" if stand else ""
        return stand or "."
    return pattern.sub(replace, text)


def portable_value(value: Any, anchors: list[tuple[str, str]]) -> Any:
    """``value`` (a manifest's: str, list, dict, nested) with :func:`portable_text` applied to every string.

    >>> portable_value({"argv": ["/r/.venv/bin/etude", "reproduce"], "n": 2}, [("/r", "")])
    {'argv': ['.venv/bin/etude', 'reproduce'], 'n': 2}
    """
    if isinstance(value, str):
        return portable_text(value, anchors)
    if isinstance(value, (list, tuple)):
        return [portable_value(v, anchors) for v in value]
    if isinstance(value, dict):
        return {k: portable_value(v, anchors) for k, v in value.items()}
    return value


def _portable_output(output, anchors: list[tuple[str, str]]) -> None:
    for key in ("text", "evalue"):
        if key in output:
            output[key] = portable_value(output[key], anchors)
    if "traceback" in output:
        output["traceback"] = portable_value(output["traceback"], anchors)
    for mime, value in (output.get("data") or {}).items():
        if mime.startswith("text/") or mime in ("application/json", "image/svg+xml"):
            output["data"][mime] = portable_value(value, anchors)


def portable_notebook(nb, anchors: list[tuple[str, str]]):
    """``nb`` (an executed notebook, changed in place and returned) with no absolute path of ``anchors``: its
    cells' sources (the injected parameters), text outputs and tracebacks, and papermill's record of the
    parameters."""
    for cell in nb.cells:
        cell.source = portable_text(cell.source, anchors)
        for output in cell.get("outputs", []):
            _portable_output(output, anchors)
    papermill = nb.metadata.get("papermill")
    if papermill is not None:
        for key in ("parameters", "input_path", "output_path"):
            if key in papermill:
                papermill[key] = portable_value(papermill[key], anchors)
    return nb


def relative_to(path: str | os.PathLike, bases: Iterable[str | os.PathLike]) -> str | None:
    """``path`` relative to the first of ``bases`` it lies below (POSIX separators), else ``None``.

    >>> relative_to("/s/exports/a.csv", ["/s"]), relative_to("/elsewhere/a.csv", ["/s"])
    ('exports/a.csv', None)
    """
    target = Path(os.path.abspath(os.fspath(path)))
    for base in bases:
        for spelling in _spellings(base):
            for candidate in (target, target.resolve()):
                try:
                    return candidate.relative_to(spelling).as_posix()
                except ValueError:
                    continue
    return None
