"""Every path the project uses, in one place.

Paths resolve from this file's location, never from the working directory, so a notebook
run from the repository root, from ``notebooks/`` or by papermill finds the same files.
``ETUDE_ROOT`` overrides the repository root (used by tests that work on a temporary copy).

Examples
--------
>>> from etude import paths
>>> paths.codebook_file().name
'codebook.yaml'
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "root", "data_dir", "codebook_file", "reference_dir", "demo_dir", "default_study",
    "notebooks_dir", "outputs_dir", "shared_dir", "assets_dir", "PACKAGE_DIR",
]

#: The installed package folder (``src/etude``); holds the package's own assets.
PACKAGE_DIR = Path(__file__).resolve().parent


def root() -> Path:
    """Repository root: ``$ETUDE_ROOT`` if set, else two levels above the package (``src/etude`` → root)."""
    env = os.environ.get("ETUDE_ROOT")
    return Path(env).resolve() if env else PACKAGE_DIR.parents[1]


def data_dir() -> Path:
    """``data/``: codebook, reference tables, demo exports (committed, never modified by a run)."""
    return root() / "data"


def codebook_file() -> Path:
    """The bilingual codebook (``data/codebook/codebook.yaml``)."""
    return data_dir() / "codebook" / "codebook.yaml"


def reference_dir() -> Path:
    """Published figures with their sources (``data/reference/*.csv``)."""
    return data_dir() / "reference"


def demo_dir() -> Path:
    """Simulated demo exports and the demo study file (``data/demo/``)."""
    return data_dir() / "demo"


def default_study() -> Path:
    """The study file used when none is given: the demo study."""
    return demo_dir() / "etude.yaml"


def notebooks_dir() -> Path:
    """The study notebooks (``notebooks/NN_name.ipynb``)."""
    return root() / "notebooks"


def outputs_dir() -> Path:
    """Where runs write their folders (``outputs/``; generated, not committed)."""
    return root() / "outputs"


def shared_dir() -> Path:
    """``../shared`` beside the repository: seeds, research notes, real DECP files for tests."""
    return Path(os.environ.get("ETUDE_SHARED", root().parent / "shared")).resolve()


def assets_dir() -> Path:
    """Static assets shipped with the package (report styles, reveal.js for offline slides)."""
    return PACKAGE_DIR / "assets"
