"""Content-based "similar items": works for every product, including one added a minute ago.

How it works, in three steps:

1. :class:`ProductFeaturizer` turns each product into one sparse, L2-normalised vector:
   TF-IDF over its name and description plus one-hot blocks for gender, category path,
   colour, usage and season, each block weighted.  Cosine similarity is a dot product.
2. :meth:`SimilarityIndex.build` computes every product's top-k neighbours in chunks
   (never an N x N matrix), applies the ranking rules (same gender first, near-duplicates
   collapsed, never the product itself) and stores the table as two ``.npy`` files that
   web processes open with ``mmap_mode="r"``, so they share one copy in the OS page cache.
3. :meth:`SimilarityIndex.similar` is then a row lookup; :meth:`~SimilarityIndex.similar_to_new`
   scores products that are not in the table with one sparse product against the item matrix.

This module never imports Django: the shop hands it plain DataFrames (see ``CATALOG_COLUMNS``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from ml import artifacts
from ml.artifacts import ArtifactMissing, load_artifact, save_artifact
from ml.data import fingerprint

CATALOG_COLUMNS = [
    "id",
    "name",
    "description",
    "gender",
    "masterCategory",
    "subCategory",
    "articleType",
    "baseColour",
    "usage",
    "season",
    "price",
]
ATTRIBUTE_COLUMNS = ["gender", "masterCategory", "subCategory", "articleType", "baseColour", "usage"]
UNISEX = "Unisex"


@dataclass(frozen=True)
class Recommendation:
    """One recommended product, with a short human reason for showing it."""

    product_id: int
    score: float
    reason: str


# --------------------------------------------------------------------------------------
# Catalog helpers
# --------------------------------------------------------------------------------------


def demo_price(product_id: int) -> float:
    """A deterministic made-up price (199-4,999) for dataset products, which have none."""
    digest = hashlib.sha1(f"price:{product_id}".encode()).digest()
    fraction = int.from_bytes(digest[:4], "big") / 2**32
    return float(round(199 * (25**fraction)) // 10 * 10 + 9)


def catalog_from_styles(styles: pd.DataFrame) -> pd.DataFrame:
    """The shop's catalog format built from ``ml.data.load_styles`` rows (for evaluation/tests)."""
    catalog = pd.DataFrame(
        {
            "id": styles["id"].astype(int),
            "name": styles["productDisplayName"],
            "description": "",
            **{c: styles[c] for c in ATTRIBUTE_COLUMNS},
            "season": styles["season"],
            "price": [demo_price(int(i)) for i in styles["id"]],
        }
    )
    return catalog[CATALOG_COLUMNS].reset_index(drop=True)


def clean_catalog(catalog: pd.DataFrame) -> pd.DataFrame:
    """Columns we need, as stripped strings (missing text becomes ``''``), ids as int64.

    Plain Python per value: a single product row is cleaned in microseconds, not in the
    milliseconds that a dozen pandas string operations would cost.
    """
    n = len(catalog)
    data: dict[str, object] = {"id": pd.to_numeric(catalog["id"]).to_numpy(np.int64)}
    for column in CATALOG_COLUMNS[1:-1]:
        values = catalog[column].tolist() if column in catalog.columns else [""] * n
        data[column] = [_clean_text(v) for v in values]
    data["usage"] = ["" if v == "NA" else v for v in data["usage"]]  # type: ignore[union-attr]
    prices = catalog["price"] if "price" in catalog.columns else pd.Series(np.nan, index=catalog.index)
    data["price"] = pd.to_numeric(prices, errors="coerce").to_numpy(float)
    return pd.DataFrame(data)


def _clean_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


# --------------------------------------------------------------------------------------
# Colour harmony (also used by complete-the-look)
# --------------------------------------------------------------------------------------

