"""Bad-input cases of the study file's population margins (issue 31: ``margins:``); same case shape as
``make_cases`` (its docstring). Each runs ``etude validate --study`` on a study file written beside a valid export.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from bad_inputs import make_cases as mc

__all__ = ["cases"]

_COUNTS = {"etat": 150, "collectivite": 420, "sante": 90, "autre": 60}


def _margins_study(name: str, margins: dict):
    def make(folder: Path) -> list[str]:
        mc.write_csv(folder / "acheteurs_2017.csv", mc.buyers_rows())
        doc = {"title": "Étude de test", "buyers": [{"wave": 2017, "file": "acheteurs_2017.csv"}],
               "margins": {"buyers": margins}}
        (folder / name).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return ["validate", "--study", str(folder / name)]
    return make


def _margin(counts: dict, **extra) -> dict:
    return {"source": "Annuaire régional", "year": 2017, "counts": counts, **extra}


def _case(id, what, make, expect, todo, exit=1):
    return {"id": id, "fmt": "study", "what": what, "make": make, "exit": exit, "expect": expect, "todo": todo,
            "env": None}


def cases() -> list[dict]:
    """This area's cases, in order."""
    departements = {"02": 90, "59": 260, "60": 100, "62": 180, "80": 80}  # 710, not 720
    return [
        _case("ok_margins", "marges de population valides",
              _margins_study("etude_marges.yaml", {"buyer_type": _margin(_COUNTS)}), ["étude valide"], "", exit=0),
        _case("margin_unknown_group", "marge qui nomme un groupe inconnu du codebook",
              _margins_study("etude_groupe.yaml", {"buyer_type": _margin({**_COUNTS, "Ministère": 12})}),
              ["etude_groupe.yaml", "margins.buyers.buyer_type.counts", "groupe inconnu", "Ministère",
               "etat, collectivite, sante, autre"],
              "Écrire le groupe comme le codebook (code, libellé ou synonyme), ou le retirer de counts."),
        _case("margin_negative_count", "effectif de population négatif",
              _margins_study("etude_negatif.yaml", {"buyer_type": _margin({**_COUNTS, "autre": -60})}),
              ["etude_negatif.yaml", "margins.buyers.buyer_type.counts.autre", "effectif impossible", "-60"],
              "Donner un nombre entier positif ou nul de membres de la population."),
        _case("margin_missing_group", "marge sans l'effectif d'un groupe",
              _margins_study("etude_manque.yaml", {"buyer_type": _margin({"etat": 150, "collectivite": 420})}),
              ["etude_manque.yaml", "margins.buyers.buyer_type.counts", "groupe sans effectif", "sante, autre"],
              "Donner un effectif pour chaque valeur de l'attribut (0 si la population n'en compte aucun)."),
        _case("margins_not_summing", "deux marges de totaux différents",
              _margins_study("etude_totaux.yaml", {"buyer_type": _margin(_COUNTS),
                                                   "departement": _margin(departements)}),
              ["etude_totaux.yaml", "margins.buyers", "marges de totaux différents", "buyer_type : 720",
               "departement : 710"],
              "Corriger les effectifs : chaque marge d'une population compte la même population (même total)."),
        _case("margin_open_attribute", "marge sur un attribut ouvert (organisme)",
              _margins_study("etude_ouvert.yaml", {"organisation": _margin({"mel": 1})}),
              ["etude_ouvert.yaml", "margins.buyers.organisation", "attribut inconnu ou ouvert", "buyer_type"],
              "Déclarer les marges d'un attribut à valeurs fixées (type, taille, segment, département)."),
        _case("margin_missing_source", "marge sans source ni année",
              _margins_study("etude_source.yaml", {"buyer_type": {"counts": _COUNTS}}),
              ["etude_source.yaml", "margins.buyers.buyer_type.source", "clé manquante", "year"],
              "Indiquer d'où viennent les effectifs (source:) et leur année (year:)."),
    ]
