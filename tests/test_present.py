"""The presentation layer: escaping, captions, one is_simulated, and the table formatters on tiny tables."""
import inspect
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from etude import words
from etude.analysis import compare, stats, waves
from etude.errors import ParameterError
from etude.publish import formats, present
from etude.survey import codebook

S = formats.NNBSP
HOSTILE = ['<script>alert("x")</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">lien</a>',
           "`code` **gras** [lien](javascript:alert(1))"]


class _Tags(HTMLParser):
    """Collects every tag and attribute of an HTML fragment."""

    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)


def _parse(page):
    p = _Tags()
    p.feed(page)
    return p


# ---------------------------------------------------------------------------------------------------- escaping

def test_shown_escapes_every_value_header_and_caption():
    table = pd.DataFrame({HOSTILE[1]: HOSTILE, "n": [1, 2, 3, 4]})
    page = present.shown(table, simulated=True, title=HOSTILE[0]).to_html()
    parsed = _parse(page)
    assert not {"script", "img", "a"} & set(parsed.tags)
    assert not any(name.startswith("on") or "javascript:" in (value or "") for name, value in parsed.attrs)
    assert "&lt;script&gt;" in page and "onerror=alert(1)" in page  # shown as text, not dropped
    assert "Données simulées — ne pas citer" in page


def test_shown_keeps_french_numbers_and_hides_the_index():
    page = present.shown(pd.DataFrame({"Part": [f"48,1{S}%"]}, index=[7]), simulated=False).to_html()
    assert f"48,1{S}%" in page and ">7<" not in page and "caption" not in page


def test_heading_is_a_level_two_markdown_heading_with_markup_neutralised():
    md = present.heading(HOSTILE[2] + " " + HOSTILE[3]).data
    assert md.startswith("## ")
    assert "<a" not in md and "&lt;a href" in md
    assert "\\*\\*gras\\*\\*" in md and "\\[lien\\]" in md and "\\`code\\`" in md


def test_escape_text_leaves_plain_french_alone():
    assert present.escape_text("Les entreprises citent d'abord « Manque de moyens » (66 %)") == \
        "Les entreprises citent d'abord « Manque de moyens » (66 %)"


# ---------------------------------------------------------------------------------------------------- status

def test_is_simulated_accepts_frames_and_dicts():
    real, sim = pd.DataFrame({"simulated": [False]}), pd.DataFrame({"simulated": [False, True]})
    assert present.is_simulated(real, sim) and present.is_simulated({"a": real, "b": sim})
    assert not present.is_simulated({"a": real}) and not present.is_simulated(pd.DataFrame({"x": [1]}))


def test_captions_and_codes_in_both_languages():
    assert present.simulated_caption("fr") == "Données simulées — ne pas citer"
    assert present.simulated_caption("en") == "Simulated data — do not cite"
    assert words.label("too_few", min_cell=3) == "non publié (petits effectifs, seuil 3)"
    assert words.label("too_few", lang="en", min_cell=3) == "withheld (small groups, threshold 3)"
    with pytest.raises(ParameterError, match="langues possibles : fr, en"):
        present.simulated_caption("de")


# ---------------------------------------------------------------------------------------------------- tables

def test_format_frequencies_in_french_with_suppressed_cells():
    t = pd.DataFrame({"population": ["buyers", "companies"], "item": ["b_temps", "e_moyens"], "n_base": [8, 3],
                      "count": [3, 0], "pct": [0.375, 0.0], "pct_mentions": [1.0, 0.0],
                      "ci_low": [0.1368, 0.0], "ci_high": [0.6943, 0.56], "rank": [1, 1]})
    shown = present.format_frequencies(stats.suppress_small(t))
    assert shown.columns.tolist() == ["Rang", "Item", "Citations", "Base (répondants)", "Part des répondants",
                                      f"IC à 95{S}%", "Part des mentions"]
    assert shown.iloc[0].tolist() == ["1", "Pas de temps à y consacrer", "3", "8", f"37,5{S}%",
                                      f"[13,7{S}%{S}; 69,4{S}%]", f"100,0{S}%"]
    assert shown.iloc[1].tolist() == ["n.d.", "Manque de moyens pour répondre", f"<{S}5", "n.d.", "n.d.", "n.d.",
                                      "n.d."]  # a suppressed group publishes no base (etude.safety.disclosure)
    zero = present.format_frequencies(t.iloc[[1]], lang="en", alpha=0.1)  # English headers and numbers
    assert zero.iloc[0]["Share of respondents"] == "0.0%" and "90% CI" in zero.columns
    assert present.format_frequencies(stats.suppress_small(t), lang="en").iloc[1, 2] == "< 5"