NEUTRAL_COLOURS = {
    "Black",
    "White",
    "Grey",
    "Grey Melange",
    "Charcoal",
    "Navy Blue",
    "Beige",
    "Cream",
    "Off White",
    "Silver",
    "Steel",
    "Metallic",
    "Nude",
    "Skin",
    "Taupe",
    "Khaki",
}
COLOUR_FAMILIES = {
    "blue": {"Blue", "Turquoise Blue", "Teal"},
    "red": {"Red", "Maroon", "Burgundy"},
    "pink": {"Pink", "Magenta", "Peach", "Rose"},
    "purple": {"Purple", "Lavender", "Mauve"},
    "green": {"Green", "Olive", "Sea Green", "Lime Green", "Fluorescent Green"},
    "yellow": {"Yellow", "Mustard"},
    "orange": {"Orange", "Rust"},
    "earth": {"Brown", "Tan", "Coffee Brown", "Mushroom Brown", "Bronze", "Copper", "Gold"},
}
# Classic pairs of families that go together (besides a family with itself).
HARMONIOUS_FAMILIES = {
    frozenset(p)
    for p in [
        ("blue", "earth"),
        ("blue", "yellow"),
        ("blue", "orange"),
        ("blue", "pink"),
        ("green", "earth"),
        ("orange", "earth"),
        ("yellow", "earth"),
        ("red", "earth"),
        ("pink", "purple"),
        ("purple", "yellow"),
        ("red", "blue"),
    ]
}
_FAMILY_OF = {colour: family for family, colours in COLOUR_FAMILIES.items() for colour in colours}


def colour_family(colour: str) -> str:
    """``"neutral"``, a family name such as ``"blue"``, or ``"other"`` (Multi, unknown)."""
    if colour in NEUTRAL_COLOURS:
        return "neutral"
    return _FAMILY_OF.get(colour, "other")


def colours_go_together(a: str, b: str) -> bool:
    """Neutrals go with anything; otherwise same family or a classic pair."""
    fa, fb = colour_family(a), colour_family(b)
    if "neutral" in (fa, fb) or a == b:
        return True
    if "other" in (fa, fb):
        return False
    return fa == fb or frozenset((fa, fb)) in HARMONIOUS_FAMILIES


# --------------------------------------------------------------------------------------
# Featurizer
# --------------------------------------------------------------------------------------

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
CATEGORICAL_BLOCKS = [
    "gender",
    "masterCategory",
    "subCategory",
    "articleType",
    "baseColour",
    "usage",
    "season",
]


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
        min_df = self.min_df if len(catalog) >= 50 else 1
        max_df = self.max_df if len(catalog) >= 50 else 1.0
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
        for name, description in zip(catalog["name"], catalog["description"], strict=True)
    ]


# --------------------------------------------------------------------------------------
# Near-duplicates: the same product in another colour, size or pack
# --------------------------------------------------------------------------------------

# Words that tell variants of one product apart: sizes, packs, shades (colours are added).
_VARIANT_WORDS = set(
    "pack packs set of combo light dark multi coloured colored size xs s m l xl xxl xxxl".split()
)


def duplicate_keys(catalog: pd.DataFrame, colour_words: Iterable[str]) -> pd.Series:
    """A key equal for variants of one product: the set of name words minus colours, sizes,
    packs and numbers (so word order does not matter either).

    Gender and article type are part of the key, so only like-for-like variants collapse.
    """
    drop = _VARIANT_WORDS | {w for colour in colour_words for w in colour.lower().split()}

    def key(name: str) -> str:
        words = set(re.findall(r"[a-z0-9]+", name.lower()))
        return " ".join(sorted(w for w in words if w not in drop and not any(c.isdigit() for c in w)))

    names = catalog["name"].map(key)
    return catalog["gender"] + "|" + catalog["articleType"] + "|" + names


# --------------------------------------------------------------------------------------
# Attributes kept beside the vectors, for ranking rules and reasons
# --------------------------------------------------------------------------------------


