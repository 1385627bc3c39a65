"""Text cleaned at the door: every text value read from an export, a mapping, a study file or a codebook.

Each value is normalised once, when it is loaded, so that everything downstream (matching, counting, tables,
report, slides, workbook, manifest) sees one spelling:

- Unicode NFC (« é » written as ``e`` + combining accent becomes the one character ``é``);
- line breaks (CR LF, CR, LF, VT, FF, NEL, U+2028, U+2029) become one ``\\n`` where a field keeps paragraphs
  (free text), a space elsewhere (:func:`one_line`); never a bare ``\\r``; a tab becomes a space;
- removed: terminal escape sequences, C0 and C1 control characters, bidirectional controls (U+061C, U+200E,
  U+200F, U+202A–U+202E, U+2066–U+2069) and zero-width characters (U+200B–U+200D, U+2060, U+FEFF).

Values identical after cleaning are the same value: ``M\\u200bE\\u200dL`` is « MEL ». What was removed is
counted, and the loaders say it as information (:func:`removal_note`): how many characters, which ones, where.
Every pattern here runs in linear time (no nested or overlapping repetition).

Examples
--------
>>> clean_text("Mairie \\u202etxet.exe\\u202c de Lens")
'Mairie txet.exe de Lens'
>>> clean_text("Ville\\r=1+1"), clean_text("un\\r\\ndeux\\rtrois", paragraphs=True)
('Ville =1+1', 'un\\ndeux\\ntrois')
>>> clean_text("M\\u200bE\\u200dL") == "MEL", clean_text("E\\u0301tat") == "État"
(True, True)
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable
from typing import Any

from etude.errors import problem

__all__ = ["clean_text", "cleaned", "is_clean", "one_line", "clean_tree", "removal_note", "INVISIBLE", "LINE_BREAKS",
           "SHOWN_PLACES"]

#: Characters removed wherever they appear: C0 controls but tab and line breaks, DEL, C1 controls but NEL,
#: bidirectional controls and marks, zero-width characters.
INVISIBLE = ("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
#: Line breaks a cell may hold (one ``\\r\\n`` is one break).
LINE_BREAKS = "\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]"
#: Places a removal note lists before « … ».
SHOWN_PLACES = 10

# an escape sequence is removed whole (« ESC[31m », « ESC]8;;url BEL »), not only its ESC
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]")
_INVISIBLE = re.compile(INVISIBLE)
_BREAKS = re.compile(LINE_BREAKS)
# anything that needs work beyond NFC: controls (tab and breaks included), invisible characters, U+2028/9
_ODD = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060\u2066-\u2069\ufeff]")


def cleaned(text: str, *, paragraphs: bool = False) -> tuple[str, str]:
    """``text`` cleaned (see the module's docstring) and the characters removed from it, in order.

    Parameters
    ----------
    text : str
    paragraphs : bool, default False
        Keep line breaks, as ``\\n`` (free text); else each run of breaks becomes one space (:func:`one_line`).

    >>> cleaned("A\\x00B\\u200b\\r\\nC", paragraphs=True)
    ('AB\\nC', '\\x00\\u200b')
    """
    if is_clean(text):
        return text, ""
    removed = []
    if "\x1b" in text or "\x9b" in text:
        removed += ["\x1b"] * len(_ESCAPES.findall(text))  # a whole sequence counts as its ESC
        text = _ESCAPES.sub("", text)
    removed += _INVISIBLE.findall(text)
    text = _INVISIBLE.sub("", text)
    text = _BREAKS.sub("\n", text).replace("\t", " ")
    if not paragraphs:
        text = one_line(text)
    return unicodedata.normalize("NFC", text), "".join(removed)


def is_clean(text: str) -> bool:
    """Whether ``text`` is already clean (NFC, nothing to remove, no line break or tab): the fast path of
    :func:`cleaned`, two calls in C for most texts. Cells joined by a space can be checked at once.

    >>> is_clean("Services de l'État"), is_clean("M\\u200bEL"), is_clean("a\\nb"), is_clean("E\\u0301tat")
    (True, False, False, False)
    """
    if text.isascii():
        return text.isprintable()
    return not _ODD.search(text) and unicodedata.is_normalized("NFC", text)


def clean_text(text: Any, *, paragraphs: bool = False) -> Any:
    """``text`` cleaned (:func:`cleaned`); a value that is not a string is returned as it is.

    >>> clean_text(None), clean_text(3), clean_text("a\\tb")
    (None, 3, 'a b')
    """
    return cleaned(text, paragraphs=paragraphs)[0] if isinstance(text, str) else text


def one_line(text: str) -> str:
    """``text`` on one line: each run of ``\\n`` (with the spaces around it) becomes one space.

    Written without a regular expression: ``" *\\n"`` backtracks quadratically on a long run of spaces.

    >>> one_line("Mairie de  \\n\\n  Lens"), one_line("\\nseul\\n")
    ('Mairie de Lens', 'seul')
    """
    if "\n" not in text:
        return text
    head, *rest = text.split("\n")
    pieces = [head.rstrip(" "), *(p.strip(" ") for p in rest[:-1]), rest[-1].lstrip(" ")]
    return " ".join(p for p in pieces if p)


def clean_tree(value: Any, *, paragraphs: Collection[str] = (), keep: Collection[str] = (),
               removed: list[tuple[str, str]] | None = None, where: str = "") -> Any:
    """A YAML document (dicts, lists, scalars) with every string, key or value, cleaned.

    Parameters
    ----------
    value : any
    paragraphs : collection of str
        Keys whose string values keep their line breaks (``description``, ``notes``…).
    keep : collection of str
        Keys whose values are left exactly as written (file paths, a sheet's name, a separator).
    removed : list, optional
        Receives ``(key path, removed characters)`` for each string that lost some.
    where : str
        Key path of ``value`` (for ``removed``).

    Shared sub-documents (YAML anchors) are cleaned once: the walk is linear in the document as written.

    >>> clean_tree({"title": "É\\u200btude", "buyers": [{"file": "a\\u200b.csv"}]}, keep={"file"})
    {'title': 'Étude', 'buyers': [{'file': 'a\\u200b.csv'}]}
    """
    return _Walk(frozenset(paragraphs), frozenset(keep), removed).tree(value, where, paragraphs=False)


class _Walk:
    """One walk of :func:`clean_tree` (its options and the sub-documents already cleaned)."""

    def __init__(self, paragraphs: frozenset, keep: frozenset, removed: list | None):
        self.paragraphs, self.keep, self.removed, self.done = paragraphs, keep, removed, {}

    def text(self, s: str, where: str, paragraphs: bool) -> str:
        out, gone = cleaned(s, paragraphs=paragraphs)
        if gone and self.removed is not None:
            self.removed.append((where or "(racine)", gone))
        return out

    def tree(self, value: Any, where: str, *, paragraphs: bool) -> Any:
        if isinstance(value, str):
            return self.text(value, where, paragraphs)
        if not isinstance(value, (dict, list)):
            return value
        if id(value) in self.done:
            return self.done[id(value)]
        if isinstance(value, list):
            out: Any = [self.tree(v, f"{where}[{i}]", paragraphs=paragraphs) for i, v in enumerate(value, start=1)]
        else:
            out = {}
            for k, v in value.items():
                key = self.text(k, where, False) if isinstance(k, str) else k
                path = f"{where}.{key}" if where else str(key)
                out[key] = v if key in self.keep else self.tree(v, path, paragraphs=key in self.paragraphs)
        self.done[id(value)] = out
        return out


def _code_points(chars: str) -> str:
    """« U+200B ×2, U+202E »: the characters removed, most frequent first (escape sequences by their ESC)."""
    counts = Counter(chars)
    return ", ".join(f"U+{ord(ch):04X}" + (f" ×{n}" if n > 1 else "") for ch, n in counts.most_common())


def removal_note(file: Any, places: Iterable[tuple[str, str]]) -> dict | None:
    """One information problem saying how many characters were removed, which ones and where; ``None`` if none.

    Parameters
    ----------
    file : str or Path
        The file read.
    places : iterable of (str, str)
        ``(where, removed characters)``: « ligne 3, colonne F », a key path…

    >>> note = removal_note("a.csv", [("ligne 2, colonne F", "\\u202e\\u202c"), ("ligne 4, colonne F", "\\u200b")])
    >>> note["severity"], note["message"]
    ('info', '3 caractères invisibles ou de contrôle retirés (U+202E, U+202C, U+200B) : ligne 2, \
colonne F ; ligne 4, colonne F')
    """
    places = list(places)
    total = "".join(chars for _, chars in places)
    if not total:
        return None
    n = len(total)
    shown = " ; ".join(where for where, _ in places[:SHOWN_PLACES])
    if len(places) > SHOWN_PLACES:
        shown += f" … ({len(places)} cellules ou clés en tout)"
    many = "s" if n > 1 else ""
    return problem(file, severity="info",
                   message=f"{n} caractère{many} invisible{many} ou de contrôle retiré{many} "
                           f"({_code_points(total)}) : {shown}")