def test_format_grouped_frequencies_names_the_group():
    t = pd.DataFrame({"size_class": pd.Categorical(["micro", "micro", "pme"]),
                      "e_moyens": pd.array([True, False, True], dtype="boolean")})
    shown = present.format_frequencies(stats.frequencies(t, ["e_moyens"], by="size_class"))
    assert shown.columns[0] == "Taille de l'entreprise"
    assert shown.iloc[:, 0].tolist() == ["Microentreprise (moins de 10 salariés)", "PME (10 à 249 salariés)"]


def test_format_wave_changes_says_non_disponible_without_interval():
    shown = present.format_wave_changes(waves.published_wave_changes())
    assert (shown["IC 95 % (Newcombe)"] == words.text("common.missing")).all()
    assert shown["Évolution"].iloc[0].startswith("+3,4")
    english = present.format_wave_changes(waves.published_wave_changes(), lang="en")
    assert (english["95% CI (Newcombe)"] == "not available").all() and english["Change"].iloc[0].startswith("+3.4")


def test_english_tables_have_english_headers_and_numbers():
    profile = stats.profile(pd.DataFrame({"population": "companies", "size_class": ["micro"] * 3 + [None]}),
                            "size_class")
    shown = present.format_profile(profile, lang="en", population="companies")
    assert shown.columns.tolist() == ["Attribute", "Value", "Count", "Total", "Share"]
    assert shown.iloc[0].tolist() == ["Company size", "Micro (fewer than 10 employees)", "3", "4",
                                      "75.0%"]
    assert shown.iloc[1, 1] == "Not given"
    counts = present.format_wave_counts(pd.DataFrame({"population": ["companies"], "wave": [2017], "n": [1234],
                                                      "n_barriers": [1000], "pct_barriers": [1000 / 1234]}),
                                        lang="en")
    assert counts.iloc[0].tolist() == ["Innovative companies", "2017", "1,234", "1,000", "81.0%"]
    growth = pd.DataFrame({"series": "adcf_barometre", "indicator": "volume", "label_fr": "Volume", "unit": "Md€",
                           "start": 2016, "end": 2019, "value_start": 72.2, "value_end": 87.5, "cagr": 0.0662,
                           "status": "computed"}, index=[0])
    assert present.format_growth(growth, lang="en").iloc[0].tolist() == [
        "AdCF barometer", "Volume", "2016–2019", "€72.2bn", "€87.5bn", "6.6%", "computed"]
    assert present.format_growth(growth).iloc[0].tolist()[3:6] == [f"72,2{S}Md€", f"87,5{S}Md€", f"6,6{S}%"]


# ---------------------------------------------------------------------------------------------------- findings
# Every sentence that states a result is generated: flip the data, the sentence flips.

BUYER_ITEMS = list(codebook.items("buyers")["code"])
COMPANY_ITEMS = list(codebook.items("companies")["code"])


def respondents(population, rows, **attrs):
    """Respondent table (docs/contracts.md §1): one set of ticked items per respondent."""
    codes = BUYER_ITEMS if population == "buyers" else COMPANY_ITEMS
    df = pd.DataFrame({c: pd.array([(c in r) if r else None for r in rows], dtype="boolean") for c in codes})
    for name, values in attrs.items():
        df[name] = values
    return df


def _themes(buyers_moyens, companies_moyens, buyers_info=0, companies_info=0, n=22):
    """buyers/companies citing « moyens » (b_temps / e_moyens) or « information » (b_donnees / e_besoins)."""
    def rows(moyens, info, m_item, i_item, everyone):  # everyone also cites « interet »: no gap there
        return [{m_item, everyone} if k < moyens else {i_item, everyone} if k < moyens + info else {everyone}
                for k in range(n)]
    b = respondents("buyers", rows(buyers_moyens, buyers_info, "b_temps", "b_donnees", "b_desinteret"))
    e = respondents("companies", rows(companies_moyens, companies_info, "e_moyens", "e_besoins", "e_desinteret"))
    return present.label_themes(compare.compare_themes(b, e))


