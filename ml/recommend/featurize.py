"""Products as vectors, and the small attribute codes kept beside them.

:class:`ProductFeaturizer` turns each product into one sparse, L2-normalised vector: TF-IDF
over its name and description plus one-hot blocks for gender, category path, colour, usage
and season, each block weighted. Cosine similarity is then a dot product. Every recommender
uses the same vectors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from ml.catalog.cleaning import clean_catalog
from ml.catalog.lines import colour_words, variant_key
from ml.catalog.schema import ARTICLE, ATTRIBUTES, COLOUR, DESCRIPTION, GENDER, LEVELS, NAME

SMALL_CATALOG = 50  # products below which the text vocabulary keeps every word

DEFAULT_BLOCK_WEIGHTS = {
    "text": 3.0,
    "gender": 1.0,
    "masterCategory": 0.5,
    "subCategory": 1.0,
    "articleType": 3.0,
    "baseColour": 0.7,
    "usage": 0.5,
    "season": 0.3,
}
CATEGORICAL_BLOCKS = ATTRIBUTES


class ProductFeaturizer(TransformerMixin, BaseEstimator):
    """Product rows -> L2-normalised sparse vectors (text TF-IDF + weighted one-hot blocks).

    Each block is unit length before weighting, so ``weights`` read as "how much of the
    cosine similarity this aspect decides".  Text columns come first (``n_text_features_``)
    and the one-hot columns after, which lets the index split the matrix for speed.

    ``max_df`` drops words found in more than that share of products ("men", "black"): the
    one-hot blocks already carry them, and dropping them keeps the text products sparse.
    """

    def __init__(self, weights: Mapping[str, float] | None = None, min_df=2, max_df=0.2, ngram_range=(1, 2)):
        self.weights = weights
        self.min_df = min_df
        self.max_df = max_df
        self.ngram_range = ngram_range

    def fit(self, catalog: pd.DataFrame, y=None) -> ProductFeaturizer:
        catalog = clean_catalog(catalog)
        # A tiny catalog cannot satisfy both min_df and max_df: fall back to keeping all words.
        min_df = self.min_df if len(catalog) >= SMALL_CATALOG else 1
        max_df = self.max_df if len(catalog) >= SMALL_CATALOG else 1.0
        self.text_vectorizer_ = TfidfVectorizer(
            min_df=min_df,
            max_df=max_df,
            ngram_range=self.ngram_range,
            sublinear_tf=True,
            dtype=np.float32,
        )
        self.text_vectorizer_.fit(_text(catalog))
        self.vocabularies_ = {block: sorted(set(catalog[block]) - {""}) for block in CATEGORICAL_BLOCKS}
        self.n_text_features_ = len(self.text_vectorizer_.vocabulary_)
        return self

    def transform(self, catalog: pd.DataFrame) -> sp.csr_matrix:
        catalog = clean_catalog(catalog)
        weights = {**DEFAULT_BLOCK_WEIGHTS, **(self.weights or {})}
        text = normalize(self.text_vectorizer_.transform(_text(catalog))) * np.sqrt(weights["text"])
        # Normalise again so a missing block (no description, unknown colour) costs nothing.
        return normalize(sp.hstack([text, self._one_hot(catalog, weights)], format="csr")).astype(np.float32)

    def _one_hot(self, catalog: pd.DataFrame, weights: Mapping[str, float]) -> sp.csr_matrix:
        """All categorical blocks side by side; unknown and empty values give zeros."""
        rows, columns, values, offset = [], [], [], 0
        for block in CATEGORICAL_BLOCKS:
            vocabulary = self.vocabularies_[block]
            position = {value: i for i, value in enumerate(vocabulary)}
            for row, value in enumerate(catalog[block].tolist()):
                if value in position:
                    rows.append(row)
                    columns.append(offset + position[value])
                    values.append(np.sqrt(weights[block]))
            offset += len(vocabulary)
        shape = (len(catalog), offset)
        return sp.csr_matrix((np.array(values, np.float32), (rows, columns)), shape=shape)


def _text(catalog: pd.DataFrame) -> list[str]:
    return [
        f"{name} {description}"
        for name, description in zip(catalog[NAME], catalog[DESCRIPTION], strict=True)
    ]


def duplicate_keys(catalog: pd.DataFrame, colours: Iterable[str]) -> pd.Series:
    """A key equal for variants of one product (:func:`ml.catalog.lines.variant_key`).

    Gender and article type are part of the key, so only like-for-like variants collapse.
    """
    words = colour_words(colours)
    names = catalog[NAME].map(lambda name: variant_key(name, words))
    return catalog[GENDER] + "|" + catalog[ARTICLE] + "|" + names


@dataclass
class ItemAttributes:
    """Small per-item integer codes (one array per attribute) plus their vocabularies."""

    vocabularies: dict[str, list[str]]
    codes: dict[str, np.ndarray]
    duplicate_group: np.ndarray
    group_of_key: dict[str, int]

    @classmethod
    def from_catalog(cls, catalog: pd.DataFrame) -> ItemAttributes:
        vocabularies = {c: sorted(set(catalog[c])) for c in LEVELS}
        keys = duplicate_keys(catalog, vocabularies[COLOUR])
        group_of_key = {key: i for i, key in enumerate(dict.fromkeys(keys))}
        attributes = cls(vocabularies, {}, keys.map(group_of_key).to_numpy(np.int32), group_of_key)
        attributes.codes = attributes.encode(catalog)
        return attributes

    def encode(self, rows: pd.DataFrame) -> dict[str, np.ndarray]:
        """Codes for ``rows`` in this vocabulary; unknown values get -1."""
        codes = {}
        for column, vocabulary in self.vocabularies.items():
            position = {value: i for i, value in enumerate(vocabulary)}
            codes[column] = rows[column].map(position).fillna(-1).to_numpy(np.int16)
        return codes

    def groups_for(self, rows: pd.DataFrame) -> np.ndarray:
        """Duplicate-group ids for (possibly new) rows; unknown keys get unique negative ids."""
        keys = duplicate_keys(rows, self.vocabularies[COLOUR])
        return np.array([self.group_of_key.get(key, -2 - i) for i, key in enumerate(keys)], dtype=np.int32)

    def value(self, column: str, code: int) -> str:
        return self.vocabularies[column][code] if code >= 0 else ""

    def row_values(self, row: int) -> dict[str, str]:
        return {column: self.value(column, int(self.codes[column][row])) for column in self.codes}
