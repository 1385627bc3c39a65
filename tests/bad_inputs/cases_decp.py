"""Bad-input cases for DECP files (``etude decp``); same case shape as ``make_cases`` (its docstring).

``make_cases.cases()`` appends these after its own cases.
"""
from __future__ import annotations

__all__ = ["cases"]


def cases() -> list[dict]:
    """This area's cases, in order."""
    return []
