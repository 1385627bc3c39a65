"""Optional imports the package never needs, kept out of every process that imports it.

``jsonschema`` (used by nbformat and by the study and mapping schemas of :mod:`etude.survey`) imports the optional
``rfc3987_syntax`` only to check ``iri`` string formats, which none of these schemas use; importing it compiles a
grammar, which costs seconds per process: in the engine, and in every notebook kernel that reads a study.

Examples
--------
>>> skip_slow_optional_imports()
>>> import jsonschema  # fast, and without IRI format checks
"""
from __future__ import annotations

import sys

__all__ = ["skip_slow_optional_imports", "SKIPPED"]

#: Modules made unimportable (``import`` raises ImportError, which their importers expect of optional modules).
SKIPPED = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Keep ``jsonschema`` from importing :data:`SKIPPED` in this process (no effect once it is imported)."""
    if "jsonschema" in sys.modules:
        return
    for name in SKIPPED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
