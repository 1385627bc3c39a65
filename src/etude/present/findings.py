"""Sentences that state a result, generated from the numbers (French and English)."""
from __future__ import annotations

__all__: list[str] = []
