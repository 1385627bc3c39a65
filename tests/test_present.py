"""The presentation layer: escaping, captions, one is_simulated, and the table formatters on tiny tables."""
from html.parser import HTMLParser

import pandas as pd
import pytest

from etude import fmt, i18n, present, stats
from etude import indicators as ind
from etude.errors import ParameterError

S = fmt.NNBSP
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
    assert present.simulated_caption("fr") == i18n.SIMULATED_CAPTION
    assert present.simulated_caption("en") == "Simulated data — do not cite"
    assert i18n.label("too_few", min_cell=3) == "effectif insuffisant (n < 3)"
    assert i18n.label("too_few", lang="en", min_cell=3) == "too few respondents (n < 3)"
    with pytest.raises(ParameterError, match="langues possibles : fr, en"):
        present.simulated_caption("de")


def test_every_code_has_words_in_every_language():
    for code, words in i18n.CODES.items():
        assert set(words) == set(i18n.LANGS), code
    for key, words in i18n.WORDS.items():
        assert set(words) == set(i18n.LANGS), key


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
    assert shown.iloc[1].tolist() == ["n.d.", "Manque de moyens pour répondre", f"<{S}5", "3", "n.d.", "n.d.", "n.d."]
    zero = present.format_frequencies(t.iloc[[1]], lang="en", alpha=0.1)
    assert zero.iloc[0]["Share of respondents"] == f"0,0{S}%" and f"90{S}% CI" in zero.columns


def test_format_grouped_frequencies_names_the_group():
    t = pd.DataFrame({"size_class": pd.Categorical(["micro", "micro", "pme"]),
                      "e_moyens": pd.array([True, False, True], dtype="boolean")})
    shown = present.format_frequencies(stats.frequencies(t, ["e_moyens"], by="size_class"))
    assert shown.columns[0] == "Taille de l'entreprise"
    assert shown.iloc[:, 0].tolist() == ["Microentreprise (moins de 10 salariés)", "PME (10 à 249 salariés)"]


def test_format_wave_changes_says_non_disponible_without_interval():
    shown = present.format_wave_changes(ind.published_wave_changes())
    assert (shown["IC 95 % (Newcombe)"] == ind.MISSING_LABEL).all()
    assert shown["Évolution"].iloc[0].startswith("+3,4")
