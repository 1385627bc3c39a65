"""The one wave rule (etude.survey.wavesel): latest wave by default, a missing wave replaced and said."""
import pandas as pd
import pytest

from etude.errors import ParameterError
from etude.publish.present.wave_notes import wave_note
from etude.survey import wavesel


def _tables(buyers, companies):
    return {"buyers": pd.DataFrame({"wave": buyers}), "companies": pd.DataFrame({"wave": companies})}


def test_latest_wave_by_default_and_per_population():
    t = _tables([2017, 2019, 2021], [2017, 2019])
    assert wavesel.study_waves(t) == [2017, 2019, 2021]
    assert wavesel.shown_waves(t) == {"buyers": 2021, "companies": 2019}
    assert wavesel.shown_waves(t, 2017) == {"buyers": 2017, "companies": 2017}
    assert wavesel.shown_waves(t, 2021) == {"buyers": 2021, "companies": 2019}


def test_a_population_without_respondents_is_left_out():
    t = _tables([2019], [])
    assert wavesel.population_waves(t) == {"buyers": [2019]}
    assert wavesel.shown_wave(t["companies"]) is None
    assert wavesel.common_wave(t) is None
    assert len(wavesel.select(t["companies"], None)) == 0


def test_common_wave_of_a_comparison():
    t = _tables([2017, 2019, 2021], [2017, 2019])
    assert wavesel.common_wave(t) == 2019
    assert wavesel.common_wave(t, 2017) == 2017
    assert wavesel.common_wave(t, 2021) == 2019
    assert wavesel.common_wave(_tables([2017], [2019])) is None


def test_change_waves_last_two_and_requested():
    df = pd.DataFrame({"wave": [2017, 2019, 2021]})
    assert wavesel.change_waves(df) == (2019, 2021)
    assert wavesel.change_waves(df, 2017, 2021) == (2017, 2021)
    assert wavesel.change_waves(df, 2018, 2019) == (2017, 2019)
    assert wavesel.change_waves(pd.DataFrame({"wave": [2021]})) is None


def test_wave_note_says_which_waves_exist_and_which_are_shown():  # the sentence: etude.publish.present
    t = _tables([2017, 2019], [2019])
    assert wave_note(t) == "Vagues de l'étude : 2017, 2019. Cette partie montre la vague 2019 (la dernière vague)."
    note = wave_note(t, 2017)
    assert "la vague 2017 (acheteurs publics)" in note
    assert "La vague 2017 demandée n'existe pas pour les entreprises" in note
    assert "dernière vague commune" in wave_note(t, 2017, common=True)
    assert wave_note(_tables([2017], []), common=True).endswith("Aucune n'est commune aux deux questionnaires.")
    assert wave_note(_tables([], []), lang="en") == "This study has no wave."
    assert wave_note(_tables([2017, 2019], [2017])) == (
        "Vagues de l'étude : 2017, 2019. Cette partie montre la vague 2019 (acheteurs publics) ; la vague 2017 "
        "(entreprises innovantes) (la dernière vague de chacun).")


def test_wave_note_speaks_english_with_english_population_labels():
    t = _tables([2017, 2019], [2019])
    note = wave_note(t, 2017, lang="en")
    assert note == ("Waves in the study: 2017, 2019. This part shows wave 2017 (public buyers); wave 2019 "
                    "(innovative companies). The requested wave 2017 does not exist for innovative companies: their "
                    "latest wave is shown.")
    assert wave_note(t, 2017, lang="en", common=True).endswith("the latest common wave is shown.")


def test_the_wave_rule_has_no_words():
    import inspect
    assert not hasattr(wavesel, "wave_note")
    assert all("lang" not in inspect.signature(f).parameters for f in vars(wavesel).values() if inspect.isfunction(f))


def test_select_wave_and_its_error_lists_available_waves():
    b = pd.DataFrame({"respondent_id": ["A-1", "A-2"], "wave": [2017, 2018]})
    e = pd.DataFrame({"respondent_id": ["E-1"], "wave": [2017]})
    b17, e17 = wavesel.select_wave({"buyers": b, "companies": e}, 2017)
    assert b17["respondent_id"].tolist() == ["A-1"] and e17["respondent_id"].tolist() == ["E-1"]
    with pytest.raises(ParameterError, match="vague 2018 ; vagues disponibles : 2017"):
        wavesel.select_wave({"buyers": b, "companies": e}, 2018)


def test_one_wave_is_the_wave_of_every_respondent_compared_or_none():
    assert wavesel.one_wave(pd.DataFrame({"wave": [2018]}), pd.DataFrame({"wave": [2018, 2018]})) == 2018
    assert wavesel.one_wave(pd.DataFrame({"wave": [2017]}), pd.DataFrame({"wave": [2018]})) is pd.NA
    assert wavesel.one_wave(pd.DataFrame({"b_temps": [True]})) is pd.NA  # no wave recorded