def test_comparison_headline_flips_with_the_data():
    assert present.comparison_headline(_themes(20, 2)).startswith(
        "Les acheteurs citent plus souvent « Temps, argent et moyens »")
    assert present.comparison_headline(_themes(2, 20)).startswith(
        "Les entreprises citent plus souvent « Temps, argent et moyens »")
    same = present.comparison_headline(_themes(10, 10))
    assert same == "Acheteurs et entreprises ne se distinguent sur aucun des 4 thèmes (Bonferroni sur 4 thèmes)"
    assert present.comparison_headline(_themes(10, 10), lang="en").startswith("Buyers and companies differ on none")


def test_comparison_reading_says_ne_se_distinguent_pas_and_names_the_family():
    lines = present.comparison_reading(_themes(20, 2)).splitlines()
    assert len(lines) == 5
    assert "**Temps, argent et moyens**" in lines[1] and "les acheteurs citent ce thème plus souvent" in lines[1]
    assert "(Bonferroni sur 4 thèmes" in lines[1] and "intervalle ajusté" in lines[1] and "effet fort" in lines[1]
    assert "les deux populations ne se distinguent pas" in lines[2]
    assert "non comparé" in lines[4]


def test_mirror_text_needs_separated_gaps_in_both_directions():
    both = present.mirror_text(_themes(18, 2, buyers_info=2, companies_info=18))
    assert both.startswith("Effet miroir : les acheteurs citent plus souvent")  # issue 29: titles of two lines
    one = present.mirror_text(_themes(20, 2))
    assert one.startswith("Pas d'effet miroir : seuls les acheteurs")
    other = present.mirror_text(_themes(2, 20))  # « seules les entreprises » : the adjective agrees
    assert other.startswith("Pas d'effet miroir : seules les entreprises citent plus souvent")
    none = present.mirror_text(_themes(10, 10))
    assert none.startswith("Pas d'effet miroir démontré : acheteurs et entreprises ne se distinguent sur aucun thème")
    assert none.endswith("(Bonferroni sur 4 thèmes).")
    assert present.mirror_text(_themes(10, 10), short=True) == (
        "Pas d'effet miroir démontré : acheteurs et entreprises ne se distinguent sur aucun thème")


def _ranked(first, second, n=30):
    t = pd.DataFrame({"e_moyens": pd.array([k < first for k in range(n)], dtype="boolean"),
                      "e_besoins": pd.array([k >= n - second for k in range(n)], dtype="boolean")})
    return stats.frequencies(t, ["e_moyens", "e_besoins"])


def test_barrier_headline_names_only_what_the_paired_test_separates():
    assert present.barrier_headline(_ranked(25, 5), population="companies") == \
        f"Les entreprises citent d'abord « Manque de moyens » (83,3{S}%)"  # short labels: a title of two lines
    flipped = present.barrier_headline(_ranked(5, 25), population="companies")
    assert flipped.startswith("Les entreprises citent d'abord « Besoins publics inconnus »")
    assert present.barrier_headline(_ranked(14, 12), population="companies") == \
        "Aucun frein des entreprises ne se distingue des autres"
    text = present.barrier_text(_ranked(14, 12), population="companies")
    assert "aucun frein ne se distingue des autres" in text and "les plus cités" not in text


