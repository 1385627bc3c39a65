"""Words of free-text descriptions and how close two descriptions are: the text part of a meeting pair's score
(:func:`etude.analysis.matching.score_pairs`).

Accents and case are folded by the codebook's :func:`etude.survey.codebook.normalise`; similarity is the cosine of
smoothed TF-IDF vectors (moved out of ``matching``, which keeps its names).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from etude.survey import codebook as cb

__all__ = ["STOP_WORDS", "tokens", "tfidf_similarity"]

#: French stop words, folded like the text (no accents, lower case); also the few English ones seen in offers.
STOP_WORDS = frozenset("""
a afin ai aie aient ainsi alors apres au aucun aupres aussi autre autres aux avec avoir c ca ce ceci cela celle
celles celui ces cet cette ceux chaque chez comme comment d dans de des deja depuis donc dont du elle elles en
encore entre est et etaient etait etant ete etre eu eux fait faire il ils j je jusqu l la le les leur leurs lors
lui m ma mais me meme mes moi moins mon n ne ni nos notre nous on ont or ou par parce pas pendant peu peut plus
pour pourquoi qu quand que quel quelle quelles quels qui sa sans se selon ses si sien son sont sous sur ta te tes
toi ton tous tout toute toutes tres tu un une unes uns vers via voici voila vos votre vous y
the of and for to in on with
""".split())

_WORD = re.compile(r"[a-z0-9]+")


def tokens(text: Any) -> list[str]:
    """Words of a description: accents and case folded, stop words and 1-letter words out, final ``s``/``x`` cut.

    >>> tokens("Les données de santé des hôpitaux")
    ['donnee', 'sante', 'hopitau']
    >>> tokens(None)
    []
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return []
    out = []
    for w in _WORD.findall(cb.normalise(text)):
        if len(w) < 2 or w in STOP_WORDS:
            continue
        if len(w) > 3 and w[-1] in "sx":
            w = w[:-1]
        out.append(w)
    return out


def _tfidf(docs: Sequence[list[str]], vocab: dict[str, int], idf: np.ndarray) -> np.ndarray:
    m = np.zeros((len(docs), len(vocab)))
    for i, doc in enumerate(docs):
        for w, n in Counter(doc).items():
            m[i, vocab[w]] = n * idf[vocab[w]]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)


def tfidf_similarity(left: Sequence[Any], right: Sequence[Any]) -> np.ndarray:
    """Cosine similarity of TF-IDF vectors, ``len(left) × len(right)``, values in [0, 1].

    Term frequency is the raw count of a word (see :func:`tokens`); IDF is the smoothed
    ``ln((1 + n) / (1 + df)) + 1`` over all ``n`` texts of both lists; vectors are L2-normalised.
    Empty or missing texts have a zero vector and similarity 0.

    >>> tfidf_similarity(["Achats de santé"], ["achat sante", "", "béton"]).round(3).tolist()
    [[1.0, 0.0, 0.0]]
    """
    docs_l = [tokens(t) for t in left]
    docs_r = [tokens(t) for t in right]
    docs = docs_l + docs_r
    vocab = {w: i for i, w in enumerate(sorted({w for d in docs for w in d}))}
    df = np.zeros(len(vocab))
    for d in docs:
        for w in set(d):
            df[vocab[w]] += 1
    idf = np.log((1 + len(docs)) / (1 + df)) + 1
    sim = _tfidf(docs_l, vocab, idf) @ _tfidf(docs_r, vocab, idf).T
    return np.clip(sim, 0.0, 1.0)
