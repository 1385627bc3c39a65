"""Privacy at the door: salted pseudonyms for identifiers, contact details removed from free text.

Survey exports carry personal data (respondent ids, e-mail addresses, names, phone numbers, SIRET, company
names). The loaders in :mod:`etude.survey` replace the respondent key by a stable salted pseudonym
(``A-`` for buyers, ``E-`` for companies, then 16 hex digits: the first 64 bits of the HMAC-SHA256 of the raw
value, so that a false « doublon » stays out of reach even for millions of respondents), drop every raw
identifier column, and pass free-text answers and open-text attributes through :func:`scrub_text`: e-mail
addresses (accented ones too), phone numbers (French ones by pattern, international ones validated by the
``phonenumbers`` library) and SIREN/SIRET numbers (9 or 14 digits passing the Luhn check) become a token.

The salt never lives in the repository: it comes from the ``ETUDE_SALT`` environment variable, or else from the
git-ignored file ``.etude-salt`` at the repository root, generated on first use. The same salt gives the same
pseudonyms run after run; another salt gives unlinkable ones.

Examples
--------
>>> scrub_text("Écrire à jeanne.martin@example.org ou au 03 53 01 12 34.")
'Écrire à [courriel supprimé] ou au [téléphone supprimé].'
>>> pseudonymise(["R-001", "R-002", "R-001"], "A", salt="démo")
['A-4623587c9fbd56f0', 'A-561b21c6a4789061', 'A-4623587c9fbd56f0']
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from etude import paths
from etude.errors import EtudeError

__all__ = ["NAME_TOKEN", "TOKENS", "personal_looking", "CIVILITY_NAME", "ROLE_NAME", "NAME_ROLE",
           "disguised_emails", "disguised_email_spans", "PHONE_WORDS", "ODD_PHONE", "SaltError", "SALT_ENV",
           "SALT_FILE", "NONCE_FILE",
           "salt_problem", "salt_fingerprint", "SALT_MIN_LENGTH", "SALT_MIN_DISTINCT", "SALT_MIN_BITS", "SALT_RECIPE",
           "EMAIL_TOKEN", "PHONE_TOKEN", "SIRET_TOKEN", "load_salt",
           "pseudonymise", "scrub_text", "luhn_valid", "PSEUDONYM_PATTERN", "PSEUDONYM_HEX_DIGITS"]

#: Environment variable holding the salt (wins over the file).
SALT_ENV = "ETUDE_SALT"
#: Name of the local salt file at the repository root (listed in ``.gitignore``).
SALT_FILE = ".etude-salt"
#: Beside it, the installation's random key of salt fingerprints (:func:`salt_fingerprint`; also git-ignored).
NONCE_FILE = ".etude-salt-nonce"
#: What replaces an e-mail address in free text.
EMAIL_TOKEN = "[courriel supprimé]"
#: What replaces a phone number in free text.
PHONE_TOKEN = "[téléphone supprimé]"
#: What replaces a SIREN or SIRET number in free text.
SIRET_TOKEN = "[SIRET supprimé]"
#: What replaces a person's name (introduced by a civility or next to a role) in free text.
NAME_TOKEN = "[nom supprimé]"
#: Every token the scrubber writes.
TOKENS = (EMAIL_TOKEN, PHONE_TOKEN, SIRET_TOKEN, NAME_TOKEN)
#: Hex digits of a pseudonym after its prefix (64 bits).
PSEUDONYM_HEX_DIGITS = 16
#: Regular expression every pseudonym matches.
PSEUDONYM_PATTERN = rf"^[A-Z]-[0-9a-f]{{{PSEUDONYM_HEX_DIGITS}}}$"

# \w: accented local parts and domains (josé.garcía@exemple.fr) are addresses too. Linear time: the local part
# starts only where a run of its characters starts (look-behind) and is taken whole, never given back (possessive
# ++): the former « [\w.%+\-]+ » retried every start inside a long run of letters or dashes, 20,000 of them in 19 s.
# After the « @ », a domain can only run to the next « @ »: each is read once.
_EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]++(?:@|\s?\[at\]\s?|\s?\(at\)\s?)[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}")
# French numbers: 0X XX XX XX XX, +33 X XX XX XX XX, +33 (0)X …, 0033 X …; separators space, dot, dash, slash or none.
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)\s?33[\s./\-]?(?:\(0\)[\s./\-]?)?[1-9]|0[1-9])(?:[\s./\-]?\d{2}){4}(?!\d)")
_DIGIT = re.compile(r"\d")
# 9 (SIREN) or 14 (SIRET) digits, grouped by spaces or dots as people write them
_SIRET = re.compile(r"(?<![\d.])\d(?:[ .\u00a0]?\d){8}(?:(?:[ .\u00a0]?\d){5})?(?![\d])")


# A person's name, one to three words: « Jean », « Lefèvre-Martin », « DUPONT », an initial « J. ». Possessive
# (++, *+): a word is read once and never given back, so that a long run of capitals stays linear.
_UP = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
_NAME_WORD = rf"(?:[{_UP}]\.|[{_UP}][\w'’]*+(?:-[{_UP}][\w'’]*+)*+)"
_NAME = rf"{_NAME_WORD}(?:[ \u00a0]++{_NAME_WORD}){{0,2}}+"
# two or three capitalised words, as a name is written without civility (« Jean Dupont »)
_FULL_NAME = rf"{_NAME_WORD}(?:[ \u00a0]++{_NAME_WORD}){{1,2}}+"
_CIVILITY = (r"(?:M\.|Mr\.?|MM\.|Mme\.?|Mmes|Mlle\.?|Mlles|Monsieur|Madame|Mademoiselle|Messieurs|Mesdames|Dr\.?|"
             r"Docteur|Pr\.?|Professeur|Me\.?|Maître)")
_ROLE = (r"(?:acheteur|acheteuse|DAF|DSI|DGS|DGA|directeur|directrice|responsable|chef|cheffe|juriste|gestionnaire|"
         r"chargée?|référente?|interlocut(?:eur|rice)|contact|correspondante?|élue?|maire|adjointe?|président|"
         r"présidente|ingénieure?|technicien(?:ne)?|assistante?|secrétaire)")
#: A civility and the name after it: « M. Jean Dupont », « Mme Françoise Lefèvre-Martin », « Dr Martin ».
CIVILITY_NAME = re.compile(rf"(?<![\w.]){_CIVILITY}(?![\w])[ \u00a0]*+{_NAME}")
#: A role, a colon or a dash, then a name: « acheteur : Jean Dupont », « DAF – Jean Dupont » (without the colon,
#: a heading such as « Chargé Concordance Statut » would read as one).
ROLE_NAME = re.compile(rf"(?<![\w])(?i:{_ROLE})(?![\w])[ \u00a0]*+[:\-–—][ \u00a0]*+{_FULL_NAME}")
#: A name, then its role: « Jean Dupont, acheteur », « Jean Dupont (DAF) », « Jean Dupont - DAF ».
NAME_ROLE = re.compile(rf"(?<![\w'’\-]){_FULL_NAME}(?=[ \u00a0]*+(?:[,(\-–—/][ \u00a0]*+)(?i:{_ROLE})(?![\w]))")

# An e-mail written to dodge robots: « jean point dupont arobase ville-lille point fr », « jean.dupont @ ville .
# fr », « jean [at] ville (dot) fr ». Found from its « at » (each read once), then widened over a bounded window on
# each side: linear whatever the text.
_AT = re.compile(r"[ \u00a0]*(?:@|\[[ \u00a0]*(?:at|arobase|a)[ \u00a0]*\]|\([ \u00a0]*(?:at|arobase)[ \u00a0]*\))"
                 r"[ \u00a0]*|[ \u00a0]+(?:arobase|at)[ \u00a0]+", re.IGNORECASE)
_DOT = (r"(?:[ \u00a0]*(?:\.|\[[ \u00a0]*(?:dot|point)[ \u00a0]*\]|\([ \u00a0]*(?:dot|point)[ \u00a0]*\))[ \u00a0]*"
        r"|[ \u00a0]+(?:point|dot)[ \u00a0]+)")
_DOMAIN = re.compile(rf"[\w\-]++(?:{_DOT}[\w\-]++)++", re.IGNORECASE)
# the local part, read backwards from the « at » (the text reversed: « tniop » is « point »)
_LOCAL_REVERSED = re.compile(r"[\w%+\-]++(?:(?:[ \u00a0]*(?:\.|\][ \u00a0]*(?:tod|tniop)[ \u00a0]*\[|\)[ \u00a0]*"
                             r"(?:tod|tniop)[ \u00a0]*\()[ \u00a0]*|[ \u00a0]+(?:tniop|tod)[ \u00a0]+)[\w%+\-]++)*+",
                             re.IGNORECASE)
_TLD = re.compile(r"[^\W\d_]{2,24}")
_FILE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js", "mjs", "map", "woff", "woff2", "ttf",
                    "eot", "otf", "ico", "json", "html", "ipynb", "csv", "xlsx", "py", "pdf", "txt"}
_WINDOW = 160

_ODD_SEP = r"(?:[ \t\u00a0\u202f]{1,3}+|[ \u00a0\u202f]?[_·•–—\-/.\\][ \u00a0\u202f]?|,)"
#: A French phone number with odd separators: « 06_12_34_56_78 », « 06,12,34,56,78 », « (06) 12 34 56 78 »,
#: « 06 – 12 – 34 – 56 – 78 », « 0 6 1 2 3 4 5 6 7 8 ».
ODD_PHONE = re.compile(rf"(?<![\d+,.])(?:\(0[1-9]\)|0[1-9])(?:{_ODD_SEP}\d{{2}}){{4}}(?![\d])"
                       r"|(?<![\d+,.])0(?:[ ._\-]\d){9}(?![\d])")
_NUMBER_WORDS = ("zéro|zero|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|"
                 "seize|vingts?|trente|quarante|cinquante|soixante|cent|et")
#: A phone number written in words: « zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit ».
PHONE_WORDS = re.compile(rf"(?<![\w])(?:zéro|zero)(?:[ \u00a0,\-]++(?:(?:{_NUMBER_WORDS})(?![\w])|\d{{1,2}}(?!\d)))"
                         r"{5,}+", re.IGNORECASE)


def _disguised_email(s: str, at: re.Match) -> tuple[int, int] | None:
    """The span of the e-mail around the « at » ``at``, if one is there."""
    domain = _DOMAIN.match(s, at.end(), min(len(s), at.end() + _WINDOW))
    tld = re.split(rf"{_DOT}", domain.group(0), flags=re.I)[-1] if domain else ""
    if not _TLD.fullmatch(tld) or tld.lower() in _FILE_EXTENSIONS:  # « logo@2x.png » is an image's name
        return None
    before = s[max(0, at.start() - _WINDOW):at.start()][::-1]
    local = _LOCAL_REVERSED.match(before)
    if local is None:
        return None
    return at.start() - local.end(), domain.end()


def disguised_email_spans(s: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each e-mail of ``s`` written to dodge robots (:func:`disguised_emails`), in order.

    >>> disguised_email_spans("écrire à jean [at] ville (dot) fr")
    [(9, 33)]
    """
    spans, last = [], -1
    for at in _AT.finditer(s):
        span = _disguised_email(s, at) if at.start() >= last else None
        if span is not None and span[0] >= last:
            spans.append(span)
            last = span[1]
    return spans


