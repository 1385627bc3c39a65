"""What the 2017 restitution says is quoted, never paraphrased into a claim (issue 26.5).

Every sentence of the catalogue that attributes something to the restitution (it names it: « restitution » in
French, "findings" in English) quotes it word for word: each «…» quotation in such a sentence is found in the seed
text (``../shared/seeds/*.txt``), up to line breaks and the form of the apostrophe. A quotation that is one of the
study's own status words (« publié », « interprétation »…) is a label, not a quotation. The « effet miroir » is this
study's question: the seed never says it.
"""
from __future__ import annotations

import re
import unicodedata

import pytest
import yaml

from etude import paths, words

QUOTE = re.compile(r"[«“]\s*([^«»“”]+?)\s*[»”]")  # French « » or English “ ” marks


def _seed_files():
    return sorted((paths.shared_dir() / "seeds").glob("*.txt"))


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u202f", " ").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def seed() -> str:
    files = _seed_files()
    if not files:
        pytest.skip("../shared/seeds/ absent")
    return _norm(" ".join(f.read_text(encoding="utf-8") for f in files))


def _strings(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, str):
        yield node


def _sentences(lang: str, marker: str):
    from pathlib import Path
    path = Path(words.__file__).parent / f"{lang}.yaml"
    book = yaml.safe_load(path.read_text(encoding="utf-8"))
    for text in _strings(book):
        for sentence in re.split(r"(?<=[.!?])\s+|\n\s*\n", text):
            if marker in sentence.lower():
                yield sentence


def _labels() -> set[str]:
    """The study's own words that sentences put between quotes (statuses, codes): labels, not quotations."""
    out = set()
    for lang in ("fr", "en"):
        out |= {_norm(v) for v in _strings(words.area("codes", lang))}
    return out | {"interprétation", "interpretation"}


@pytest.mark.parametrize("lang, marker", [("fr", "restitution"), ("en", "findings")])
def test_every_quotation_of_the_restitution_is_word_for_word(seed, lang, marker):
    labels = _labels()
    checked, wrong = 0, []
    for sentence in _sentences(lang, marker):
        for quoted in QUOTE.findall(sentence):
            if "{" in quoted or _norm(quoted) in labels:
                continue  # a placeholder filled from the reference tables, or a status word
            checked += 1
            if _norm(quoted) not in seed:
                wrong.append(f"« {quoted} » in: {sentence[:160]}")
    assert not wrong, "quotations not found in ../shared/seeds/:\n" + "\n".join(wrong)
    assert checked >= 3  # the test reads the sentences it means to


def test_the_mirror_effect_is_the_studys_question_not_the_restitutions(seed):
    assert "miroir" not in seed.lower()
    claims = [s for s in _sentences("fr", "restitution") if "miroir" in s.lower()]
    assert claims, "the notebook says where the mirror effect comes from"
    for sentence in claims:
        assert "question de cette étude" in sentence and "n'en parle pas" in sentence, sentence
    assert not any("décrit un" in s and "miroir" in s for s in _sentences("fr", "restitution"))
