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

__all__ = ["SaltError", "SALT_ENV", "SALT_FILE", "EMAIL_TOKEN", "PHONE_TOKEN", "SIRET_TOKEN", "load_salt",
           "pseudonymise", "scrub_text", "luhn_valid", "PSEUDONYM_PATTERN", "PSEUDONYM_HEX_DIGITS"]

#: Environment variable holding the salt (wins over the file).
SALT_ENV = "ETUDE_SALT"
#: Name of the local salt file at the repository root (listed in ``.gitignore``).
SALT_FILE = ".etude-salt"
#: What replaces an e-mail address in free text.
EMAIL_TOKEN = "[courriel supprimé]"
#: What replaces a phone number in free text.
PHONE_TOKEN = "[téléphone supprimé]"
#: What replaces a SIREN or SIRET number in free text.
SIRET_TOKEN = "[SIRET supprimé]"
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


class SaltError(EtudeError, ValueError):
    """The salt file cannot give a salt (empty, not UTF-8 text, unreadable): a message, never a traceback."""


def load_salt(*, create: bool = True) -> bytes:
    """The pseudonymisation salt: ``$ETUDE_SALT``, else the file ``.etude-salt`` at the repository root.

    Parameters
    ----------
    create : bool, default True
        Generate the file (64 random hex characters) when neither source exists. With ``False`` a missing salt
        raises ``FileNotFoundError``.

    Raises
    ------
    SaltError
        The salt file is empty, not UTF-8 text, or unreadable (a folder, no permission): the message names it and
        says what to do. (A ``ValueError`` too: callers that only want a fingerprint treat it as « no salt ».)
    """
    env = os.environ.get(SALT_ENV)
    if env:
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
    return value.encode("utf-8")


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
        digest = hmac.new(key, str(v).strip().encode("utf-8"), hashlib.sha256).hexdigest()
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
    """Remove e-mail addresses, phone numbers and SIREN/SIRET numbers from free text.

    Non-strings (None, NaN) are returned unchanged.

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
    s = _SIRET.sub(_siret, s)
    s = _PHONE.sub(PHONE_TOKEN, s)
    return _international_phones(s) if _DIGIT.search(s) else s