def disguised_emails(s: str) -> str:
    """``s`` with e-mails written to dodge robots replaced by :data:`EMAIL_TOKEN`.

    >>> disguised_emails("jean point dupont arobase ville-lille point fr, ou jean.dupont @ ville-lille . fr")
    '[courriel supprimé], ou [courriel supprimé]'
    >>> disguised_emails("Rendez-vous at home, au point de départ.")
    'Rendez-vous at home, au point de départ.'
    """
    for start, end in reversed(disguised_email_spans(s)):
        s = s[:start] + EMAIL_TOKEN + s[end:]
    return s


def _names(s: str) -> str:
    s = CIVILITY_NAME.sub(NAME_TOKEN, s)
    s = ROLE_NAME.sub(lambda m: m.group(0)[:_role_end(m.group(0))] + NAME_TOKEN, s)
    return NAME_ROLE.sub(NAME_TOKEN, s)


def _role_end(text: str) -> int:
    """Where the name starts in a :data:`ROLE_NAME` match (the role and its colon are kept)."""
    m = re.match(rf"(?i:{_ROLE})[ \u00a0]*+[:\-–—][ \u00a0]*+", text)
    return m.end() if m else 0


def personal_looking(value: object) -> bool:
    """Whether a value of « Organisme » (or any short text) holds something personal: an e-mail, a phone number,
    a SIRET, a person's name (:func:`scrub_text` changes it), or a token the scrubber wrote.

    >>> personal_looking("Mme Françoise Lefèvre-Martin (DAF)"), personal_looking("Ville de Lille")
    (True, False)
    """
    if not isinstance(value, str):
        return False
    return any(t in value for t in TOKENS) or scrub_text(value) != value


