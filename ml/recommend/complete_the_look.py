""" "Complete the look": items from OTHER categories that go with a product.

Pure domain knowledge plus the similarity index's arrays, no training:

* ``COMPLEMENTS`` says which article types complete an outfit (jeans -> shirts, belts,
  casual shoes...), in order of priority; types missing from it fall back to their
  subCategory's or masterCategory's entry;
* candidates must be of a compatible gender (same, or Unisex) and usage (``USAGE_GOES_WITH``)
  and of a colour that goes with the product (``colours_go_together``: neutrals go with
  anything, plus a small harmony table);
* among those, the score prefers the same usage and the closest "style" (cosine of the
  product vectors: brand words, season, usage), and the result takes at most
  ``per_type`` items of each complementary type, round-robin, so it is varied.

Works for catalog products (by id) and for new ones (given as a row). A catalog product's
answer depends on the index alone, so :meth:`CompleteTheLook.fit` finds every one once,
at build time (the products that read alike, i.e. the same complements, sub-category, gender,
usage and colour rule, are scored together against each type's fitting products: one sparse
matrix product and the same top-k rule per pair), and :func:`save_complete_the_look` keeps
the table, memory-mapped, beside the similarity index it was computed from: a product page
reads a row instead of scoring (~1.2 ms of CPU a page; ~10 s of CPU once per build).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ml.catalog.cleaning import clean_catalog
from ml.catalog.colours import colours_go_together
from ml.catalog.schema import ARTICLE, COLOUR, GENDER, ID, LEVELS, MASTER, SUB, USAGE, genders_compatible
from ml.recommend.ranking import NO_GROUP, Recommendation, candidate_pool, top_distinct
from ml.recommend.similar import SimilarityIndex
from ml.store import ArtifactMissing, ArtifactStore

ARTIFACT_NAME = "complete_the_look"
ROW_FILE = "look_rows.npy"
SCORE_FILE = "look_scores.npy"
BUILD_CELLS = 1 << 21  # scores held at once while precomputing (products x one type's fitting items)

_TEE_TOP = [
    "Jeans",
    "Shorts",
    "Track Pants",
    "Casual Shoes",
    "Sports Shoes",
    "Caps",
    "Sunglasses",
    "Watches",
    "Backpacks",
]
_SHIRT = [
    "Trousers",
    "Jeans",
    "Formal Shoes",
    "Casual Shoes",
    "Belts",
    "Ties",
    "Watches",
    "Cufflinks",
    "Skirts",
    "Heels",
    "Handbags",
]
_WOMENS_TOP = [
    "Jeans",
    "Skirts",
    "Capris",
    "Leggings",
    "Shorts",
    "Heels",
    "Flats",
    "Handbags",
    "Earrings",
    "Sunglasses",
]
_ETHNIC_TOP = [
    "Leggings",
    "Churidar",
    "Salwar",
    "Patiala",
    "Dupatta",
    "Trousers",
    "Flats",
    "Sandals",
    "Earrings",
    "Bangle",
    "Clutches",
]
_WARM_LAYER = ["Jeans", "Trousers", "Casual Shoes", "Scarves", "Mufflers", "Caps", "Watches", "Tshirts"]
_DRESS = [
    "Heels",
    "Flats",
    "Clutches",
    "Handbags",
    "Earrings",
    "Necklace and Chains",
    "Bracelet",
    "Sunglasses",
    "Watches",
]
_JEWELLERY = ["Dresses", "Tops", "Kurtas", "Sarees", "Heels", "Clutches", "Handbags"]
_BAG = ["Dresses", "Tops", "Heels", "Flats", "Earrings", "Sunglasses", "Watches", "Backpacks"]
_SLIM_BOTTOM = ["Tops", "Kurtas", "Kurtis", "Tunics", "Flats", "Sandals", "Handbags"]
_SANDALS = ["Shorts", "Tshirts", "Capris", "Tops", "Sunglasses", "Caps"]
_BEAUTY = ["Lipstick", "Nail Polish", "Kajal and Eyeliner", "Compact", "Perfume and Body Mist", "Deodorant"]

# articleType (or subCategory / masterCategory as a fallback) -> complementary articleTypes.
COMPLEMENTS: dict[str, list[str]] = {
    # tops
    "Tshirts": _TEE_TOP,
    "Shirts": _SHIRT,
    "Tops": _WOMENS_TOP,
    "Tunics": ["Leggings", "Jeans", "Flats", "Sandals", "Handbags", "Earrings"],
    "Kurtas": _ETHNIC_TOP,
    "Kurtis": _ETHNIC_TOP,
    "Sweaters": _WARM_LAYER,
    "Sweatshirts": _WARM_LAYER,
    "Jackets": _WARM_LAYER,
    "Blazers": ["Trousers", "Formal Shoes", "Ties", "Belts", "Watches"],
    # bottoms
    "Jeans": [
        "Shirts",
        "Tshirts",
        "Tops",
        "Belts",
        "Casual Shoes",
        "Heels",
        "Handbags",
        "Watches",
        "Sunglasses",
    ],
    "Trousers": ["Shirts", "Tops", "Formal Shoes", "Belts", "Ties", "Heels", "Handbags", "Watches"],
    "Shorts": ["Tshirts", "Tops", "Flip Flops", "Sandals", "Casual Shoes", "Caps", "Sunglasses"],
    "Track Pants": ["Tshirts", "Sports Shoes", "Caps", "Socks", "Backpacks"],
    "Skirts": ["Tops", "Tshirts", "Heels", "Flats", "Handbags", "Earrings"],
    "Capris": _SLIM_BOTTOM,
    "Leggings": _SLIM_BOTTOM,
    "Jeggings": _SLIM_BOTTOM,
    "Churidar": ["Kurtas", "Kurtis", "Dupatta", "Flats", "Earrings"],
    "Salwar": ["Kurtas", "Kurtis", "Dupatta", "Flats", "Earrings"],
    "Patiala": ["Kurtas", "Kurtis", "Dupatta", "Flats", "Earrings"],
    # one-piece
    "Dresses": _DRESS,
    "Jumpsuit": _DRESS,
    "Sarees": ["Heels", "Clutches", "Earrings", "Bangle", "Jewellery Set", "Necklace and Chains"],
    # footwear
    "Casual Shoes": ["Jeans", "Tshirts", "Shirts", "Shorts", "Socks", "Backpacks", "Watches"],
    "Sports Shoes": ["Track Pants", "Tshirts", "Shorts", "Socks", "Caps", "Backpacks"],
    "Formal Shoes": ["Trousers", "Shirts", "Belts", "Socks", "Ties", "Wallets"],
    "Heels": ["Dresses", "Tops", "Skirts", "Jeans", "Clutches", "Handbags", "Earrings"],
    "Flats": ["Kurtas", "Tops", "Capris", "Leggings", "Jeans", "Handbags", "Earrings"],
    "Sandals": _SANDALS,
    "Flip Flops": _SANDALS,
    # accessories
    "Handbags": _BAG,
    "Clutches": _BAG,
    "Belts": ["Jeans", "Trousers", "Shirts", "Formal Shoes", "Casual Shoes", "Wallets", "Watches"],
    "Watches": ["Shirts", "Tshirts", "Tops", "Belts", "Wallets", "Sunglasses", "Casual Shoes"],
    "Sunglasses": ["Tshirts", "Tops", "Shorts", "Caps", "Watches", "Flip Flops"],
    "Wallets": ["Belts", "Watches", "Shirts", "Jeans", "Formal Shoes"],
    "Ties": ["Shirts", "Cufflinks", "Trousers", "Formal Shoes", "Belts"],
    "Cufflinks": ["Shirts", "Ties", "Trousers", "Formal Shoes"],
    "Caps": ["Tshirts", "Shorts", "Sports Shoes", "Sunglasses", "Backpacks"],
    "Backpacks": ["Tshirts", "Jeans", "Casual Shoes", "Sports Shoes", "Caps", "Watches"],
    "Socks": ["Casual Shoes", "Sports Shoes", "Formal Shoes", "Track Pants"],
    # fallbacks by subCategory / masterCategory
    "Topwear": _TEE_TOP,
    "Bottomwear": ["Tshirts", "Shirts", "Tops", "Casual Shoes", "Belts", "Watches"],
    "Dress": _DRESS,
    "Shoes": ["Jeans", "Tshirts", "Tops", "Socks", "Watches"],
    "Jewellery": _JEWELLERY,
    "Bags": _BAG,
    "Innerwear": ["Socks", "Lounge Pants", "Lounge Shorts", "Night suits"],
    "Loungewear and Nightwear": ["Flip Flops", "Socks", "Innerwear Vests", "Bra"],
    "Apparel": ["Tshirts", "Tops", "Jeans", "Casual Shoes", "Watches", "Handbags"],
    "Footwear": ["Jeans", "Tshirts", "Tops", "Socks"],
    "Accessories": ["Tshirts", "Shirts", "Tops", "Jeans", "Casual Shoes", "Heels"],
    "Personal Care": _BEAUTY,
}

# Which usages can be worn together (the product's own usage always can).
USAGE_GOES_WITH = {
    "Casual": {"Smart Casual", "Sports"},
    "Smart Casual": {"Casual", "Formal"},
    "Formal": {"Smart Casual", "Casual", "Party"},
    "Sports": {"Casual"},
    "Ethnic": {"Casual", "Party", "Formal"},
    "Party": {"Casual", "Formal", "Smart Casual", "Ethnic"},
    "Travel": {"Casual", "Sports"},
    "Home": {"Casual"},
}
SAME_USAGE_BONUS = 0.5  # prefer a formal belt for a formal shirt, if one goes with it
PER_TYPE = 2  # items of each complementary type, so that a look is varied


def complements_for(product: Mapping[str, str]) -> list[str]:
    """Complementary article types for a product (by type, else subCategory, else master)."""
    for key in (ARTICLE, SUB, MASTER):
        if product.get(key) in COMPLEMENTS:
            return COMPLEMENTS[product[key]]
    return COMPLEMENTS["Apparel"]


def usage_fits(query_usage: str, usage: str) -> bool:
    """Unknown usage fits anything; otherwise the same usage or one from USAGE_GOES_WITH."""
    return (
        not query_usage or not usage or usage == query_usage or usage in USAGE_GOES_WITH.get(query_usage, ())
    )


class CompleteTheLook(BaseEstimator):
    """Complementary-item recommender over a :class:`SimilarityIndex` (``fit(index)``).

    The catalog is split once into one block per article type (its rows and their slice of
    the feature matrix). A query then touches only the blocks of its complementary types:
    the compatibility rules are evaluated once per distinct value (a few dozen genders,
    usages, colours, each kept once known) and applied as masks, and the style score is one
    sparse matrix-vector product per block (about a millisecond on 40k products).

    Parameters:
        per_type: items of each complementary type in an answer.
        precompute: whether ``fit`` finds every catalog product's answer (the table pages
            read); False: every query is scored.

    After ``fit``: ``index_`` (the similarity index), ``type_code_`` (article type -> code),
    ``blocks_`` (code -> its :class:`_Block`) and ``rows_`` / ``scores_``: every catalog
    product's answer, index rows (-1 pads) and scores in :meth:`recommend`'s order (None
    without ``precompute``).
    """

    def __init__(self, per_type: int = PER_TYPE, precompute: bool = True):
        self.per_type = per_type
        self.precompute = precompute

    def fit(self, X: SimilarityIndex, y=None) -> CompleteTheLook:
        """Split the catalog of the index ``X`` into per-type blocks and, with
        ``precompute``, find every catalog product's answer; ``y`` is ignored."""
        attributes = X.attributes
        self.index_ = X
        self.type_code_ = {t: i for i, t in enumerate(attributes.vocabularies[ARTICLE])}
        type_codes = attributes.codes[ARTICLE]
        self.blocks_ = {}
        for code in range(len(attributes.vocabularies[ARTICLE])):
            rows = np.flatnonzero(type_codes == code)
            if rows.size:
                self.blocks_[code] = _Block(
                    rows=rows,
                    matrix=X.matrix[rows].tocsr(),
                    codes={column: attributes.codes[column][rows] for column in (SUB, GENDER, USAGE, COLOUR)},
                    groups=attributes.duplicate_group[rows],
                )
        self._allowed_by_value: dict[tuple[str, str], np.ndarray] = {}  # filled as queries come
        self.rows_, self.scores_ = self._table() if self.precompute else (None, None)
        return self

    def recommend(
        self, product: int | pd.Series | Mapping | pd.DataFrame, k: int = 10
    ) -> list[Recommendation]:
        """Up to ``k`` items that complete the look of ``product`` (an id or a product row)."""
        check_is_fitted(self)
        if self.rows_ is not None and isinstance(product, (int, np.integer)):
            row = self.index_.row_of(int(product))
            query = self.index_.attributes.row_values(row)
            return [
                Recommendation(int(self.index_.ids[r]), round(score, 4), self._reason(query, r))
                for r, score in zip(self.rows_[row].tolist(), self.scores_[row].tolist(), strict=True)
                if r >= 0
            ][:k]
        return self._scored(product, k)

    def _scored(self, product, k: int) -> list[Recommendation]:
        """:meth:`recommend` by scoring the complementary types' products now."""
        query, dense_vector, own_row = self._resolve(product)
        wanted = self._wanted(query)
        if not wanted:
            return []
        own_sub = self._code(SUB, query[SUB])
        own_usage = self._code(USAGE, query[USAGE])
        gender_ok = self._allowed_for(GENDER, query[GENDER], genders_compatible)
        usage_ok = self._allowed_for(USAGE, query[USAGE], usage_fits)
        colour_ok = self._allowed_for(COLOUR, query[COLOUR], _colour_fits)
        per_type = []
        for code in wanted:
            if code not in self.blocks_:
                continue
            block = self.blocks_[code]
            fits = block.codes[SUB] != own_sub
            fits &= gender_ok[block.codes[GENDER]]
            fits &= usage_ok[block.codes[USAGE]]
            fits &= colour_ok[block.codes[COLOUR]]
            if own_row is not None:
                fits &= block.rows != own_row
            if not fits.any():
                continue
            scores = block.matrix @ dense_vector + SAME_USAGE_BONUS * (block.codes[USAGE] == own_usage)
            scores, rows = scores[fits], block.rows[fits]
            best = first_distinct(scores, block.groups[fits], self.per_type)
            per_type.append([(int(rows[i]), float(scores[i])) for i in best])
        chosen = []
        for rank in range(self.per_type):
            chosen += [items[rank] for items in per_type if len(items) > rank]
        return [
            Recommendation(int(self.index_.ids[row]), round(float(score), 4), self._reason(query, row))
            for row, score in chosen[:k]
        ]

    # ---- the precomputed table ---------------------------------------------------------

    def _table(self) -> tuple[np.ndarray, np.ndarray]:
        """Every catalog product's whole answer (``per_type`` of each complementary type), as
        (index rows, scores), as :meth:`_scored` finds it: the same fitting items in the same
        order, the same float32 sums (a sparse product), the same top-k rule, so the same
        products (a score may differ in its 4th decimal, from the order of the sums)."""
        index, k = self.index_, self.per_type
        width = k * max(len(types) for types in COMPLEMENTS.values())
        rows = np.full((len(index), width), -1, dtype=np.int32)
        scores = np.zeros((len(index), width), dtype=np.float64)
        # Products whose answer follows the same rules: the complement list, the sub-category,
        # gender and usage, and which colours go with theirs.
        alike: dict[tuple, list[int]] = defaultdict(list)
        for row in range(len(index)):
            query = index.attributes.row_values(row)
            colours = self._allowed_for(COLOUR, query[COLOUR], _colour_fits)
            key = (tuple(self._wanted(query)), query[SUB], query[GENDER], query[USAGE], colours.tobytes())
            alike[key].append(row)
        fitting: dict[tuple[int, bytes], tuple] = {}  # (type, fits) -> its items, shared by many
        for (wanted, sub, gender, usage, colour_key), members in alike.items():
            queries = np.asarray(members)
            matrix = index.matrix[queries]
            fits_of = {
                GENDER: self._allowed_for(GENDER, gender, genders_compatible),
                USAGE: self._allowed_for(USAGE, usage, usage_fits),
                COLOUR: np.frombuffer(colour_key, dtype=bool),
            }
            own_sub, own_usage = self._code(SUB, sub), self._code(USAGE, usage)
            per_type = []
            for code in wanted:
                if code not in self.blocks_:
                    continue
                block = self.blocks_[code]
                fits = block.codes[SUB] != own_sub
                for column, allowed in fits_of.items():
                    fits &= allowed[block.codes[column]]
                if not fits.any():
                    continue
                key = (code, fits.tobytes())
                if key not in fitting:
                    fitting[key] = (block.rows[fits], block.groups[fits], block.matrix[fits].T.tocsr(),
                                    SAME_USAGE_BONUS * (block.codes[USAGE][fits] == own_usage), own_usage)
                items, groups, items_t, bonus, bonus_usage = fitting[key]
                if bonus_usage != own_usage:  # the same fits for another usage
                    bonus = SAME_USAGE_BONUS * (block.codes[USAGE][fits] == own_usage)
                per_type.append(self._best_for_many(matrix, items, groups, items_t, bonus))
            filled = np.zeros(len(queries), dtype=np.int64)
            for rank in range(k):  # round-robin over the types, as recommend() takes them
                for found_rows, found_scores in per_type:
                    has = found_rows[:, rank] >= 0
                    at = filled[has]
                    rows[queries[has], at] = found_rows[has, rank]
                    scores[queries[has], at] = found_scores[has, rank]
                    filled[has] += 1
        return rows, scores

    def _best_for_many(self, matrix, items, groups, items_t, bonus) -> tuple[np.ndarray, np.ndarray]:
        """For each row of ``matrix`` (products alike), the ``per_type`` best ``items`` (index
        rows, -1 pads) and scores: :func:`first_distinct` for many rows (the same rule)."""
        k = self.per_type
        found_rows = np.full((matrix.shape[0], k), -1, dtype=np.int32)
        found_scores = np.zeros((matrix.shape[0], k), dtype=np.float64)
        step = max(1, BUILD_CELLS // len(items))
        for start in range(0, matrix.shape[0], step):
            ranked = (matrix[start : start + step] @ items_t).toarray() + bonus
            pending, pool = np.arange(len(ranked)), candidate_pool(k)
            while pending.size:
                pool = min(pool, len(items))
                no_group = np.full(pending.size, NO_GROUP, dtype=np.int32)
                picked, picked_scores, found = top_distinct(ranked[pending], groups, no_group, k, pool)
                done = (found >= k) | (pool == len(items))
                at = start + pending[done]
                found_rows[at] = np.where(picked[done] >= 0, items[np.maximum(picked[done], 0)], -1)
                found_scores[at] = picked_scores[done]
                pending, pool = pending[~done], pool * 4
        return found_rows, found_scores

    def _wanted(self, query: Mapping[str, str]) -> list[int]:
        """The codes of the query's complementary types that the catalog has."""
        return [self.type_code_[t] for t in complements_for(query) if t in self.type_code_]

    # ---- helpers -------------------------------------------------------------------

    def _resolve(self, product) -> tuple[dict[str, str], np.ndarray, int | None]:
        """(attribute values, dense feature vector, row in the index or None) for an id or a row."""
        if isinstance(product, (int, np.integer)):
            row = self.index_.row_of(int(product))
            return self.index_.attributes.row_values(row), _dense(self.index_.matrix, row), row
        if isinstance(product, pd.DataFrame):
            frame = product.iloc[:1]
        else:
            frame = pd.DataFrame([dict(product)])
        frame = clean_catalog(frame)
        query = {c: frame.iloc[0][c] for c in LEVELS}
        product_id = int(frame.iloc[0][ID])
        row = self.index_.row_of(product_id) if product_id in self.index_ else None
        return query, _dense(self.index_.vectors_for(frame), 0), row

    def _code(self, column: str, value: str) -> int:
        try:
            return self.index_.attributes.vocabularies[column].index(value)
        except ValueError:
            return -2  # matches nothing (codes are >= -1)

    def _allowed_for(self, column: str, query_value: str, fits) -> np.ndarray:
        """Boolean per code of ``column``: whether that value goes with ``query_value`` by
        ``fits(query_value, value)`` (last slot: unknown value, code -1); kept per value."""
        key = (column, query_value)
        allowed = self._allowed_by_value.get(key)
        if allowed is None:
            vocabulary = self.index_.attributes.vocabularies[column]
            allowed = np.array([fits(query_value, value) for value in vocabulary] + [True])
            if query_value in vocabulary:  # a new product's own word is not kept
                self._allowed_by_value[key] = allowed
        return allowed

    def _reason(self, query: Mapping[str, str], row: int) -> str:
        item = self.index_.attributes.row_values(row)
        parts = [f"goes with {query[ARTICLE].lower() or 'this'}"]
        if query[USAGE] and item[USAGE] == query[USAGE]:
            parts.append(query[USAGE].lower())
        if query[COLOUR] and item[COLOUR]:
            parts.append(f"{item[COLOUR].lower()} matches {query[COLOUR].lower()}")
        return ", ".join(parts)


class _Block:
    """One article type's products: their index rows, feature rows, codes and duplicate groups."""

    __slots__ = ("codes", "groups", "matrix", "rows")

    def __init__(self, *, rows: np.ndarray, matrix, codes: dict[str, np.ndarray], groups: np.ndarray):
        self.rows, self.matrix, self.codes, self.groups = rows, matrix, codes, groups


def _dense(matrix, row: int) -> np.ndarray:
    """One row of a CSR matrix as a dense 1-D array (what ``matrix[row].todense()`` gives,
    without slicing a sparse row first)."""
    if not matrix.has_canonical_format:  # repeated or unsorted columns: let scipy sum them
        return np.asarray(matrix[row].todense()).ravel()
    start, stop = matrix.indptr[row], matrix.indptr[row + 1]
    dense = np.zeros(matrix.shape[1], dtype=matrix.dtype)
    dense[matrix.indices[start:stop]] = matrix.data[start:stop]
    return dense


def first_distinct(scores: np.ndarray, groups: np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` best ``scores``, best first, one per group: the answer of
    :func:`ml.recommend.ranking.top_rows` (``groups=``, nothing banned), the same candidates in
    the same order (ties included), for one short row without its matrix bookkeeping (a query
    of complete the look takes it once per complementary type)."""
    n = len(scores)
    pool = candidate_pool(k)
    while True:
        pool = min(pool, n)
        candidates = np.argpartition(scores, n - pool)[-pool:] if pool < n else np.arange(n)
        candidates = candidates[np.argsort(-scores[candidates], kind="stable")].tolist()
        chosen, seen = [], set()
        for candidate, group in zip(candidates, groups[candidates].tolist(), strict=True):
            if group not in seen:
                seen.add(group)
                chosen.append(candidate)
                if len(chosen) == k:
                    return chosen
        if pool == n:
            return chosen
        pool *= 4


def _colour_fits(query_colour: str, colour: str) -> bool:
    return not query_colour or not colour or colours_go_together(query_colour, colour)


def save_complete_the_look(look: CompleteTheLook, *, store: ArtifactStore, similarity: dict) -> dict:
    """Save the fitted ``look``'s table (found now if it was fitted without ``precompute``) as
    the current ``complete_the_look``, valid for the similarity index saved as ``similarity``
    (its metadata) only."""
    check_is_fitted(look)
    rows, scores = (look.rows_, look.scores_) if look.rows_ is not None else look._table()

    def write(folder: Path) -> None:
        np.save(folder / ROW_FILE, np.ascontiguousarray(rows, dtype=np.int32))
        np.save(folder / SCORE_FILE, np.ascontiguousarray(scores, dtype=np.float64))

    return store.save(
        ARTIFACT_NAME,
        look,
        data_fingerprint=similarity["data_fingerprint"],
        training_rows=len(look.index_),
        extra={"similarity_version": similarity["version"], "per_type": look.per_type},
        writer=write,
    )


def load_complete_the_look(*, store: ArtifactStore, index: SimilarityIndex) -> CompleteTheLook:
    """Complete the look fitted on ``index``, with the table the store holds for this very
    index (memory-mapped); without one (none built yet, or built for another index) it scores."""
    look = CompleteTheLook(precompute=False).fit(index)
    try:
        metadata = store.metadata(ARTIFACT_NAME)
        folder = store.folder(ARTIFACT_NAME)
    except ArtifactMissing:
        return look
    if metadata.get("similarity_version") == index.version and metadata.get("per_type") == look.per_type:
        look.rows_ = np.load(folder / ROW_FILE, mmap_mode="r")
        look.scores_ = np.load(folder / SCORE_FILE, mmap_mode="r")
        look.set_params(precompute=True)  # what it holds: clone(look).fit(index) finds the same
    return look