def test_groups_headline_counts_withheld_comparisons():
    # 3 État buyers: too few, and no neighbour declared for them (3 collectivités would join « autres », issue 27);
    # the profile also withholds the collectivités (its total minus the others would give the 3 back), and so does
    # the comparison: health establishments and « autres » remain, compared
    T, J = {"b_temps"}, {"b_juridique"}
    b = respondents("buyers", [T] * 6 + [J] * 4 + [T] * 9 + [J] + [T] + [J] * 9 + [T] * 2 + [J],
                    buyer_type=["collectivite"] * 10 + ["sante"] * 10 + ["autre"] * 10 + ["etat"] * 3)
    groups = present.label_groups(compare.compare_groups(b, "buyer_type", ["moyens"]))
    text = present.groups_headline(groups)
    assert text.startswith("Se distinguent : Établissements de santé et Autres acheteurs publics sur « Temps, "
                           "argent")
    assert text.endswith("5 comparaisons non faites (règle des petits effectifs)")
    b2 = b.assign(b_temps=b["b_temps"].fillna(False), b_juridique=~b["b_juridique"].fillna(True))
    assert "ne se distinguent sur aucun thème" in present.groups_headline(present.label_groups(
        compare.compare_groups(b2.assign(b_temps=True), "buyer_type", ["moyens"])))


def test_wave_headline_flips_and_names_the_family():
    rows17 = [{"b_temps"}] * 20 + [{"b_juridique"}] * 5
    rows18 = [{"b_temps"}] * 3 + [{"b_juridique"}] * 22
    df = respondents("buyers", rows17 + rows18, wave=[2017] * 25 + [2018] * 25)
    changes = present.label_changes(waves.wave_changes(df, "buyers", level="items"))
    text = present.wave_headline(changes, population="buyers")
    assert text.startswith("2017 → 2018, chez les acheteurs publics, évoluent : « Manque de temps »")
    assert text.endswith(f"(Bonferroni sur {len(codebook.items('buyers'))} freins)")
    flat = respondents("buyers", rows17 + rows17, wave=[2017] * 25 + [2018] * 25)
    assert present.wave_headline(present.label_changes(waves.wave_changes(flat, "buyers", level="themes")),
                                 population="buyers") == \
        ("2017 → 2018 : aucun thème des acheteurs publics ne se distingue "
         f"(Bonferroni sur {codebook.items('buyers')['theme'].nunique()} thèmes)")


def test_wave_dependence_text_counts_institutions_in_both_waves():
    t = pd.DataFrame({"wave": [2017, 2017, 2017, 2018, 2018], "organisation": ["mel", "cd80", None, "mel", "cd80"]})
    text = present.wave_dependence_text(t, wave_from=2017, wave_to=2018)
    assert text.startswith("2 mêmes institutions ont répondu aux deux vagues (2 sur 2 institutions nommées en 2017)")
    assert "pas des échantillons indépendants" in text and "prudent" in text
    alone = present.wave_dependence_text(t.assign(organisation=["mel", None, None, "cd80", None]), wave_from=2017,
                                         wave_to=2018)
    assert alone.startswith("Aucune institution nommée")


def test_rounding_text_allows_what_rounding_explains_only():
    levels = pd.DataFrame({"series": "adcf", "indicator": "volume", "period": ["2018", "2019"],
                           "value": [78.2, 87.5]})
    ok = pd.DataFrame({"series": ["adcf"], "indicator": ["volume"], "period": ["2019"],
                       "computed": [87.5 / 78.2 - 1], "published": [0.119], "difference": [87.5 / 78.2 - 1.119]})
    assert present.rounding_text(ok, levels=levels) == \
        "L’évolution recalculée concorde avec l’évolution publiée, aux arrondis près."
    # 11,9 % recomputed against 11,6 % published: 0,3 pt, more than the last digits' rounding can move it
    bad = ok.assign(published=[0.116], difference=[87.5 / 78.2 - 1.116])
    assert "plus que les arrondis ne l’expliquent : adcf 2019" in present.rounding_text(bad, levels=levels)


def test_group_sizes_headline_never_prints_a_suppressed_size():
    t = pd.DataFrame({"population": "companies", "size_class": ["micro"] * 6 + ["pme"] * 9 + ["ge"] * 2,
                      "e_moyens": pd.array([True, False] * 8 + [True], dtype="boolean")})
    groups = stats.suppress_small(stats.frequencies(t, ["e_moyens"], by="size_class"), population="companies")
    text = present.group_sizes_headline(groups, "size_class", population="companies")
    # the 2 large firms are under 5 and the others hidden too (else 17 − 9 − 6 gives the 2 large firms): no group is
    # published, and the title says so in words rather than « de < 5 à n.d. répondants » above empty panels
    assert text == "Par taille de l'entreprise : aucun groupe publiable (secret statistique)"
    assert not re.search(r"\b[269]\b", text)
    assert not present.any_group_shown(groups)  # the notebook then draws no chart