class SaltError(EtudeError, ValueError):
    """The salt file cannot give a salt (empty, not UTF-8 text, unreadable): a message, never a traceback."""


def load_salt(*, create: bool = True) -> bytes:
    """The pseudonymisation salt: ``$ETUDE_SALT``, else the file ``.etude-salt`` at the repository root.

    Either must be a salt nobody can guess (:func:`salt_problem`): a pseudonym keyed on a guessable salt gives the
    respondents' e-mails back to whoever tries a few candidates.

    Parameters
    ----------
    create : bool, default True
        Generate the file (64 random hex characters: 256 bits from :mod:`secrets`) when neither source exists.
        With ``False`` a missing salt raises ``FileNotFoundError``.

    Raises
    ------
    SaltError
        ``ETUDE_SALT`` or the file's salt is too short or too regular to be secret, or the salt file is empty, not
        UTF-8 text, or unreadable (a folder, no permission): the message names it and says what to do. (A
        ``ValueError`` too: callers that only want a fingerprint treat it as « no salt ».)
    """
    env = os.environ.get(SALT_ENV)
    if env:
        _refuse_weak(env, f"la variable {SALT_ENV}")
        return env.encode("utf-8", "surrogateescape")
    path = paths.root() / SALT_FILE
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"aucun sel : définir {SALT_ENV} ou créer {path}")
        _create_salt_file(path)
    fix = (f"le remettre tel qu'il était (les pseudonymes en dépendent), ou le supprimer pour qu'un nouveau sel "
           f"soit créé (les pseudonymes changeront), ou définir {SALT_ENV}")
    try:
        value = path.read_bytes().decode("utf-8").strip()
    except UnicodeDecodeError:
        raise SaltError(f"fichier de sel {path} illisible : ce n'est pas du texte UTF-8 ; {fix}") from None
    except OSError as exc:
        raise SaltError(f"fichier de sel {path} illisible ({exc.strerror or exc.__class__.__name__}) ; {fix}") from None
    if not value:
        raise SaltError(f"fichier de sel {path} vide ; {fix}")
    _refuse_weak(value, f"le fichier de sel {path.name}")
    return value.encode("utf-8")


