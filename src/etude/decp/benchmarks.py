"""Published national and European figures that a DECP indicator can be read beside, each with its scope.

:data:`BENCHMARKS` says which reference rows (``data/reference/*.csv``, read by
:func:`etude.survey.reference.load_reference`) go with which panel indicator. None is the DECP's scope (the
OECP census counts contracts of at least 90 000 € HT, the State Purchasing Directorate State contracts above
40 000 € HT, the 2010 European study contracts above the EU thresholds): they are shown in a table with their
``perimeter`` beside them, never on the axis of a DECP figure. An indicator with no published figure (the
single-bid rate) has no row: nothing is invented.

Examples
--------
>>> rows = comparison_rows()
>>> sorted(set(rows["panel_indicator"]))
['environmental', 'innovative_value', 'sme_count', 'sme_value', 'social']
>>> rows.query("panel_indicator == 'sme_count' and period == '2022'")["value"].tolist()
[0.608]
"""
from __future__ import annotations

import pandas as pd

from etude.survey import reference

__all__ = ["BENCHMARKS", "comparison_rows"]

#: Panel indicator → reference rows (table, indicator codes) read beside it.
BENCHMARKS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "innovative_value": [("objectif_2pct", ("objectif_part_achats_innovants", "part_achats_innovants"))],
    "sme_count": [("oecp_recensement", ("part_pme_nombre",)), ("ue_pme_marches_2010", ("part_pme_nombre_ue",))],
    "sme_value": [("oecp_recensement", ("part_pme_valeur",)), ("ue_pme_marches_2010", ("part_pme_valeur_ue",))],
    "social": [("oecp_recensement", ("clauses_sociales_nombre", "clauses_sociales_valeur",
                                     "clauses_sociales_base_non_precisee"))],
    "environmental": [("oecp_recensement", ("clauses_env_nombre", "clauses_env_valeur",
                                            "clauses_env_base_non_precisee")),
                      ("dae_considerations_environnementales", ("part_consideration_env_etat",))],
}


def comparison_rows(indicators=None, *, directory=None) -> pd.DataFrame:
    """The reference rows of :data:`BENCHMARKS` (all indicators, or ``indicators``), with ``panel_indicator``
    first; each row keeps its ``perimeter``, ``source``, ``source_url`` and ``status``."""
    frames = []
    for name in indicators or BENCHMARKS:
        for table, codes in BENCHMARKS.get(name, []):
            ref = reference.load_reference(table, directory=directory)
            ref = ref[ref["indicator"].isin(codes)]
            frames.append(ref.assign(panel_indicator=name))
    if not frames:
        return pd.DataFrame(columns=["panel_indicator", "table", *reference.COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    return out[["panel_indicator", *[c for c in out.columns if c != "panel_indicator"]]]
