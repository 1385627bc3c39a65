"""Former name of :mod:`etude.survey` (the survey layer), kept so code written against ``etude.data`` still runs.

New code imports :mod:`etude.survey`; the export writer moved to :mod:`etude.demo` (:func:`etude.demo.to_export`,
:func:`etude.demo.write_export`). This module only re-exports those names and will be removed once nothing
imports it.

>>> from etude import data, survey
>>> data.load_study is survey.load_study
True
"""
from __future__ import annotations

from etude.demo import to_export, write_export
from etude.survey import (
    ENCODINGS,
    FALSE_VALUES,
    FORMATS,
    SEPARATORS,
    TRUE_VALUES,
    empty_table,
    file_sha256,
    load_export,
    load_mapping,
    load_study,
    problems_table,
    read_rows,
    read_study,
    respondent_schema,
    study_inputs,
    validate,
)

__all__ = [
    "read_study", "study_inputs", "file_sha256", "load_study", "load_export", "validate", "read_rows", "load_mapping",
    "to_export", "write_export", "respondent_schema", "empty_table", "problems_table", "FORMATS", "ENCODINGS",
    "SEPARATORS", "TRUE_VALUES", "FALSE_VALUES",
]