#: Shortest salt accepted (characters).
SALT_MIN_LENGTH = 32
#: Fewest distinct characters a salt must hold.
SALT_MIN_DISTINCT = 10
#: Least entropy a salt must show, in bits (Shannon entropy of its characters times its length; 32 random hex
#: digits show about 115, the generated 64 about 240).
SALT_MIN_BITS = 96
#: How to make a salt, said by every refusal.
SALT_RECIPE = 'python -c "import secrets; print(secrets.token_hex(32))"'


def salt_problem(value: str) -> str | None:
    """Why ``value`` cannot serve as a salt (French), or ``None`` when it can.

    A salt is refused when it is shorter than :data:`SALT_MIN_LENGTH` characters, holds fewer than
    :data:`SALT_MIN_DISTINCT` distinct characters, shows less than :data:`SALT_MIN_BITS` bits of character entropy,
    is one block repeated, or when half of its neighbouring characters repeat or follow each other
    (``aaaa``, ``abcd``, ``0123``): such a salt is guessed, and every pseudonym with it.

    >>> salt_problem("lille2017")
    '9 caractères (au moins 32)'
    >>> salt_problem("0123456789abcdef0123456789abcdef0123456789")
    'une suite de caractères qui se suivent ou se répètent'
    >>> salt_problem(secrets.token_hex(32)) is None
    True
    """
    import math
    from collections import Counter

    if len(value) < SALT_MIN_LENGTH:
        return f"{len(value)} caractères (au moins {SALT_MIN_LENGTH})"
    counts = Counter(value)
    bits = -sum(n * math.log2(n / len(value)) for n in counts.values())
    if len(counts) < SALT_MIN_DISTINCT or bits < SALT_MIN_BITS:
        return f"trop peu de caractères différents ({len(counts)}, environ {bits:.0f} bits ; au moins {SALT_MIN_BITS})"
    if value in (value + value)[1:-1]:
        return "un même motif répété"
    steps = sum(abs(ord(b) - ord(a)) <= 1 for a, b in zip(value, value[1:]))
    if 2 * steps >= len(value) - 1:
        return "une suite de caractères qui se suivent ou se répètent"
    return None