def test_barrier_headline_summarises_a_long_leading_group():
    t = pd.DataFrame({"item": COMPANY_ITEMS, "pct": [0.6, 0.5, 0.45, 0.4, 0.3, 0.05],
                      "letters": ["a", "a", "a", "ab", "b", "c"], "n_base": 80})
    assert present.barrier_headline(t, population="companies") == (
        f"Entreprises : « {codebook.label(COMPANY_ITEMS[0], short=True)} » (60,0{S}%) en tête, non séparé de 3 "
        "autres freins")


def test_barrier_headline_names_the_items_sharing_the_leaders_letter_not_its_neighbours():
    # letters need not follow the order of the shares: the leader may share a letter with the third, not the second
    t = pd.DataFrame({"item": COMPANY_ITEMS[:3], "pct": [0.6, 0.5, 0.45], "letters": ["ab", "c", "a"],
                      "n_base": 80})
    text = present.barrier_headline(t, population="companies")
    assert f"non séparé de « {codebook.label(COMPANY_ITEMS[2], short=True)} »" in text
    assert codebook.label(COMPANY_ITEMS[1], short=True) not in text
    unranked = present.barrier_headline(t.assign(letters=pd.NA, n_base=4), population="companies")
    assert unranked == f"Trop peu de réponses pour classer les freins des entreprises (n{S}={S}4)"


def test_result_sentences_shown_as_markdown_keep_hostile_labels_inert():
    t = pd.DataFrame([{"label": HOSTILE[0], "pct_buyers": 0.36, "pct_companies": 0.58, "diff": -0.22,
                       "diff_ci_low": -0.40, "diff_ci_high": 0.01, "test": "fisher", "p_value": 0.07,
                       "p_adjusted": 0.28, "cohens_h": -0.44, "n_buyers": 25, "n_companies": 85}])
    assert "<script" not in present.comparison_reading(t) and "&lt;script&gt;" in present.comparison_reading(t)
    assert "<script" not in present.markdown(present.comparison_headline(t.assign(p_adjusted=0.01))).data


def test_an_item_not_asked_reads_non_pose_never_zero():
    t = pd.DataFrame({"b_temps": pd.array([True, False], dtype="boolean"),
                      "b_financier": pd.array([None, None], dtype="boolean")})
    shown = present.format_frequencies(stats.frequencies(t, ["b_temps", "b_financier"]))
    row = shown[shown["Item"] == codebook.label("b_financier")].iloc[0].tolist()
    assert row.count("non posé") >= 3 and f"0,0{S}%" not in row
    assert "non posé" not in shown[shown["Item"] == codebook.label("b_temps")].iloc[0].tolist()


def test_skips_say_what_could_not_be_computed_in_both_languages():
    assert present.no_population("buyers") == "Aucun acheteur public dans cette étude : cette partie est sans objet."
    assert present.population_note(pd.DataFrame(), "companies", lang="en").startswith("No innovative company")
    assert present.attributes_note(pd.DataFrame({"buyer_type": ["etat"]}), "buyers", ["buyer_type"]) == ""
    note = present.attributes_note(pd.DataFrame({"size_class": [None]}), "companies", ["size_class"], lang="en")
    assert note.startswith("The innovative companies' exports do not give") and "Company size" in note
    assert "n’a que les acheteurs publics" in present.needs_both({"buyers": [2019]})
    assert "share none (public buyers: 2017; innovative companies: 2019)" in present.needs_both(
        {"buyers": [2017], "companies": [2019]}, lang="en")
    assert "ne forment aucun groupe" in present.too_few_groups("buyers", "buyer_type", 0)
    n_b, n_e = len(codebook.items("buyers")), len(codebook.items("companies"))
    assert present.items_text() == (f"La question des freins propose {n_b} items pour les acheteurs publics et "
                                    f"{n_e} items pour les entreprises innovantes, plusieurs réponses possibles.")


