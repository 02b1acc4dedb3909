"""Turning product names into features for the categorization model.

Names are short ("Nike Men Black Polo T-shirt", "blue denim jeans for men"), so two views
of the text are combined into one TF-IDF matrix that every classifier head shares:

- **words**: lower-cased, punctuation-free, crudely singularised tokens plus word pairs, so
  "Shirts", "shirt" and "SHIRT" are one feature and "men's" becomes "men"; plus a few
  tokens that know the catalog's word order "Brand Gender descriptors Noun" (see
  :func:`edge_tokens`);
- **character n-grams** (2-5 chars inside word boundaries), so typos ("tshrit") and brands
  never seen in training still share most of their features with known words.

:class:`TextFeatures` is fitted once and its matrix is reused by all heads: a prediction
transforms the text a single time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from ml.catalog.brands import MAX_BRAND_WORDS
from ml.catalog.text import GENDER_WORDS, normalize, singular


def edge_tokens(tokens: list[str]) -> list[str]:
    """Position-aware tokens for names shaped "Brand Gender descriptors Noun".

    A bag of words cannot tell the brand from a descriptor or the product noun from a
    colour, yet the catalog's labels hinge on them: "Catwalk ... Flats" are mostly labelled
    Heels, "Puma Men ... Shoe" splits casual/sports by brand, "Gini and Jony Girl's" is not
    "Girl's" from another brand. So the brand (words before the gender word, else the first
    word), the noun (last word, and the last pair) and their crossings with each other and
    with the gender word are features of their own. Digit-only model numbers are skipped.
    """
    words = [token for token in tokens if not any(char.isdigit() for char in token)] or tokens
    if not words:
        return []
    gender = next((i for i, word in enumerate(words) if word in GENDER_WORDS), -1)
    brand = " ".join(words[:gender]) if 0 < gender <= MAX_BRAND_WORDS else words[0]
    noun = words[-1]
    extra = [f"^{brand}", f"{noun}$", f"^{brand} {noun}$"]
    if len(words) > 1:
        extra.append(f"{words[-2]} {noun}$")
    if gender >= 0:
        extra += [f"{words[gender]}:{noun}$", f"^{brand}:{words[gender]}"]
    return extra


def word_features(text: str) -> list[str]:
    """Singularised tokens, adjacent pairs and :func:`edge_tokens`: the word TF-IDF analyzer."""
    tokens = [singular(token) for token in normalize(text).split()]
    pairs = [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
    return tokens + pairs + edge_tokens(tokens)


class _TfidfBlock:
    """One TF-IDF view: scikit-learn counts the terms and learns the idf weights; the
    weighting itself is three numpy lines, which spares scikit-learn's per-call input
    checks (a single-name prediction would spend most of its time in them)."""

    def __init__(self, counter: CountVectorizer):
        self.counter = counter

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        counts = self.counter.fit_transform(texts)
        self.idf_ = TfidfTransformer().fit(counts).idf_.astype(np.float32)
        return self._weigh(counts)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self._weigh(self.counter.transform(texts))

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear tf (1 + log count) times idf, each row scaled to unit length."""
        matrix = counts.astype(np.float32)
        data = matrix.data
        np.log(data, out=data)
        data += 1.0
        data *= self.idf_[matrix.indices]
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=matrix.shape[0]))
        norms[norms == 0] = 1.0
        data /= norms[rows].astype(np.float32)
        return matrix


class TextFeatures:
    """Word TF-IDF and character n-gram TF-IDF side by side in one sparse matrix."""

    def __init__(self, min_df: int = 2, char_ngrams: tuple[int, int] = (2, 5)):
        self.min_df = min_df
        self.char_ngrams = char_ngrams

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        self.blocks_ = [
            _TfidfBlock(CountVectorizer(analyzer=word_features, min_df=self.min_df)),
            _TfidfBlock(
                CountVectorizer(
                    preprocessor=normalize,
                    analyzer="char_wb",
                    ngram_range=self.char_ngrams,
                    min_df=self.min_df,
                )
            ),
        ]
        return sp.hstack([block.fit_transform(texts) for block in self.blocks_], format="csr")

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return sp.hstack([block.transform(texts) for block in self.blocks_], format="csr")
