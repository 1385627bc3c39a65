"""What the DECP rules did, as tables ``rule, n_records, detail`` (French diagnostics, like error messages).

Every rule is counted, never applied silently: :func:`read_summary` says what reading dropped, harmonised or
kept; :func:`quality_summary` counts the date and amount rules (call it again after the regional filter).
Both count in SQL, on a records DataFrame or a :class:`~etude.decp.engine.Records` table alike.
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

from etude.decp import engine
from etude.decp.engine import Records
from etude.decp.records import ReadCounters
from etude.decp.rules import AMOUNT_USABLE, DATE_USABLE, MAX_AMOUNT, MIN_YEAR, PROCEDURES

__all__ = ["read_summary", "quality_summary", "SUMMARY_COLUMNS"]

#: Columns of every summary table.
SUMMARY_COLUMNS = ["rule", "n_records", "detail"]


_CLIP = 40  # characters of a value shown as an example (a 400-digit amount is cut)


def _grouped(x: float) -> str:
    """A whole number with French digit groups (narrow no-break spaces), as the other French diagnostics."""
    return f"{x:,.0f}".replace(",", "\u202f")


def _examples(t: Records, where: str, column: str, field: str, k: int = 3) -> str:
    rows = t.sql(f"SELECT id, source_file, record_no, {column} FROM {{t}} WHERE {where} ORDER BY rn LIMIT {k}")
    parts = []
    for rid, src, no, val in rows.fetchall():
        who = rid if isinstance(rid, str) and rid else f"{src} n° {no}"
        val = str(val)
        parts.append(f"{who} {field} « {val if len(val) <= _CLIP else val[:_CLIP - 1] + '…'} »")
    return ("ex. : " + " ; ".join(parts)) if parts else ""


def _labels(t: Records, raw: str, col: str, label: str) -> tuple:
    """The line of one harmonised label: records changed, the five most frequent changes."""
    pairs = t.sql(f"SELECT {raw}, {col}, count(*) AS n FROM {{t}} WHERE {raw} IS NOT NULL AND {col} IS NOT NULL "
                  f"AND {raw} <> {col} GROUP BY ALL ORDER BY n DESC, min(rn)").fetchall()
    detail = " ; ".join(f"« {a} » → « {b} » ({n})" for a, b, n in pairs[:5])
    return f"{label} harmonisée", sum(n for *_, n in pairs), detail or "aucun libellé modifié"


def read_summary(records: pd.DataFrame | Records, reads: list, counters: ReadCounters) -> pd.DataFrame:
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
    with engine.as_records(records) as t:
        n_shared, n_shared_ids, n_empty = t.sql(
            "SELECT coalesce(sum(n) FILTER (WHERE has_id AND n > 1), 0), count(*) FILTER (WHERE has_id AND n > 1), "
            "coalesce(sum(n) FILTER (WHERE NOT has_id), 0) "
            "FROM (SELECT uid, id IS NOT NULL AS has_id, count(*) AS n FROM {t} GROUP BY ALL)").fetchall()[0]
        rows.append(("identifiant partagé (lots) conservé", int(n_shared),
                     f"{n_shared_ids} identifiant(s) d'un même acheteur portés par des enregistrements différents "
                     "(lots) : chacun compte pour un contrat"))
        rows.append(("identifiant vide conservé", int(n_empty), "compté comme un contrat distinct"))
        rows += [_labels(t, "nature_raw", "nature", "nature"), _labels(t, "procedure_raw", "procedure", "procédure")]
        top = t.sql(f"SELECT procedure, count(*) AS n FROM {{t}} WHERE procedure IS NOT NULL AND procedure NOT IN "
                    f"{engine.sql_list(PROCEDURES)} GROUP BY ALL ORDER BY n DESC, min(rn)").fetchall()
    rows.append(("procédure non reconnue conservée telle quelle", sum(n for _, n in top),
                 " ; ".join(f"« {k} » ({v})" for k, v in top[:5]) or "aucune"))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


_QUALITY_SQL = """
SELECT count(*) FILTER (WHERE date_status = 'missing'), count(*) FILTER (WHERE date_status = 'invalid'),
       count(*) FILTER (WHERE date_status = 'out_of_range'), count(*) FILTER (WHERE date_status = 'reformatted'),
       count(*) FILTER (WHERE amount_status = 'missing'), count(*) FILTER (WHERE amount_status = 'invalid'),
       count(*) FILTER (WHERE amount_status = 'negative'), count(*) FILTER (WHERE amount_status = 'absurd'),
       count(*) FILTER (WHERE amount_status = 'text_fr'), count(*) FILTER (WHERE amount_status = 'text'),
       count(*) FILTER (WHERE amount_eur = 0 AND amount_status IN {usable}), count(*) FILTER (WHERE holder_ids IS NULL),
       count(*) FILTER (WHERE date_status IN {dated})