def test_published_counts_a_study_cannot_check_are_said_not_compared_to_zero():
    t = {"buyers": pd.DataFrame({"wave": [2019] * 3, "buyer_type": ["etat"] * 3}),
         "companies": pd.DataFrame({"wave": pd.Series([], dtype=int)})}
    check = stats.published_check(t)
    assert check["loaded"].isna().all() and not check["match"].any()
    assert present.check_headline(check).startswith("4 effectifs publiés non vérifiables")
    assert "0 chargés" not in present.check_text(check)
    assert set(present.format_check(check)["Concordance"]) == {formats.missing()}


def test_simulated_data_are_said_calibrated_only_where_they_match_the_published_counts():
    check = pd.DataFrame({"label": ["Réponses d'acheteurs", "Réponses d'entreprises"], "published": [27, 90],
                          "loaded": [27, 6], "match": [True, False], "source": ["GT", "GT"]})
    for lang in ("fr", "en"):
        assert "calibr" not in present.check_text(check, simulated=True, lang=lang)  # 6 loaded for 90 published
        assert "calibr" in present.check_text(check.iloc[:1], simulated=True, lang=lang)
    assert present.check_text(check, simulated=True).endswith(
        "Les données sont simulées : elles ne disent rien des réponses réelles.")


def test_group_sizes_headline_of_groups_of_one_size_says_it_once():
    t = pd.DataFrame({"buyer_type": ["etat", "collectivite", "autre"], "n_base": [6, 6, 6], "suppressed": False})
    assert present.group_sizes_headline(t, "buyer_type", population="buyers") == (
        "Par type d'acheteur : 3 groupes de 6 répondants à la question")  # not « de 6 à 6 »
    assert present.group_sizes_headline(t, "buyer_type", population="buyers", lang="en") == (
        "By buyer type: 3 groups of 6 who answered the question")


def test_group_sizes_headline_when_every_size_is_withheld():
    t = pd.DataFrame({"size_class": ["micro", "ge"], "n_base": pd.array([pd.NA, pd.NA], dtype="Int64"),
                      "suppressed": [False, False]})
    text = present.group_sizes_headline(t, "size_class", population="companies")
    assert text == "Par taille de l'entreprise : aucun groupe publiable (secret statistique)"


def test_wave_changes_give_no_share_change_nor_test_to_an_item_not_asked():
    rows = [{"b_temps"}] * 10 + [{"b_juridique"}] * 5
    df = respondents("buyers", rows + rows, wave=[2017] * 15 + [2019] * 15)
    df.loc[df["wave"] == 2019, "b_temps"] = pd.NA  # not in the 2019 questionnaire
    changes = present.label_changes(waves.wave_changes(df, "buyers", wave_from=2017, wave_to=2019)).set_index("code")
    gone = changes.loc["b_temps"]
    assert not gone["asked_to"] and gone["asked_from"] and gone["share_from"] == 10 / 15
    assert gone[["share_to", "diff", "diff_ci_low", "p_value", "p_adjusted", "diff_ci_low_adj"]].isna().all()
    assert changes.attrs["family_size"] == len(codebook.items("buyers")) - 1
    shown = present.format_wave_changes(changes.reset_index())
    row = shown.loc[list(changes.index).index("b_temps")]
    assert row["2019"] == "non posé" and row["Évolution"] == "non posé"
    themes = waves.wave_changes(df, "buyers", wave_from=2017, wave_to=2019, level="themes").set_index("code")
    theme = codebook.items("buyers").set_index("code").loc["b_temps", "theme"]
    assert pd.isna(themes.loc[theme, "diff"]) and not themes.loc[theme, "asked_to"]
    assert text_ends_with_family(present.wave_headline(changes.reset_index(), population="buyers"),
                                 len(codebook.items("buyers")) - 1)


def text_ends_with_family(text, n):
    # the family, then the item not compared, named with its wave (issue 26.3)
    return text.endswith(f"(Bonferroni sur {n} freins) ; non comparé : « Manque de temps » (non posé en 2019)")


