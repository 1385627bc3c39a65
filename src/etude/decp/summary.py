"""What the DECP rules did, as tables ``rule, n_records, detail`` (French diagnostics, like error messages).

Every rule is counted, never applied silently: :func:`read_summary` says what reading dropped, harmonised or
kept; :func:`quality_summary` counts the date and amount rules (call it again after the regional filter).
:func:`etude.publish.present.decp.format_summary` turns a summary into text lines.

Examples
--------
>>> t = read_summary(pd.DataFrame(columns=["id", "uid", "nature", "nature_raw", "procedure", "procedure_raw"]),
...                  [("f.json", "DECP 2017", 0, 0)], ReadCounters())
>>> t["rule"].iloc[0], int(t["n_records"].iloc[0])
('enregistrements lus', 0)
"""
from __future__ import annotations

import pandas as pd

from etude.decp.records import ReadCounters
from etude.decp.rules import AMOUNT_USABLE, DATE_USABLE, MAX_AMOUNT, MIN_YEAR, PROCEDURES

__all__ = ["read_summary", "quality_summary", "SUMMARY_COLUMNS"]

#: Columns of every summary table.
SUMMARY_COLUMNS = ["rule", "n_records", "detail"]


_CLIP = 40  # characters of a value shown as an example (a 400-digit amount is cut)


def _grouped(x: float) -> str:
    """A whole number with French digit groups (narrow no-break spaces), as the other French diagnostics."""
    return f"{x:,.0f}".replace(",", "\u202f")


def _examples(records: pd.DataFrame, mask: pd.Series, column: str, field: str, k: int = 3) -> str:
    sub = records.loc[mask, ["id", "source_file", "record_no", column]].head(k)
    parts = []
    for rid, src, no, val in sub.itertuples(index=False):
        who = rid if isinstance(rid, str) and rid else f"{src} n° {no}"
        val = str(val)
        parts.append(f"{who} {field} « {val if len(val) <= _CLIP else val[:_CLIP - 1] + '…'} »")
    return ("ex. : " + " ; ".join(parts)) if parts else ""


