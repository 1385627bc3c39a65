"""DECP indicators per notification year: contracts, amounts, buyers, holders, procedures, innovation.

Only records with a usable notification date count (``date_status`` in :data:`etude.decp.DATE_USABLE`); the
denominators are columns of the results. :func:`yearly_indicators` counts in SQL (a records DataFrame or a
:class:`~etude.decp.engine.Records` table alike); the procedure mix and innovation share, read on a region's
records, in pandas.
"""
from __future__ import annotations

import pandas as pd

from etude.decp import engine
from etude.decp.engine import Records
from etude.decp.panel import wilson
from etude.decp.rules import AMOUNT_USABLE, DATE_USABLE, INNOVATION_PROCEDURES

__all__ = ["yearly_indicators", "procedure_mix", "innovation_share", "YEARLY_COLUMNS"]

#: Columns of :func:`yearly_indicators` (the first six are the published table ``decp_annuel.csv``).
YEARLY_COLUMNS = ["year", "n_contracts", "amount_total_eur", "amount_median_eur", "n_buyers", "n_holders",
                  "n_contracts_with_amount"]


def _dated(records: pd.DataFrame) -> pd.DataFrame:
    return records[records["date_status"].isin(DATE_USABLE)]


_YEARLY_SQL = f"""
WITH d AS (SELECT year, buyer_id, holder_ids,
                  CASE WHEN amount_status IN {engine.sql_list(AMOUNT_USABLE)} THEN amount_eur END AS amount
           FROM {{t}} WHERE date_status IN {engine.sql_list(DATE_USABLE)}),
     h AS (SELECT year, count(DISTINCT holder) AS n_holders
           FROM (SELECT year, unnest(string_split(holder_ids, ';')) AS holder FROM d WHERE holder_ids IS NOT NULL)
           GROUP BY year)
SELECT d.year, count(*) AS n_contracts, CAST(sum(CAST(amount AS DECIMAL(38, 6))) AS DOUBLE) AS amount_total_eur,
       median(amount) AS amount_median_eur, count(DISTINCT buyer_id) AS n_buyers,
       coalesce(any_value(h.n_holders), 0) AS n_holders, count(amount) AS n_contracts_with_amount
FROM d LEFT JOIN h ON h.year = d.year GROUP BY d.year ORDER BY d.year
"""


def yearly_indicators(records: pd.DataFrame | Records) -> pd.DataFrame:
    """Per notification year: contracts, total and median amount, distinct buyers and holders.

    Records without a usable notification date are left out (see :func:`quality_summary`); amounts that are
    missing, unreadable, negative or absurd are left out of the amounts only, so ``n_contracts_with_amount`` is
    the denominator of ``amount_total_eur`` and ``amount_median_eur``. Buyers are distinct ``buyer_id``
    (SIRET as published), holders distinct holder identifiers. Amounts are summed as decimals (to the
    millionth of a euro): the total does not depend on the order of the records.

    Examples
    --------
    >>> rec = pd.DataFrame({"year": [2019, 2019, 2020], "date_status": "ok", "amount_eur": [10.0, 30.0, 1e17],
    ...                     "amount_status": ["ok", "text", "absurd"], "buyer_id": ["A", "A", "B"],
    ...                     "holder_ids": ["X;Y", "X", None]})
    >>> print(yearly_indicators(rec).to_string())
       year  n_contracts  amount_total_eur  amount_median_eur  n_buyers  n_holders  n_contracts_with_amount
    0  2019            2              40.0               20.0         1          2                        2
    1  2020            1               NaN                NaN         1          0                        0
    """
    with engine.as_records(records) as t:
        out = t.sql(_YEARLY_SQL).df()
    for col in YEARLY_COLUMNS:
        out[col] = out[col].astype("float64" if col.startswith("amount") else "int64")
    return out[YEARLY_COLUMNS]