@dataclass
class ItemAttributes:
    """Small per-item integer codes (one array per attribute) plus their vocabularies."""

    vocabularies: dict[str, list[str]]
    codes: dict[str, np.ndarray]
    duplicate_group: np.ndarray
    group_of_key: dict[str, int]

    @classmethod
    def from_catalog(cls, catalog: pd.DataFrame) -> ItemAttributes:
        vocabularies = {c: sorted(set(catalog[c])) for c in ATTRIBUTE_COLUMNS}
        keys = duplicate_keys(catalog, vocabularies["baseColour"])
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
        keys = duplicate_keys(rows, self.vocabularies["baseColour"])
        return np.array([self.group_of_key.get(key, -2 - i) for i, key in enumerate(keys)], dtype=np.int32)

    def value(self, column: str, code: int) -> str:
        return self.vocabularies[column][code] if code >= 0 else ""

    def row_values(self, row: int) -> dict[str, str]:
        return {column: self.value(column, int(self.codes[column][row])) for column in self.codes}


def gender_tiers(query_gender: str, genders: list[str]) -> np.ndarray:
    """Per gender value: 2 = same gender, 1 = compatible through Unisex, 0 = other."""
    tiers = np.zeros(len(genders), dtype=np.float32)
    for i, gender in enumerate(genders):
        if gender == query_gender:
            tiers[i] = 2
        elif UNISEX in (gender, query_gender) or not query_gender:
            tiers[i] = 1
    return tiers


def similarity_reason(query: Mapping[str, str], item: Mapping[str, str]) -> str:
    """One short line, e.g. "same type, same colour" or "same style, matching colour"."""
    if query["articleType"] == item["articleType"]:
        parts = ["same type"]
    elif query["subCategory"] == item["subCategory"]:
        parts = ["same category"]
    elif query["usage"] and query["usage"] == item["usage"]:
        parts = ["same style"]
    else:
        parts = ["similar look"]
    if query["baseColour"] and query["baseColour"] == item["baseColour"]:
        parts.append("same colour")
    elif (
        query["baseColour"]
        and item["baseColour"]
        and colour_family(query["baseColour"]) == colour_family(item["baseColour"]) != "other"
    ):
        parts.append("matching colour")
    return ", ".join(parts)


# --------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------

TIER_BONUS = 2.0  # larger than any cosine, so a better gender tier always ranks first
NEIGHBOUR_FILE = "neighbour_ids.npy"
SCORE_FILE = "scores.npy"
MATRIX_FILE = "item_matrix.npz"
STATE_FILE = "index.joblib"