def read_summary(records: pd.DataFrame, reads: list, counters: ReadCounters) -> pd.DataFrame:
    """The reading rules' lines: one per file read (``reads``: name, format, records, duplicate rows), then
    concessions, unreadable and coerced records, duplicates, lots, empty ids, harmonised and unknown labels."""
    n_dup, dup_examples = counters.duplicates, counters.duplicate_examples
    rows = []
    for name, form, n, dup_rows in reads:
        detail = f"{name} : {form}"
        if dup_rows:
            detail += f" ; {dup_rows} ligne(s) en double exact supprimée(s)"
        rows.append(("enregistrements lus", n, detail))
    rows.append(("contrat de concession écarté", counters.concessions,
                 "les concessions ne sont pas des marchés : hors des chiffres"))
    rows.append(("enregistrement illisible écarté", counters.unreadable,
                 "élément de la liste « marches » qui n'est pas un objet JSON"))
    rows.append(("valeur de type inattendu lue comme texte", counters.coerced,
                 "enregistrements dont un champ avait un type imprévu (ex. montant en objet) : lu comme texte"))
    rows.append(("doublon exact supprimé", n_dup,
                 "enregistrement au texte identique à un précédent : le premier est gardé"
                 + (f" ; ex. : {', '.join(dup_examples)}" if dup_examples else "")))
    if counters.tabular_no_current:
        rows.append(("contrat sans ligne actuelle écarté", counters.tabular_no_current,
                     "uid sans ligne donneesActuelles = vrai (extrait partiel ?)"))
    has_id = records["id"].notna()
    shared = records[has_id].duplicated("uid", keep=False)
    n_shared_ids = records.loc[has_id][shared]["uid"].nunique()
    rows.append(("identifiant partagé (lots) conservé", int(shared.sum()),
                 f"{n_shared_ids} identifiant(s) d'un même acheteur portés par des enregistrements différents "
                 "(lots) : chacun compte pour un contrat"))
    rows.append(("identifiant vide conservé", int((~has_id).sum()), "compté comme un contrat distinct"))
    for col, raw_col, label in (("nature", "nature_raw", "nature"), ("procedure", "procedure_raw", "procédure")):
        changed = records[raw_col].notna() & records[col].notna() & (records[raw_col] != records[col])
        pairs = records.loc[changed].groupby([raw_col, col], sort=False).size().sort_values(ascending=False)
        detail = " ; ".join(f"« {a} » → « {b} » ({n})" for (a, b), n in pairs.head(5).items())
        rows.append((f"{label} harmonisée", int(changed.sum()), detail or "aucun libellé modifié"))
    known = set(PROCEDURES)
    unknown = records["procedure"].notna() & ~records["procedure"].isin(known)
    top = records.loc[unknown, "procedure"].value_counts().head(5)
    rows.append(("procédure non reconnue conservée telle quelle", int(unknown.sum()),
                 " ; ".join(f"« {k} » ({v})" for k, v in top.items()) or "aucune"))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def quality_summary(records: pd.DataFrame) -> pd.DataFrame:
    """Counts of the date and amount rules on ``records`` (what the yearly figures leave out or flag).

    Call it again after :func:`filter_region` to count the exclusions within the region.

    >>> rec = pd.DataFrame({"id": ["A", "B"], "source_file": "f.json", "record_no": [1, 2],
    ...                     "date_status": ["ok", "invalid"], "date_raw": [None, "2019-02-30"],
    ...                     "amount_status": ["ok", "ok"], "amount_eur": [5.0, 0.0], "amount_raw": None,
    ...                     "holder_ids": ["X", None]})
    >>> print(quality_summary(rec).set_index("rule").loc["date de notification invalide", "detail"][-39:])
    ex. : B dateNotification « 2019-02-30 »
    """
    ds, ast = records["date_status"], records["amount_status"]
    dated = ds.isin(DATE_USABLE)
    rows = [
        ("date de notification manquante", int((ds == "missing").sum()), "exclu de tous les chiffres annuels"),
        ("date de notification invalide", int((ds == "invalid").sum()),
         "jour qui n'existe pas ou texte illisible : exclu de tous les chiffres annuels ; "
         + _examples(records, ds == "invalid", "date_raw", "dateNotification")),
        ("date de notification hors plage", int((ds == "out_of_range").sum()),
         f"avant {MIN_YEAR} ou dans le futur : exclu de tous les chiffres annuels ; "
         + _examples(records, ds == "out_of_range", "date_raw", "dateNotification")),
        ("date avec heure ou fuseau horaire", int((ds == "reformatted").sum()),
         "jour retenu, heure et fuseau ignorés ; " + _examples(records, ds == "reformatted", "date_raw",
                                                                "dateNotification")),
        ("montant manquant", int((ast == "missing").sum()),
         "compté dans les contrats, exclu des montants (total, médiane)"),
        ("montant illisible", int((ast == "invalid").sum()),
         "exclu des montants ; " + _examples(records, ast == "invalid", "amount_raw", "montant")),
        ("montant négatif", int((ast == "negative").sum()),
         "exclu des montants ; " + _examples(records, ast == "negative", "amount_raw", "montant")),
        ("montant aberrant signalé", int((ast == "absurd").sum()),
         f"≥ {_grouped(MAX_AMOUNT)} € ou suite de 9 (99 999 999) : jamais sommé ; "
         + _examples(records, ast == "absurd", "amount_raw", "montant")),
        ("montant au format français converti", int((ast == "text_fr").sum()),
         "espaces, virgule décimale ou symbole € lus ; " + _examples(records, ast == "text_fr", "amount_raw",
                                                                     "montant")),
        ("montant écrit en texte lu", int((ast == "text").sum()), "nombre simple entre guillemets (« 30000.00 »)"),
        ("montant nul conservé", int(((records["amount_eur"] == 0) & ast.isin(AMOUNT_USABLE)).sum()),
         "0 € publié (souvent un accord-cadre sans maximum) : compté dans le total et la médiane"),
        ("titulaire manquant", int(records["holder_ids"].isna().sum()),
         "compté dans les contrats, pas dans le nombre de titulaires"),
        ("contrats utilisables par année", int(dated.sum()),
         "date de notification valide : base des chiffres annuels"),
    ]
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    out["detail"] = out["detail"].str.rstrip(" ;")
    return out