def _refuse_weak(value: str, source: str) -> None:
    problem = salt_problem(value)
    if problem:
        raise SaltError(f"{source} ne donne pas un sel sûr : {problem} ; un sel qu'on devine redonne les "
                        f"identifiants derrière les pseudonymes. En créer un : {SALT_RECIPE}")


def _create_salt_file(path: Path) -> None:
    # written whole to a private temporary file, then linked into place: link() fails if the salt exists, so two
    # processes starting together agree on one salt and nobody ever reads a half-written file
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def _nonce(*, create: bool) -> bytes | None:
    """This installation's fingerprint key (32 random bytes, hex in :data:`NONCE_FILE`), made on first use."""
    path = paths.root() / NONCE_FILE
    if not path.exists():
        if not create:
            return None
        _create_salt_file(path)
    try:
        value = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return bytes.fromhex(value) if re.fullmatch(r"[0-9a-f]{64}", value) else None


def salt_fingerprint(*, create: bool = True) -> str | None:
    """Tells « same salt » from « other salt », and nothing more: 16 hex digits of the HMAC-SHA256 of the salt
    keyed by this installation's random nonce (:data:`NONCE_FILE`, beside the salt file, never in a run folder).

    Without the nonce nobody can test a guess of the salt against a fingerprint found in a manifest (the former
    HMAC of a constant gave ``lille2017`` back in 546 guesses). Two runs of this installation with the same
    fingerprint pseudonymise alike. ``None`` when there is no salt yet, when it is refused, or when the nonce cannot
    be read (``create=False``: nor made).

    >>> a = salt_fingerprint()
    >>> a is None or (len(a) == 16 and a == salt_fingerprint())
    True
    """
    try:
        salt = load_salt(create=False)
        key = _nonce(create=create)
    except (FileNotFoundError, ValueError, OSError):
        return None
    return None if key is None else hmac.new(key, salt, hashlib.sha256).hexdigest()[:16]


