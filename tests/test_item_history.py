"""An item's questionnaire history is data (issue 26.7): ``since``/``until`` in the codebook make an item « non posé »
in the other waves whatever the export's layout; a packed export cannot show an item nobody ticked was not asked,
so validation says so; nobody ticking a question gives a sentence, never a traceback."""
from __future__ import annotations

import copy
import csv

import pandas as pd
import pytest
import yaml

from etude import paths, survey
from etude.analysis import compare, stats
from etude.publish import present
from etude.survey import codebook as cbk
from etude.survey.context import Context

NEW = {"code": "b_sourcing", "label_fr": "Sourcing difficile", "label_en": "Hard sourcing", "theme": "information",
       "rationale": "test", "seed": False, "since": 2019}


@pytest.fixture(scope="module")
def book() -> dict:
    cb = copy.deepcopy(yaml.safe_load(paths.codebook_file().read_text(encoding="utf-8")))
    cb["questionnaires"]["buyers"]["questions"]["barriers"]["items"].append(dict(NEW))
    return cb


def _export(path, book, wave, rows, *, layout):
    """A buyers' export of ``rows`` (sets of item codes), packed (Google Forms) or wide (LimeSurvey)."""
    q = book["questionnaires"]["buyers"]
    items = q["questions"]["barriers"]["items"]
    label = {it["code"]: it["label_fr"] for it in items}
    head = [q["identifiers"]["respondent_id"]["text_fr"], book["common"]["wave"]["text_fr"],
            q["attributes"]["buyer_type"]["text_fr"]]
    buyer = q["attributes"]["buyer_type"]["values"][0]["label_fr"]
    if layout == "packed":
        head.append(q["questions"]["barriers"]["text_fr"])
        body = [[f"R{wave}{i}", wave, buyer, ", ".join(label[c] for c in r)] for i, r in enumerate(rows)]
    else:
        asked = [it for it in items if it.get("since", 0) <= wave]
        head += [f"{q['questions']['barriers']['text_fr']} [{it['label_fr']}]" for it in asked]
        body = [[f"R{wave}{i}", wave, buyer] + ["Oui" if it["code"] in r else "" for it in asked]
                for i, r in enumerate(rows)]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=";").writerows([head, *body])
    return path


def test_codebook_history_reads_since_and_until(book):
    assert cbk.asked_in("buyers", 2018, codebook=book)["b_sourcing"] is False
    assert cbk.asked_in("buyers", 2019, codebook=book)["b_sourcing"] is True
    assert cbk.items("buyers", codebook=book).set_index("code").loc["b_sourcing", "since"] == 2019
    assert pd.isna(cbk.items("buyers").set_index("code").loc["b_temps", "since"])


def test_an_item_asked_since_a_later_wave_is_not_asked_in_a_packed_earlier_export(tmp_path, book):
    rows = [{"b_temps"}, {"b_temps", "b_financier"}, {"b_juridique"}] * 4
    early, problems = survey.parse_export(survey.ExportEntry(
        _export(tmp_path / "a2018.csv", book, 2018, rows, layout="packed"), "buyers", wave=2018), codebook=book)
    assert early["b_sourcing"].isna().all()  # « non posé », never 0 %
    assert any("since/until" in p["message"] for p in problems)
    late, _ = survey.parse_export(survey.ExportEntry(
        _export(tmp_path / "a2019.csv", book, 2019, rows + [{"b_sourcing"}], layout="wide"), "buyers", wave=2019),
        codebook=book)
    assert late["b_sourcing"].sum() == 1 and late["b_sourcing"].notna().all()
    table = stats.frequencies(early, "buyers", ctx=Context(codebook=book)).set_index("item")
    assert pd.isna(table.loc["b_sourcing", "pct"]) and pd.isna(table.loc["b_sourcing", "ci_high"])
    # its theme is not compared to the companies' in 2018, and the sentence names the item
    companies = pd.DataFrame({c: pd.array([c == "e_besoins"] * 10, dtype="boolean")
                              for c in cbk.items("companies", codebook=book)["code"]})
    themes = present.label_themes(compare.compare_themes(early, companies, ctx=Context(codebook=book)))
    row = themes.set_index("theme").loc["information"]
    assert row["reason"] == compare.ITEM_NOT_ASKED and row["missing"] == "b_sourcing"
    assert "« Sourcing difficile » (acheteurs publics)" in present.comparison_headline(themes, codebook=book)


def test_validate_says_an_item_nobody_ticked_in_a_packed_export_may_not_have_been_asked(tmp_path):
    book = yaml.safe_load(paths.codebook_file().read_text(encoding="utf-8"))
    path = _export(tmp_path / "a.csv", book, 2018, [{"b_temps"}, {"b_financier"}] * 3, layout="packed")
    found = survey.validate(path, "buyers", wave=2018)
    never = found[found["message"].str.contains("jamais coché dans cet export groupé", regex=False)]
    assert set(never["value"]) == set(cbk.items("buyers")["code"]) - {"b_temps", "b_financier"}
    assert (never["severity"] == "info").all()
    assert "déclarez `not_asked` ou `since`" in never["message"].iloc[0]


def test_nobody_ticking_the_barrier_question_gives_sentences_not_a_traceback():
    tables = survey.load_study()
    buyers = tables["buyers"][tables["buyers"]["wave"] == 2018].copy()
    companies = tables["companies"][tables["companies"]["wave"] == 2018]
    for c in cbk.items("buyers")["code"]:
        buyers[c] = pd.array([pd.NA] * len(buyers), dtype="boolean")
    table = present.label_themes(compare.compare_themes(buyers, companies))
    assert (table["test"] == compare.NOT_COMPARABLE).all()
    assert present.comparison_headline(table).startswith("Aucun thème n'a pu être comparé")
    groups = compare.compare_groups(buyers, "buyer_type", "themes", groups=compare.BUYER_GROUPS)
    assert (groups["status"] == compare.TOO_FEW).all()
    text = present.barrier_headline(stats.frequencies(buyers, "buyers"), population="buyers")
    assert text == "Aucun résultat publiable pour les acheteurs publics"