FROM {{t}}
"""


def quality_summary(records: pd.DataFrame | Records) -> pd.DataFrame:
    """Counts of the date and amount rules on ``records`` (what the yearly figures leave out or flag).

    Call it again after :func:`filter_region` to count the exclusions within the region.

    >>> rec = pd.DataFrame({"id": ["A", "B"], "source_file": "f.json", "record_no": [1, 2],
    ...                     "date_status": ["ok", "invalid"], "date_raw": [None, "2019-02-30"],
    ...                     "amount_status": ["ok", "ok"], "amount_eur": [5.0, 0.0], "amount_raw": None,
    ...                     "holder_ids": ["X", None]})
    >>> print(quality_summary(rec).set_index("rule").loc["date de notification invalide", "detail"][-39:])
    ex. : B dateNotification « 2019-02-30 »
    """
    with engine.as_records(records) as t:
        n = [int(v) for v in t.sql(_QUALITY_SQL.format(usable=engine.sql_list(AMOUNT_USABLE),
                                                       dated=engine.sql_list(DATE_USABLE))).fetchall()[0]]

        def ex(status: str, column: str = "date_raw", field: str = "dateNotification") -> str:
            kind = "date_status" if column == "date_raw" else "amount_status"
            return _examples(t, f"{kind} = '{status}'", column, field)
        money = {s: ex(s, "amount_raw", "montant") for s in ("invalid", "negative", "absurd", "text_fr")}
        dates = {s: ex(s) for s in ("invalid", "out_of_range", "reformatted")}
    rows = [
        ("date de notification manquante", n[0], "exclu de tous les chiffres annuels"),
        ("date de notification invalide", n[1],
         "jour qui n'existe pas ou texte illisible : exclu de tous les chiffres annuels ; " + dates["invalid"]),
        ("date de notification hors plage", n[2],
         f"avant {MIN_YEAR} ou dans le futur : exclu de tous les chiffres annuels ; " + dates["out_of_range"]),
        ("date avec heure ou fuseau horaire", n[3], "jour retenu, heure et fuseau ignorés ; " + dates["reformatted"]),
        ("montant manquant", n[4], "compté dans les contrats, exclu des montants (total, médiane)"),
        ("montant illisible", n[5], "exclu des montants ; " + money["invalid"]),
        ("montant négatif", n[6], "exclu des montants ; " + money["negative"]),
        ("montant aberrant signalé", n[7],
         f"≥ {_grouped(MAX_AMOUNT)} € ou suite de 9 (99 999 999) : jamais sommé ; " + money["absurd"]),
        ("montant au format français converti", n[8],
         "espaces, virgule décimale ou symbole € lus ; " + money["text_fr"]),
        ("montant écrit en texte lu", n[9], "nombre simple entre guillemets (« 30000.00 »)"),
        ("montant nul conservé", n[10],
         "0 € publié (souvent un accord-cadre sans maximum) : compté dans le total et la médiane"),
        ("titulaire manquant", n[11], "compté dans les contrats, pas dans le nombre de titulaires"),
        ("contrats utilisables par année", n[12], "date de notification valide : base des chiffres annuels"),
    ]
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    out["detail"] = out["detail"].str.rstrip(" ;")
    return out