class SimilarityIndex:
    """Top-k similar products for every catalog product, plus queries for new products.

    Build with :meth:`build`, persist with :meth:`save` / :meth:`load`.  ``neighbour_ids``
    holds product ids (``-1`` pads rows with fewer than k neighbours) and ``scores`` their
    cosine similarity, best first.
    """

    def __init__(self, *, ids, featurizer, matrix, attributes, neighbour_ids, scores, build_seconds=None):
        self.ids = np.asarray(ids, dtype=np.int64)
        self.featurizer = featurizer
        self.matrix = matrix
        self.attributes = attributes
        self.neighbour_ids = neighbour_ids
        self.scores = scores
        self.build_seconds = build_seconds
        self.metadata: dict = {}  # artifact metadata, set by load_similarity_index
        self.version = ""
        self._look = None  # the CompleteTheLook helper, created on first use
        self._row_of = {int(product_id): row for row, product_id in enumerate(self.ids)}
        self._tiers = {
            g: gender_tiers(g, attributes.vocabularies["gender"])
            for g in [*attributes.vocabularies["gender"], ""]
        }

    # ---- building ------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        catalog: pd.DataFrame,
        k: int = 50,
        chunk_size: int = 512,
        featurizer: ProductFeaturizer | None = None,
    ) -> SimilarityIndex:
        """Featurize ``catalog`` and compute everybody's top-``k`` neighbours chunk by chunk."""
        started = dt.datetime.now()
        catalog = clean_catalog(catalog)
        if catalog["id"].duplicated().any():
            raise ValueError("catalog ids must be unique")
        if len(catalog) and (catalog["id"].max() > np.iinfo(np.int32).max or catalog["id"].min() < 0):
            raise ValueError("product ids must fit in int32 for the neighbour table")
        featurizer = featurizer or ProductFeaturizer()
        matrix = featurizer.fit(catalog).transform(catalog)
        index = cls(
            ids=catalog["id"].to_numpy(),
            featurizer=featurizer,
            matrix=matrix,
            attributes=ItemAttributes.from_catalog(catalog),
            neighbour_ids=np.empty((0, k), np.int32),
            scores=np.empty((0, k), np.float32),
        )
        n = len(catalog)
        neighbours = np.full((n, k), -1, dtype=np.int32)
        scores = np.zeros((n, k), dtype=np.float32)
        # Split the columns: sparse text part, small dense one-hot part (fast through BLAS).
        text = matrix[:, : featurizer.n_text_features_].tocsr()
        text_t = text.T.tocsr()
        onehot = matrix[:, featurizer.n_text_features_ :].toarray()
        genders = [index.attributes.value("gender", c) for c in index.attributes.codes["gender"]]
        for start in range(0, n, chunk_size):
            stop = min(start + chunk_size, n)
            similarity = onehot[start:stop] @ onehot.T
            _add_sparse(similarity, text[start:stop] @ text_t)
            rows, cols = np.arange(stop - start), np.arange(start, stop)
            similarity[rows, cols] = -np.inf  # never the product itself
            chunk_rows, chunk_scores = index._rank(
                similarity, genders[start:stop], index.attributes.duplicate_group[start:stop], k
            )
            neighbours[start:stop] = np.where(chunk_rows >= 0, index.ids[chunk_rows], -1)
            scores[start:stop] = chunk_scores
        index.neighbour_ids, index.scores = neighbours, scores
        index.build_seconds = (dt.datetime.now() - started).total_seconds()
        return index

    def _rank(
        self, similarity: np.ndarray, query_genders: list[str], query_groups: np.ndarray, k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the best ``k`` items per query row, after the ranking rules.

        ``similarity`` (queries x items, modified in place) gets a bonus per gender tier,
        then the best candidates are de-duplicated (see :func:`_top_distinct`).  A row whose
        candidates were mostly duplicates is retried with a wider pool.  Returns
        (rows, cosine scores), padded with -1 / 0.
        """
        n_queries, n_items = similarity.shape
        query_genders = np.asarray(query_genders, dtype=object)
        item_gender = self.attributes.codes["gender"]
        for gender in set(query_genders):
            tiers = self._tiers.get(gender, self._tiers[""])
            similarity[query_genders == gender] += TIER_BONUS * tiers[item_gender]
        rows = np.full((n_queries, k), -1, dtype=np.int32)
        adjusted = np.zeros((n_queries, k), dtype=np.float32)
        pending, pool = np.arange(n_queries), 4 * k + 8
        while pending.size:
            pool = min(pool, n_items)
            subset = similarity if pending.size == n_queries else similarity[pending]
            found_rows, found_scores, found = _top_distinct(
                subset, self.attributes.duplicate_group, query_groups[pending], k, pool
            )
            done = (found >= k) | (pool == n_items)
            rows[pending[done]] = found_rows[done]
            adjusted[pending[done]] = found_scores[done]
            pending, pool = pending[~done], pool * 8
        cosine = adjusted - TIER_BONUS * self._tier_of(query_genders, rows)
        return rows, np.where(rows >= 0, cosine, 0.0).astype(np.float32)

    def _tier_of(self, query_genders: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Gender tier (0-2) of each chosen item relative to its query."""
        item_gender = self.attributes.codes["gender"][rows]
        tiers = np.zeros(rows.shape, dtype=np.float32)
        for gender in set(query_genders):
            mask = query_genders == gender
            tiers[mask] = self._tiers.get(gender, self._tiers[""])[item_gender[mask]]
        return tiers

    # ---- queries -------------------------------------------------------------------

    def __contains__(self, product_id: object) -> bool:
        try:
            return int(product_id) in self._row_of  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False

    def __len__(self) -> int:
        return len(self.ids)

    def row_of(self, product_id: int) -> int:
        """Row of a catalog product; ``KeyError`` if it is not in the index."""
        return self._row_of[int(product_id)]

    def similar(self, product_id: int, k: int = 10, exclude: Collection[int] = ()) -> list[Recommendation]:
        """The precomputed neighbours of a catalog product (``KeyError`` if unknown)."""
        row = self._row_of[int(product_id)]
        query = self.attributes.row_values(row)
        results = []
        for neighbour, score in zip(self.neighbour_ids[row].tolist(), self.scores[row].tolist(), strict=True):
            if neighbour < 0 or neighbour in exclude:
                continue
            item = self.attributes.row_values(self._row_of[neighbour])
            results.append(Recommendation(neighbour, round(score, 4), similarity_reason(query, item)))
            if len(results) == k:
                break
        return results

    def similar_to_new(self, rows: pd.DataFrame, k: int = 10) -> list[list[Recommendation]]:
        """Neighbours for products that are not in the index (one sparse product per batch)."""
        rows = clean_catalog(rows)
        if rows.empty:
            return []
        vectors = self.featurizer.transform(rows)
        similarity = (self.matrix @ vectors.T).T.toarray()
        for i, product_id in enumerate(rows["id"]):
            if int(product_id) in self._row_of:  # a product never neighbours itself
                similarity[i, self._row_of[int(product_id)]] = -np.inf
        chosen, scores = self._rank(similarity, list(rows["gender"]), self.attributes.groups_for(rows), k)
        results = []
        for i, (item_rows, item_scores) in enumerate(zip(chosen.tolist(), scores.tolist(), strict=True)):
            query = rows.iloc[i][ATTRIBUTE_COLUMNS].to_dict()
            results.append(
                [
                    Recommendation(
                        int(self.ids[r]), round(s, 4), similarity_reason(query, self.attributes.row_values(r))
                    )
                    for r, s in zip(item_rows, item_scores, strict=True)
                    if r >= 0
                ]
            )
        return results

    def vectors_for(self, rows: pd.DataFrame) -> sp.csr_matrix:
        """Feature vectors for arbitrary product rows (same space as ``matrix``)."""
        return self.featurizer.transform(rows)

    def complete_the_look(self, product: int | pd.Series | Mapping | pd.DataFrame, k: int = 10):
        """Complementary items from other categories; see :mod:`ml.complete_the_look`."""
        return self.prepare()._look.recommend(product, k=k)

    def prepare(self) -> SimilarityIndex:
        """Build the parts made on first use now (a server does it before forking workers)."""
        from ml.complete_the_look import CompleteTheLook  # imported late: it builds on this module

        if self._look is None:
            self._look = CompleteTheLook(self)
        return self

    # ---- persistence ---------------------------------------------------------------

    def save(self, directory: Path | str) -> Path:
        """Write the index into ``directory`` (created; files are overwritten)."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / NEIGHBOUR_FILE, np.ascontiguousarray(self.neighbour_ids, dtype=np.int32))
        np.save(folder / SCORE_FILE, np.ascontiguousarray(self.scores, dtype=np.float32))
        sp.save_npz(folder / MATRIX_FILE, self.matrix, compressed=False)
        state = {
            "ids": self.ids,
            "featurizer": self.featurizer,
            "attributes": self.attributes,
            "build_seconds": self.build_seconds,
        }
        joblib.dump(state, folder / STATE_FILE)
        return folder

    @classmethod
    def load(cls, directory: Path | str) -> SimilarityIndex:
        """Open a saved index; the neighbour table is memory-mapped, not read."""
        folder = Path(directory)
        if not (folder / STATE_FILE).exists():
            raise ArtifactMissing(f"No similarity index in {folder}. Run `python manage.py train_models`.")
        state = joblib.load(folder / STATE_FILE)
        return cls(
            ids=state["ids"],
            featurizer=state["featurizer"],
            attributes=state["attributes"],
            matrix=sp.load_npz(folder / MATRIX_FILE).tocsr(),
            neighbour_ids=np.load(folder / NEIGHBOUR_FILE, mmap_mode="r"),
            scores=np.load(folder / SCORE_FILE, mmap_mode="r"),
            build_seconds=state.get("build_seconds"),
        )


def _add_sparse(dense: np.ndarray, matrix: sp.spmatrix) -> None:
    """``dense += matrix`` without densifying ``matrix`` first."""
    matrix = matrix.tocsr()
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    dense[rows, matrix.indices] += matrix.data


def _top_distinct(
    similarity: np.ndarray, item_groups: np.ndarray, query_groups: np.ndarray, k: int, pool: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best ``k`` of the top ``pool`` items per row, keeping one item per duplicate group
    and none from the query's own group.  Returns (rows, scores, how many were found)."""
    n_items = similarity.shape[1]
    if pool < n_items:
        candidates = np.argpartition(similarity, n_items - pool, axis=1)[:, -pool:]
    else:
        candidates = np.tile(np.arange(n_items), (len(similarity), 1))
    scores = np.take_along_axis(similarity, candidates, axis=1)
    order = np.argsort(-scores, axis=1, kind="stable")
    candidates = np.take_along_axis(candidates, order, axis=1)
    scores = np.take_along_axis(scores, order, axis=1)
    groups = item_groups[candidates]
    valid = np.isfinite(scores) & _first_occurrences(groups) & (groups != query_groups[:, None])
    pick = np.argsort(~valid, axis=1, kind="stable")[:, :k]
    keep = np.take_along_axis(valid, pick, axis=1)
    rows = np.where(keep, np.take_along_axis(candidates, pick, axis=1), -1)
    scores = np.where(keep, np.take_along_axis(scores, pick, axis=1), 0.0)
    if rows.shape[1] < k:  # catalogs smaller than k
        rows = np.pad(rows, ((0, 0), (0, k - rows.shape[1])), constant_values=-1)
        scores = np.pad(scores, ((0, 0), (0, k - scores.shape[1])))
    return rows.astype(np.int32), scores.astype(np.float32), valid.sum(axis=1)


def _first_occurrences(groups: np.ndarray) -> np.ndarray:
    """Mask of the first occurrence of each value within every row of ``groups``."""
    order = np.argsort(groups, axis=1, kind="stable")
    ordered = np.take_along_axis(groups, order, axis=1)
    first_sorted = np.ones_like(ordered, dtype=bool)
    first_sorted[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.empty_like(first_sorted)
    np.put_along_axis(first, order, first_sorted, axis=1)
    return first


# --------------------------------------------------------------------------------------
# Saving as an artifact under models_dir
# --------------------------------------------------------------------------------------

ARTIFACT_NAME = "similarity"


def save_similarity_index(
    index: SimilarityIndex,
    *,
    catalog: pd.DataFrame,
    metrics: dict | None = None,
    models_dir: Path | str | None = None,
) -> Path:
    """Save into a fresh versioned folder, then switch the ``similarity.joblib`` manifest to it.

    Web processes that still map the previous folder keep working; older folders are removed.
    """
    folder = Path(models_dir) if models_dir is not None else artifacts.models_dir()
    data_fingerprint = fingerprint(clean_catalog(catalog))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
    subfolder = f"similarity-{stamp}-{data_fingerprint[:8]}"
    index.save(folder / subfolder)
    save_artifact(
        {"directory": subfolder, "k": index.neighbour_ids.shape[1], "size": len(index)},
        name=ARTIFACT_NAME,
        data_fingerprint=data_fingerprint,
        metrics=metrics,
        extra={"build_seconds": index.build_seconds},
        directory=folder,
    )
    previous = sorted(p for p in folder.glob("similarity-*") if p.is_dir() and p.name != subfolder)
    for old in previous[:-1]:  # keep the one before, for processes that have not reloaded
        shutil.rmtree(old, ignore_errors=True)
    return folder / subfolder


def load_similarity_index(*, models_dir: Path | str | None = None) -> SimilarityIndex:
    """The deployed index; ``ArtifactMissing`` if nothing was trained yet."""
    folder = Path(models_dir) if models_dir is not None else artifacts.models_dir()
    manifest, metadata = load_artifact(ARTIFACT_NAME, directory=folder)
    index = SimilarityIndex.load(folder / manifest["directory"])
    index.metadata, index.version = metadata, metadata["version"]
    return index
