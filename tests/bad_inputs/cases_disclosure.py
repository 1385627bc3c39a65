"""Bad-input cases of statistical confidentiality (issue 27 items 1-2): small named groups and merged rows that
give their members away, found by ``etude audit``; a study file's ``publish_small_groups`` that is not a yes/no.
Same case shape as ``make_cases`` (its docstring).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from bad_inputs import make_cases as mc

__all__ = ["cases"]


def _run_with(tables: dict[str, pd.DataFrame]):
    """``etude audit`` on a run folder holding these tables only."""
    def make(folder: Path) -> list[str]:
        (folder / "run" / "tables").mkdir(parents=True)
        for name, t in tables.items():
            t.to_csv(folder / "run" / "tables" / name, index=False)
        return ["audit", str(folder / "run")]
    return make


def _merged_row() -> dict[str, pd.DataFrame]:
    """« 250 salariés et plus » (8 firms: 6 ETI, 2 GE) whose pct_all kept ETI's sixths."""
    profile = pd.DataFrame({"wave": 2018, "attribute": "size_class", "value": ["micro", "ge250"], "n": [50, 8],
                            "n_total": 58, "suppressed": False})
    grouped = pd.DataFrame({"population": "companies", "wave": 2018, "group": "size_class", "group_value": "ge250",
                            "item": ["e_moyens", "e_delais"], "n_base": 8, "count": [5, 2],
                            "pct_all": [4 / 6, 1 / 6], "suppressed": False})
    return {"profil_entreprises.csv": profile, "freins_par_groupe.csv": grouped}


def _small_named_group() -> dict[str, pd.DataFrame]:
    """The 4 collectivités of 2017 published on their own, every one citing « désintérêt »."""
    return {"freins_par_groupe.csv": pd.DataFrame({
        "population": "buyers", "wave": 2017, "group": "buyer_type", "group_value": ["etat", "collectivite"],
        "item": "b_desinteret", "n_base": [17, 4], "count": [3, 4], "pct": [3 / 17, 1.0], "suppressed": False})}


def _study(name: str, value):
    def make(folder: Path) -> list[str]:
        mc.write_csv(folder / "acheteurs_2017.csv", mc.buyers_rows())
        doc = {"title": "Étude de test", "publish_small_groups": value,
               "buyers": [{"wave": 2017, "file": "acheteurs_2017.csv"}]}
        (folder / name).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return ["validate", "--study", str(folder / name)]
    return make


def _case(id, fmt, what, make, expect, todo, exit=1):
    return {"id": id, "fmt": fmt, "what": what, "make": make, "exit": exit, "expect": expect, "todo": todo,
            "env": None}


def cases() -> list[dict]:
    """This area's cases, in order."""
    return [
        _case("merged_row_pct_all", "study", "ligne regroupée qui garde la part d'un de ses membres (ETI/GE)",
              _run_with(_merged_row()),
              ["freins_par_groupe.csv", "pct_all", "part calculée sur une partie du groupe", "entre 2 et 2"],
              "Recalculer la ligne regroupée sur ses propres répondants (stats.frequencies), puis relancer."),
        _case("small_named_group", "study", "groupe nommé de 4 acheteurs publié, tous à 100 %",
              _run_with(_small_named_group()),
              ["freins_par_groupe.csv", "groupe de 4 répondant(s) publié (moins de 5)"],
              "Laisser la règle regrouper ou masquer le groupe (publish_small_groups: true seulement par choix)."),
        _case("publish_small_groups_not_boolean", "study", "publish_small_groups qui n'est ni true ni false",
              _study("etude_petits_groupes.yaml", "oui"),
              ["etude_petits_groupes.yaml", "publish_small_groups", "type inattendu", "true ou false"],
              "Écrire publish_small_groups: true (ou false, ou retirer la clé)."),
    ]
