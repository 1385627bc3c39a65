"""Privacy at the door: salted pseudonyms for identifiers, contact details removed from free text.

Survey exports carry personal data (respondent ids, e-mail addresses, names, phone numbers, SIRET, company
names). The loaders in :mod:`etude.data` replace the respondent key by a stable salted pseudonym
(``A-xxxxxxxx`` for buyers, ``E-xxxxxxxx`` for companies: HMAC-SHA256 of the raw value, first hex digits),
drop every raw identifier column, and pass free-text answers through :func:`scrub_text`.

The salt never lives in the repository: it comes from the ``ETUDE_SALT`` environment variable, or else from the
git-ignored file ``.etude-salt`` at the repository root, generated on first use. The same salt gives the same
pseudonyms run after run; another salt gives unlinkable ones.

Examples
--------
>>> scrub_text("Écrire à jeanne.martin@example.org ou au 03 53 01 12 34.")
'Écrire à [courriel supprimé] ou au [téléphone supprimé].'
>>> pseudonymise(["R-001", "R-002", "R-001"], "A", salt="démo")
['A-4623587c', 'A-561b21c6', 'A-4623587c']
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

__all__ = ["SALT_ENV", "SALT_FILE", "EMAIL_TOKEN", "PHONE_TOKEN", "load_salt", "pseudonymise", "scrub_text",
           "PSEUDONYM_PATTERN"]

#: Environment variable holding the salt (wins over the file).
SALT_ENV = "ETUDE_SALT"
#: Name of the local salt file at the repository root (listed in ``.gitignore``).
SALT_FILE = ".etude-salt"
#: What replaces an e-mail address in free text.
EMAIL_TOKEN = "[courriel supprimé]"
#: What replaces a phone number in free text.
PHONE_TOKEN = "[téléphone supprimé]"
#: Regular expression every pseudonym matches.
PSEUDONYM_PATTERN = r"^[A-Z]-[0-9a-f]{8,}$"

_HEX_DIGITS = 8

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+(?:@|\s?\[at\]\s?|\s?\(at\)\s?)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# French numbers: 0X XX XX XX XX, +33 X XX XX XX XX, +33 (0)X …, 0033 X …; separators space, dot, dash or none.
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)\s?33[\s.\-]?(?:\(0\)[\s.\-]?)?[1-9]|0[1-9])(?:[\s.\-]?\d{2}){4}(?!\d)")


def load_salt(*, create: bool = True) -> bytes:
    """The pseudonymisation salt: ``$ETUDE_SALT``, else the file ``.etude-salt`` at the repository root.

    Parameters
    ----------
    create : bool, default True
        Generate the file (64 random hex characters) when neither source exists. With ``False`` a missing salt
        raises ``FileNotFoundError``.
    """
    env = os.environ.get(SALT_ENV)
    if env:
        return env.encode("utf-8")
    path = paths.root() / SALT_FILE
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"aucun sel : définir {SALT_ENV} ou créer {path}")
        _create_salt_file(path)
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ValueError(f"le fichier de sel {path} est vide : le supprimer pour en générer un nouveau")
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
    """Stable salted pseudonyms ``{prefix}-{8 hex}`` (HMAC-SHA256 of each value).

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
    ['E-b60dee2b', 'E-b60dee2b', None]
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
        out.append(f"{prefix}-{digest[:_HEX_DIGITS]}")
    return out


def scrub_text(s: Any) -> Any:
    """Remove e-mail addresses and French phone numbers from free text.

    Non-strings (None, NaN) are returned unchanged.

    >>> scrub_text("Tél. +33 (0)6 39 98 00 01, ou 06.39.98.00.02 ; fax 0353011234")
    'Tél. [téléphone supprimé], ou [téléphone supprimé] ; fax [téléphone supprimé]'
    >>> scrub_text("SIRET 00012345678901 et 2 500 salariés")
    'SIRET 00012345678901 et 2 500 salariés'
    """
    if not isinstance(s, str):
        return s
    s = _EMAIL.sub(EMAIL_TOKEN, s)
    return _PHONE.sub(PHONE_TOKEN, s)
