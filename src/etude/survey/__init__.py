"""The survey layer: exports in, one tidy respondent table per questionnaire out.

A *study file* (YAML, e.g. ``data/demo/etude.yaml``) lists, for each questionnaire (``buyers``, ``companies``), the
export of every wave. :func:`load_study` reads them all into one respondent table per questionnaire, whose columns
are described in ``docs/contracts.md`` §1; :func:`study_inputs` gives the provenance of every input (path,
sha256, format, simulated) for the run manifest.

Exports can be CSV (separator ``,``, ``;`` or tab; UTF-8, UTF-8 with BOM or cp1252) or XLSX (first sheet or a named
one, title rows above the header tolerated). Multi-select questions may be **wide** (one column per item, headers
``Question [Item label]``, cells ``Oui``/``Y``/``1``/``X``/empty) or **packed** (one column, chosen labels joined by
``, `` or ``;``; labels may contain commas, so known labels are matched longest first). Headers and values are
matched against the codebook (case, accents and spacing ignored, :func:`etude.survey.codebook.variants`); a YAML
*mapping file* covers other headers and labels. Every problem is reported at once
(:class:`etude.errors.InputError`), never silently dropped.

Raw files are only read. Identifiers become salted pseudonyms and free text loses contact details
(:mod:`etude.survey.privacy`) before anything leaves this package.

The modules, in the order data flows through them:

========================  ===========================================================================
:mod:`.study`             study files, :func:`load_study`, :func:`study_inputs`
:mod:`.mapping`           mapping files (:func:`load_mapping`)
:mod:`.readers`           CSV and XLSX read as rows of strings (:func:`read_rows`)
:mod:`.fields`            the typed :class:`Fields` of a questionnaire; what each header holds
:mod:`.checks`            header row, packed labels, cell checks (pandera)
:mod:`.exports`           one export parsed (:func:`load_export`, :func:`validate`)
:mod:`.tables`            the respondent-table contract (:func:`respondent_schema`, :func:`empty_table`)
:mod:`.context`           a notebook's study and parameters read once (:func:`context`, :class:`Context`)
========================  ===========================================================================

Examples
--------
>>> from etude import survey
>>> tables = survey.load_study()
>>> tables["buyers"].query("wave == 2017").shape[0]
27
>>> tables["companies"].query("wave == 2017").shape[0]
90
>>> survey.study_inputs()[["population", "wave", "format", "simulated"]].head(2).to_string(index=False)
'population  wave format  simulated\\n    buyers  2017    csv       True\\n    buyers  2018   xlsx       True'
"""
from __future__ import annotations

from etude.survey.context import Context, context
from etude.survey.exports import ExportEntry, load_export, not_asked, parse_export, validate
from etude.survey.fields import FALSE_VALUES, TRUE_VALUES, Fields, build_fields
from etude.survey.mapping import load_mapping
from etude.survey.readers import ENCODINGS, FORMATS, SEPARATORS, read_rows
from etude.survey.study import load_study, read_study, study_inputs, validate_study
from etude.survey.tables import empty_table, problems_table, respondent_schema

__all__ = [
    "context", "Context", "read_study", "study_inputs", "load_study", "validate_study", "load_export", "parse_export",
    "ExportEntry", "validate", "not_asked",
    "read_rows", "load_mapping", "build_fields", "Fields", "respondent_schema", "empty_table", "problems_table",
    "FORMATS", "ENCODINGS", "SEPARATORS", "TRUE_VALUES", "FALSE_VALUES",
]
