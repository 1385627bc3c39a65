"""What the privacy scan looks for in a piece of text, and the text it reads (:mod:`etude.safety.audit`).

E-mail addresses (also written to dodge robots), phone numbers (French, foreign, with odd separators, in words),
SIREN/SIRET numbers, people's names after a civility or next to a role (the patterns the door scrubs with,
:mod:`etude.survey.privacy`), raw identifiers of the study's exports (a numeric one as a whole number), and absolute
paths of the machine. An SVG is read for what it says (:func:`svg_text`), never for its drawing instructions.

Examples
--------
>>> machine_paths(["/home/ana"]).findall("voir /home/ana/etude/x.csv, pas /home/anabel")
['/home/ana/etude/x.csv']
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from etude import paths
from etude.survey import privacy
from etude.survey.privacy import luhn_valid

__all__ = ["EMAIL_RE", "OBFUSCATED_EMAIL_RE", "PHONE_RE", "svg_text", "machine_paths", "public_names",
           "forbidden_patterns", "Searched", "matches", "INLINE_SVG"]

# File extensions that look like a domain in ``name@2x.png``-style asset names; never an e-mail.
_ASSET_TLDS = {"png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js", "mjs", "map", "woff", "woff2", "ttf",
               "eot", "otf", "ico", "json", "html", "ipynb", "csv", "xlsx", "py"}

#: An e-mail address (accented letters included: ``josé.garcía@exemple.fr``).
EMAIL_RE = re.compile(r"(?<![\w.%+-])[^\W_][\w.%+-]*@[^\W_](?:[\w-]*[^\W_])?"
                      r"(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.([^\W\d_]{2,24})(?![\w-])")
#: A French phone number: digit pairs separated by spaces, dots, dashes, slashes (mixed or not) or nothing.
PHONE_RE = re.compile(
    r"(?<![\w.,/+-])"
    r"(?:(?:\+33|0033)[ .\u00a0\u202f]?(?:\(0\)[ .\u00a0\u202f]?)?|0)[1-9]"
    r"(?:[ .\-/\u00a0\u202f]?\d{2}){4}"
    r"(?!\w|[.,/]\d|-\d)")
# An international number written with its country code (``+32 2 555 12 34``, ``0044…``): checked by phonenumbers.
_INTL_PHONE_RE = re.compile(r"(?<![\w.,/+-])(?:\+|00)[1-9][\d \u00a0\u202f.()-]{5,20}\d(?![\w]|[.,]\d)")
# A SIREN (9 digits) or SIRET (14) number, bare or spaced 3-3-3(-5); a finding only when it passes the Luhn check.
_SIRET_RE = re.compile(r"(?<![\w.,])(?<!\d[ \u00a0\u202f])(?:\d{14}|\d{9}|\d{3} \d{3} \d{3}(?: \d{5})?)"
                       r"(?![\w]|[.,]\d| \d)")
#: An e-mail address written to dodge robots: ``jean [at] exemple.fr``, ``jean(at)exemple.fr``.
OBFUSCATED_EMAIL_RE = re.compile(r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*\s?(?:\[at\]|\(at\)|\[arobase\])\s?"
                                 r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])", re.IGNORECASE)



def forbidden_patterns(forbidden: Iterable[str]) -> list[tuple[str, re.Pattern, str]]:
    out = []
    for raw in dict.fromkeys(str(f).strip() for f in forbidden if f is not None):
        if len(raw) < 3 or raw.lower() in ("nan", "none", "<na>"):
            continue  # too short to search without flagging ordinary words
        body = r"\s+".join(re.escape(part) for part in raw.split())
        # a numeric id (LimeSurvey's 1001…) is a whole number: not the decimals of 0.1003 nor a part of 1 003,5
        before, after = (r"(?<![\w.,])", r"(?![\w]|[.,]\d)") if raw.isdigit() else (r"(?<!\w)", r"(?!\w)")
        out.append((raw, re.compile(rf"{before}{body}{after}", re.IGNORECASE), " ".join(raw.split()).casefold()))
    return out




def _valid_phone(raw: str) -> bool:
    """Whether ``raw`` (written with its country code) is a valid phone number for :mod:`phonenumbers`."""
    import phonenumbers

    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(raw.replace("00", "+", 1) if raw.startswith("00")
                                                               else raw, "FR"))
    except phonenumbers.NumberParseException:
        return False


def _email_matches(text: str) -> Iterator[tuple[str, int, str]]:
    for m in EMAIL_RE.finditer(text):
        if m.group(1).lower() not in _ASSET_TLDS:
            yield "email", m.start(), m.group(0)
    for m in OBFUSCATED_EMAIL_RE.finditer(text):
        yield "email", m.start(), m.group(0)
    for start, end in privacy.disguised_email_spans(text):
        yield "email", start, text[start:end]


def _phone_matches(text: str) -> Iterator[tuple[str, int, str]]:
    for pattern in (PHONE_RE, privacy.ODD_PHONE, privacy.PHONE_WORDS):
        for m in pattern.finditer(text):
            yield "phone", m.start(), m.group(0)
    for m in _INTL_PHONE_RE.finditer(text):
        if not m.group(0).startswith(("+33", "0033")) and _valid_phone(m.group(0)):
            yield "phone", m.start(), m.group(0)


def _contact_matches(text: str, public: frozenset[str] = frozenset()) -> Iterator[tuple[str, int, str]]:
    """``(kind, position, match)`` of every e-mail, phone number, SIRET and person's name (except the ``public``
    ones: :func:`public_names`) in ``text``."""
    yield from _email_matches(text)
    yield from _phone_matches(text)
    for m in _SIRET_RE.finditer(text):
        if luhn_valid(m.group(0).replace(" ", "")):
            yield "siret", m.start(), m.group(0)
    for pattern in (privacy.CIVILITY_NAME, privacy.ROLE_NAME, privacy.NAME_ROLE):
        for m in pattern.finditer(text):
            if m.group(0) not in public:
                yield "name", m.start(), m.group(0)


def _path_matches(text: str, machine: re.Pattern | None) -> Iterator[tuple[str, int, str]]:
    if machine is not None:
        for m in machine.finditer(text):
            yield "path", m.start(), m.group(0)


def _identifier_matches(text: str, patterns) -> Iterator[tuple[str, int, str]]:
    folded = " ".join(text.split()).casefold() if patterns else ""
    for raw, pat, key in patterns:
        if key not in folded:  # cheap filter before the regular expression
            continue
        m = pat.search(text)
        if m:
            yield "identifier", m.start(), raw


def machine_paths(folders: Iterable[str | os.PathLike]) -> re.Pattern | None:
    """A pattern of the absolute paths of ``folders`` (and anything below them), each a whole folder name:
    ``/home/ana`` finds ``/home/ana/x.csv``, not ``/home/anabel``; the root ``/`` alone is left out.

    >>> machine_paths(["/home/ana"]).findall("voir /home/ana/etude/x.csv, pas /home/anabel")
    ['/home/ana/etude/x.csv']
    """
    spellings = set()
    for folder in folders:
        if not folder:
            continue
        for text in (os.path.abspath(os.fspath(folder)), str(Path(folder).resolve())):
            text = text.rstrip("/\\")
            if len(text) > 1:
                spellings.add(text)
    if not spellings:
        return None
    body = "|".join(re.escape(t) for t in sorted(spellings, key=len, reverse=True))
    return re.compile(rf"(?<![\w.~-])(?:{body})(?:[/\\][^\s\"'<>()|,;]*)?(?![\w.~-])")


def public_names() -> frozenset[str]:
    """The people's names the study's reference files cite (authors of public sources: « M. Bourquin », rapporteur
    of a Senate report): named on purpose, never a respondent, so never a finding.

    >>> "M. Bourquin" in public_names()
    True
    """
    found: set[str] = set()
    folder = paths.reference_dir()
    files = sorted(folder.glob("*.csv")) + sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        found |= {m.group(0) for pattern in (privacy.CIVILITY_NAME, privacy.ROLE_NAME, privacy.NAME_ROLE)
                  for m in pattern.finditer(text)}
    return frozenset(found)



class Searched(list):
    """The raw identifiers' patterns (:func:`forbidden_patterns`), the pattern of the machine's folders
    (``machine``: :func:`machine_paths`) and the names public sources cite (``public``: :func:`public_names`): what
    every reader of a file passes on to :func:`scan_text`."""

    machine: re.Pattern | None = None
    public: frozenset[str] = frozenset()


# What an SVG draws rather than says: path data, coordinates, sizes, transforms, styles, ids and links to them.
_SVG_SAYS = ("alt", "title", "aria-label", "aria-description", "content", "href", "xlink:href")
_SVG_ATTRIBUTE = re.compile(r"""\s([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SVG_TAG = re.compile(r"<(?!!--)[^<>]*>")
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.IGNORECASE | re.DOTALL)
INLINE_SVG = re.compile(r"<svg\b.*?</svg\s*>", re.IGNORECASE | re.DOTALL)


def svg_text(markup: str) -> str:
    """The text an SVG shows or says: its text nodes and comments (matplotlib writes each label there too), and
    the attributes that hold words (``alt``, ``title``, ``aria-label``, links other than ``#id`` and ``data:``);
    never its drawing instructions (path data, coordinates, transforms, styles), whose numbers are no identifier.

    >>> " ".join(svg_text('<svg><path d="M 1003 2900 Q 2900 1003"/><!-- Freins --><text x="1">M. Dupont</text></svg>'
    ...                   ).split())
    'Freins M. Dupont'
    """
    kept: list[str] = []
    for m in _SVG_TAG.finditer(_STYLE_BLOCK.sub(" ", markup)):
        for name, dq, sq in _SVG_ATTRIBUTE.findall(m.group(0)):
            value = dq or sq
            if name.lower() in _SVG_SAYS and not value.startswith(("#", "data:")):
                kept.append(value)
    text = _SVG_TAG.sub(" ", _STYLE_BLOCK.sub(" ", markup)).replace("<!--", " ").replace("-->", " ")
    return " ".join(kept) + text if kept else text



def matches(text: str, searched: Searched | list, machine: re.Pattern | None = None
            ) -> list[tuple[str, int, str]]:
    """``(kind, position, match)`` of everything :mod:`etude.safety.audit` reports in ``text``: contacts and names
    (not the public ones ``searched.public``), machine paths (``machine``, else ``searched.machine``), raw
    identifiers (``searched``'s patterns)."""
    machine = machine if machine is not None else getattr(searched, "machine", None)
    return [*_contact_matches(text, getattr(searched, "public", frozenset())), *_path_matches(text, machine),
            *_identifier_matches(text, searched)]
