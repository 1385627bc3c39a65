"""Publishing: every word and number a reader sees, and the deliverables of a run.

The engine reaches this layer through this module only (:func:`localised`, :func:`prepare_assembly`,
:func:`write_notebook_files`, :func:`assemble`, :func:`write_workbook`, :func:`study_name`); notebooks import its
modules directly (``from etude.publish import outputs, plots, present``).

========================  ===========================================================================
:mod:`.outputs`           tables and figures written by notebooks into their run folder
:mod:`.present`           tables formatted and escaped, result sentences, captions
:mod:`.plots`             the house style and the study's charts
:mod:`.figtext`           chart text that never overlaps, slide-size images
:mod:`.fmt`               number formats
:mod:`.column_labels`     column headers of the written tables
:mod:`.report`            pages, ``report.html`` and ``slides.html``
:mod:`.spine`             the deck's outline, the restitution's
:mod:`.deck`              ``slides.pptx``
:mod:`.pdf`               ``report.pdf``
:mod:`.workbook`          ``tables/tables.xlsx``
:mod:`.runinfo`           what the deliverables say about a run
:mod:`.reference_text`    the reference tables' words and units in the reader's language
:mod:`.localise`          a notebook's keyed markdown in the run's language
:mod:`.assemble`          a run's deliverables put together
:mod:`.odf`               ``slides.odp`` and ``tables.ods`` (``--odf``, with LibreOffice)
========================  ===========================================================================
"""
from __future__ import annotations

from etude.publish.assemble import (
    Assembly,
    assemble,
    pdf_engine,
    prepare_assembly,
    run_info,
    run_subtitle,
    write_notebook_files,
    write_workbook,
)
from etude.publish.localise import localised
from etude.publish.odf import write_odf
from etude.publish.runinfo import study_name

__all__ = ["Assembly", "assemble", "prepare_assembly", "run_subtitle", "run_info", "pdf_engine", "write_notebook_files",
           "write_workbook", "write_odf", "localised", "study_name"]
