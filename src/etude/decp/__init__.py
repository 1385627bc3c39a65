"""Open procurement data (DECP): read, clean, locate and count contracts per notification year.

DECP (*données essentielles de la commande publique*) are the contract-level data French public buyers
must publish. This package reads them in three layouts and turns them into one **records** table (one row per
contract, columns :data:`RECORD_COLUMNS`):

* the 2017 regulatory JSON ``{"marches": [...]}`` (arrêté du 14 avril 2017);
* the 2022+ JSON (« DECP v2 »), also as published on data.gouv.fr ``{"marches": {"marche": [...]}}``,
  with holders nested as ``{"titulaire": {...}}`` and the ``marcheInnovant`` flag;
* the consolidated **tabular** DECP (CSV or Parquet, 58 columns, from the ``decp-processing`` pipeline): one
  row per contract × holder and per modification. A contract is one distinct ``uid`` having a current row
  (``donneesActuelles``); its notification date, amount and holders are those of its initial version
  (lowest ``modification_id``), so that both formats count the amount *as notified*.

JSON files may be plain or zipped (a ``.zip`` holding ``.json`` files); a ZIP that would inflate beyond
``max_unzipped`` bytes (default 4 Gio) is refused before it is inflated.

**Modules**: :mod:`~etude.decp.rules` (the rules on one value), :mod:`~etude.decp.jsonfile` and
:mod:`~etude.decp.tabular` (readers), :mod:`~etude.decp.records` (the records table),
:mod:`~etude.decp.engine` (DuckDB: bounded connection, records table in SQL, rules joined by value),
:mod:`~etude.decp.reading` (:func:`read_decp`), :mod:`~etude.decp.summary` (rule counts),
:mod:`~etude.decp.region` (one region's filter), :mod:`~etude.decp.geography` (regions, départements),
:mod:`~etude.decp.indicators` (yearly counts), :mod:`~etude.decp.panel` (the indicator panel with fill rates
and intervals), :mod:`~etude.decp.regions` (every region, funnel limits), :mod:`~etude.decp.demo` (a
simulated consolidated extract), :mod:`~etude.decp.command` (``etude decp``, which returns its results;
:mod:`etude.publish.present.decp` words them, :mod:`etude.cli` prints them). Numbers and codes only: no
reader-facing word is written here but the French diagnostics of the rules, like error messages.

**Rules**, each counted in a summary table (``rule, n_records, detail``, in French), never applied silently:

1. concession contracts are set aside (they are not *marchés*);
2. exact duplicates (the same record text, compared by a 96-bit fingerprint) are dropped, the first kept;
3. records sharing an ``id`` (same buyer) with different content are *lots*: kept, and counted;
4. labels of ``nature`` and ``procedure`` are harmonised (case, accents, apostrophes, the 2019 and 2022
   renamings); an unknown procedure is kept as written and counted;
5. the notification date must be a real calendar day between 2000 and today (``2019-02-30`` is not):
   otherwise the record is left out of every per-year figure and counted; a time or time zone after the day
   is dropped (counted);
6. amounts are read from numbers or text (``"30000.00"``, ``"1 234,50 €"``); a missing, unreadable (``NaN``,
   ``1e309``, a 400-digit integer…) or negative amount leaves the record out of the amount figures only; an
   absurd amount (≥ 10¹⁰ €, or a run of at
   least seven 9s such as 99 999 999) is flagged and never summed; a zero amount is kept and counted;
7. a contract without holder counts as a contract, not in the holder counts.

**Region** (:func:`filter_region`): the first of these rules that decides, in this order —

1. the buyer's region code (tabular column ``acheteur_region_code``; Hauts-de-France = ``32``);
2. the buyer's département code (tabular column ``acheteur_departement_code``);
3. the buyer's SIREN when it is a local public body (first two digits 21–28: communes, départements,
   régions, groupings, syndicates, local public establishments): digits 3–4 are its département
   (3–5 overseas);
4. the place of performance ``lieuExecution``, read *by its code type*: a postal code ``59xxx`` → 59; a commune
   (INSEE) code ``59350`` → 59; an arrondissement or canton code → its first two digits; a « Code département »
   ``59`` → 59; a « Code région » is a region (``32``, or the former ``31`` Nord-Pas-de-Calais and ``22``
   Picardie); a NUTS code (``FRE…``) is read as NUTS; a country code is outside the region. A code that does
   not fit its type (« Code département » ``62041``) or a missing type decides nothing.

A record no rule decides is excluded from the regional figures and counted.

Examples
--------
>>> parse_amount("1 234,50 €")
(1234.5, 'text_fr')
>>> parse_date("2019-02-30")
(None, 'invalid')
>>> normalise_procedure("Appel d offres ouvert")
"Appel d'offres ouvert"
>>> place_departement("59350", "Code commune"), place_departement("59", "Code région")
(('departement', '59'), ('region', '59'))
"""
from __future__ import annotations

from etude.decp.command import DecpReport, check_out_path, decp_report
from etude.decp.engine import Records
from etude.decp.geography import REGION_NAMES
from etude.decp.indicators import YEARLY_COLUMNS, innovation_share, procedure_mix, yearly_indicators
from etude.decp.panel import INDICATORS, PANEL_COLUMNS, indicator_panel
from etude.decp.reading import MAX_UNZIPPED, read_decp
from etude.decp.records import RECORD_COLUMNS, ReadCounters
from etude.decp.region import REGIONS, buyer_departement, filter_region, locate, place_departement
from etude.decp.regions import REGIONS_COLUMNS, assign_regions, funnel_limits, regions_panel
from etude.decp.rules import (
    AMOUNT_USABLE,
    COMPETITIVE_PROCEDURES,
    DATE_USABLE,
    INNOVATION_PROCEDURES,
    MAX_AMOUNT,
    PROCEDURES,
    normalise_nature,
    normalise_procedure,
    parse_amount,
    parse_date,
    parse_flag,
)
from etude.decp.summary import SUMMARY_COLUMNS, quality_summary
from etude.decp.tabular import TABULAR_COLUMNS

__all__ = [
    "read_decp", "filter_region", "locate", "yearly_indicators", "procedure_mix", "innovation_share",
    "quality_summary", "decp_report", "Records", "check_out_path", "DecpReport", "ReadCounters",
    "indicator_panel", "regions_panel", "assign_regions", "funnel_limits",
    "parse_amount", "parse_date", "parse_flag", "normalise_procedure", "normalise_nature", "place_departement",
    "buyer_departement",
    "RECORD_COLUMNS", "SUMMARY_COLUMNS", "YEARLY_COLUMNS", "TABULAR_COLUMNS", "REGIONS", "PROCEDURES",
    "INNOVATION_PROCEDURES", "MAX_AMOUNT", "MAX_UNZIPPED", "AMOUNT_USABLE", "DATE_USABLE",
    "COMPETITIVE_PROCEDURES", "INDICATORS", "PANEL_COLUMNS", "REGIONS_COLUMNS", "REGION_NAMES",
]