def test_wave_grid_shows_every_wave_and_not_asked_items():
    rows = [{"b_temps"}] * 4 + [{"b_juridique"}] * 4
    df = respondents("buyers", rows * 3, wave=[2017] * 8 + [2019] * 8 + [2021] * 8)
    df.loc[df["wave"] == 2019, "b_temps"] = pd.NA
    grid = waves.wave_grid(df, "buyers")
    assert list(grid.columns) == waves.GRID_COLUMNS
    cell = grid.set_index(["code", "wave"])
    assert cell.loc[("b_temps", 2017), "share"] == 0.5 and not cell.loc[("b_temps", 2019), "asked"]
    assert pd.isna(cell.loc[("b_temps", 2019), "share"])
    view = present.format_wave_grid(grid)
    assert list(view.columns[1:]) == ["2017", "2019", "2021"] and len(view) == len(codebook.items("buyers"))
    assert view.set_index(view.columns[0]).loc[codebook.label("b_temps", short=True), "2019"] == "non posé"
    assert waves.wave_pairs(df) == [(2017, 2019), (2019, 2021), (2017, 2021)]
    assert len(waves.all_wave_changes(df, "buyers")) == 3 * len(codebook.items("buyers"))


def test_a_profile_headline_names_every_group_tied_for_the_largest_share():
    from etude.publish.present.profile import profile_headline
    t = pd.DataFrame({"wave": 2021, "attribute": "size_class", "value": ["pme", "eti", "ge"],
                      "label": ["PME", "ETI", "Grandes entreprises"], "n": [2, 2, 1], "n_total": 5,
                      "pct": [0.4, 0.4, 0.2]})
    got = profile_headline(t, "size_class", population="companies", wave=2021)
    assert got.startswith("2021 : PME et ETI, 40,0") and "chacune des 5 entreprises" in got
    assert "Grandes" not in got
    assert profile_headline(t, "size_class", population="companies", wave=2021, lang="en").startswith(
        "2021: PME and ETI, 40.0% each of the 5")


# ---------------------------------------------------------------------------------------------------- languages

@pytest.mark.parametrize("module", [*present.FINDINGS, present.limits, present.skips, present.labelled])
def test_sentence_modules_take_their_words_from_the_catalogue(module):
    source = inspect.getsource(module)
    assert not re.search(r"lang\s*[!=]=|if lang\b", source)  # no branch per language
    assert not re.search(r"[{,]\s*\"(fr|en)\":", source)  # no {"fr": …, "en": …} table


def test_english_sentences_have_english_numbers_and_quotes():
    rows17 = [{"b_temps"}] * 20 + [{"b_juridique"}] * 5
    rows18 = [{"b_temps"}] * 3 + [{"b_juridique"}] * 22
    changes = present.label_changes(waves.wave_changes(
        respondents("buyers", rows17 + rows18, wave=[2017] * 25 + [2018] * 25), "buyers", level="items"), "en")
    profile = pd.DataFrame({"wave": 2021, "attribute": "size_class", "value": ["pme", "ge"], "label": ["SME", "Large"],
                            "n": [3, 2], "n_total": 5, "pct": [0.6, 0.4]})
    rounding = pd.DataFrame({"series": ["adcf"], "indicator": ["volume"], "period": ["2019"], "computed": [0.132],
                             "published": [0.116], "difference": [0.016]})
    english = [present.comparison_reading(_themes(20, 2), lang="en"),
               present.comparison_headline(_themes(20, 2), lang="en"),
               present.mirror_text(_themes(18, 2, buyers_info=2, companies_info=18), lang="en"),
               present.barrier_headline(_ranked(25, 5), population="companies", lang="en"),
               present.barrier_text(_ranked(25, 5), population="companies", lang="en"),
               present.wave_headline(changes, population="buyers", lang="en"),
               present.profile_headline(profile, "size_class", population="companies", wave=2021, lang="en"),
               present.rounding_text(rounding, lang="en"),
               present.plan_method_text({"plan_method": "greedy", "n_candidates": 25_000, "exact_max_pairs": 20_000,
                                         "optimality_gap": 0.0075}, lang="en")]
    for text in english:
        assert not re.search(r"\d,\d{1,2}\b|\d %|\d pts?\b", text.replace(S, " ")), text  # 48,1 %, 3,2 pts
        assert "«" not in text and S not in text, text
    assert "adjusted p = 1.000" in english[0] and "(83.3%)" in english[3] and "→ 12.0%" in english[5]
    assert "(+13.2% recomputed, +11.6% published)" in english[7] and "25,000 relevant pairs" in english[8]