def pseudonymise(values: Iterable[Any], prefix: str, salt: str | bytes | None = None) -> list[str]:
    """Stable salted pseudonyms ``{prefix}-{16 hex}`` (the first 64 bits of the HMAC-SHA256 of each value).

    Values are compared as stripped strings, so ``" 12"`` and ``12`` give the same pseudonym.
    Missing values (None, NaN) stay None.

    Parameters
    ----------
    values : iterable
        Raw identifiers (respondent ids, e-mail addresses…).
    prefix : str
        One capital letter: ``"A"`` (buyers) or ``"E"`` (companies).
    salt : str or bytes, optional
        Default: :func:`load_salt`.

    Examples
    --------
    >>> pseudonymise([" 12", 12, None], "E", salt="s")
    ['E-b60dee2b401a59ce', 'E-b60dee2b401a59ce', None]
    """
    if not re.fullmatch(r"[A-Z]", prefix or ""):
        raise ValueError(f"prefix must be one capital letter such as 'A' or 'E', not {prefix!r}")
    key = salt if isinstance(salt, bytes) else (load_salt() if salt is None else str(salt).encode("utf-8"))
    out = []
    for v in values:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append(None)
            continue
        digest = hmac.digest(key, str(v).strip().encode("utf-8"), "sha256").hex()  # one-shot, in C
        out.append(f"{prefix}-{digest[:PSEUDONYM_HEX_DIGITS]}")
    return out


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check (SIREN, SIRET).

    >>> luhn_valid("732829320"), luhn_valid("732829321")
    (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return bool(digits) and total % 10 == 0


def _siret(m: re.Match) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    return SIRET_TOKEN if len(digits) in (9, 14) and luhn_valid(digits) else m.group(0)


def _international_phones(s: str) -> str:
    import phonenumbers

    matches = list(phonenumbers.PhoneNumberMatcher(s, "FR", leniency=phonenumbers.Leniency.VALID))
    for m in reversed(matches):
        s = s[:m.start] + PHONE_TOKEN + s[m.end:]
    return s


def scrub_text(s: Any) -> Any:
    """Remove e-mail addresses (also written « jean point dupont arobase ville point fr », « [at] », « (at) » or
    with spaces), phone numbers (also in words or with odd separators), SIREN/SIRET numbers and people's names
    introduced by a civility (« M. », « Mme », « Dr »…) or next to a role (« acheteur », « DAF »…) from free text.

    Non-strings (None, NaN) are returned unchanged. Linear in the text's length (``benchmarks/bench_scrub.py``).

    >>> scrub_text("M. Jean Dupont, acheteur ; Mme Françoise Lefèvre-Martin (DAF) ; Paul Durand (DAF)")
    '[nom supprimé], acheteur ; [nom supprimé] (DAF) ; [nom supprimé] (DAF)'
    >>> scrub_text("jean point dupont arobase ville-lille point fr ; tél. zéro six douze trente-quatre cinquante-six "
    ...            "soixante-dix-huit ou 06_12_34_56_78")
    '[courriel supprimé] ; tél. [téléphone supprimé] ou [téléphone supprimé]'

    >>> scrub_text("Tél. +33 (0)6 39 98 00 01, ou 06.39.98.00.02 ; fax 0353011234")
    'Tél. [téléphone supprimé], ou [téléphone supprimé] ; fax [téléphone supprimé]'
    >>> scrub_text("josé.garcía@exemple.fr, 03/20/12/34/56 ou +32 2 555 12 34")
    '[courriel supprimé], [téléphone supprimé] ou [téléphone supprimé]'
    >>> scrub_text("SIREN 732 829 320, SIRET 73282932000074 et 2 500 salariés en 2017")
    'SIREN [SIRET supprimé], SIRET [SIRET supprimé] et 2 500 salariés en 2017'
    """
    if not isinstance(s, str):
        return s
    s = _EMAIL.sub(EMAIL_TOKEN, s)
    s = disguised_emails(s)
    s = _SIRET.sub(_siret, s)
    s = _PHONE.sub(PHONE_TOKEN, s)
    s = ODD_PHONE.sub(PHONE_TOKEN, s)
    s = PHONE_WORDS.sub(PHONE_TOKEN, s)
    s = _names(s)
    return _international_phones(s) if _DIGIT.search(s) else s