def procedure_mix(records: pd.DataFrame) -> pd.DataFrame:
    """Per year and harmonised procedure: ``year, procedure, n_contracts, n_year, share`` (0–1).

    ``n_year`` (the denominator) counts every dated contract of the year, those without procedure included
    (shown as « Non renseignée »).

    >>> rec = pd.DataFrame({"year": [2019, 2019, 2019], "date_status": "ok",
    ...                     "procedure": ["Procédure adaptée", "Procédure adaptée", None]})
    >>> procedure_mix(rec)
       year          procedure  n_contracts  n_year     share
    0  2019  Procédure adaptée            2       3  0.666667
    1  2019     Non renseignée            1       3  0.333333
    """
    d = _dated(records)
    proc = d["procedure"].astype(object).where(d["procedure"].notna(), "Non renseignée")
    t = pd.DataFrame({"year": d["year"].astype("int64"), "procedure": proc}).value_counts().rename("n_contracts")
    t = t.reset_index()
    t["n_year"] = t.groupby("year")["n_contracts"].transform("sum")
    t["share"] = t["n_contracts"] / t["n_year"]
    return t.sort_values(["year", "n_contracts", "procedure"], ascending=[True, False, True]).reset_index(drop=True)


def innovation_share(records: pd.DataFrame) -> pd.DataFrame:
    """Per year: share of innovation-related procedures, and share flagged ``marcheInnovant`` with its fill rate.

    Columns: ``year, n_contracts, n_innovation_procedure`` (partenariat d'innovation + dialogue compétitif +
    experimental innovative purchase), one count per kind (``n_partenariat_innovation``,
    ``n_dialogue_competitif``, ``n_experimentation``), ``share_innovation_procedure`` with its Wilson 95 %
    interval (denominator ``n_contracts``), ``n_flag_filled`` (records where ``marcheInnovant`` is given),
    ``fill_rate``, ``n_flag_innovant`` and ``share_flag_innovant`` with its Wilson interval (denominator
    ``n_flag_filled``: never the empty flags). The 2017 format has no flag (fill rate 0, share missing), and an
    experimental innovative purchase published as « sans publicité » cannot be told apart: the procedure share
    is a lower bound.

    >>> rec = pd.DataFrame({"year": [2023] * 4, "date_status": "ok",
    ...                     "procedure": ["Dialogue compétitif", "Procédure adaptée", "Procédure adaptée", None],
    ...                     "marche_innovant": pd.array([True, False, None, None], dtype="boolean")})
    >>> innovation_share(rec)[["n_contracts", "n_innovation_procedure", "fill_rate", "share_flag_innovant"]]
       n_contracts  n_innovation_procedure  fill_rate  share_flag_innovant
    0            4                       1        0.5                  0.5
    """
    d = _dated(records)
    year = d["year"].astype("int64")
    kinds = d["procedure"].map(INNOVATION_PROCEDURES)
    out = pd.DataFrame({"n_contracts": d.groupby(year).size()})
    for code in INNOVATION_PROCEDURES.values():
        out[f"n_{code}"] = (kinds == code).groupby(year).sum()
    out["n_innovation_procedure"] = kinds.notna().groupby(year).sum()
    out["share_innovation_procedure"] = out["n_innovation_procedure"] / out["n_contracts"]
    out["ci_low_innovation_procedure"], out["ci_high_innovation_procedure"] = wilson(
        out["n_innovation_procedure"], out["n_contracts"])
    flag = d["marche_innovant"].astype("boolean")
    out["n_flag_filled"] = flag.notna().groupby(year).sum()
    out["fill_rate"] = out["n_flag_filled"] / out["n_contracts"]
    out["n_flag_innovant"] = flag.fillna(False).astype(bool).groupby(year).sum()
    out["share_flag_innovant"] = (out["n_flag_innovant"] / out["n_flag_filled"]).where(out["n_flag_filled"] > 0)
    out["ci_low_flag_innovant"], out["ci_high_flag_innovant"] = wilson(out["n_flag_innovant"], out["n_flag_filled"])
    out.index.name = "year"
    out = out.reset_index()
    cols = ["year", "n_contracts", "n_innovation_procedure", *[f"n_{c}" for c in INNOVATION_PROCEDURES.values()],
            "share_innovation_procedure", "ci_low_innovation_procedure", "ci_high_innovation_procedure",
            "n_flag_filled", "fill_rate", "n_flag_innovant", "share_flag_innovant", "ci_low_flag_innovant",
            "ci_high_flag_innovant"]
    for c in cols:
        if c.startswith("n_"):
            out[c] = out[c].astype("int64")
    return out[cols]
