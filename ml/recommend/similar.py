"""Content-based "similar items": works for every product, including one added a minute ago.

How it works, in three steps:

1. :class:`~ml.recommend.featurize.ProductFeaturizer` turns each product into one sparse,
   L2-normalised vector; cosine similarity is a dot product.
2. :meth:`SimilarityIndex.build` computes every product's top-k neighbours in chunks
   (never an N x N matrix), applies the ranking rules (same gender first, near-duplicates
   collapsed, never the product itself) and stores the table as two ``.npy`` files that
   web processes open with ``mmap_mode="r"``, so they share one copy in the OS page cache.
3. :meth:`SimilarityIndex.similar` is then a row lookup; :meth:`~SimilarityIndex.similar_to_new`
   scores products that are not in the table with one sparse product against the item matrix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ml.catalog.cleaning import clean_catalog
from ml.catalog.colours import colour_family
from ml.catalog.dataset import fingerprint
from ml.catalog.schema import ARTICLE, COLOUR, GENDER, ID, LEVELS, SUB, USAGE, genders_compatible
from ml.recommend.featurize import ItemAttributes, ProductFeaturizer
from ml.recommend.ranking import Recommendation, candidate_pool, top_distinct
from ml.store import ArtifactStore

ARTIFACT_NAME = "similarity"


def gender_tiers(query_gender: str, genders: list[str]) -> np.ndarray:
    """Per gender value: 2 = same gender, 1 = compatible through Unisex, 0 = other."""
    tiers = np.zeros(len(genders), dtype=np.float32)
    for i, gender in enumerate(genders):
        if gender == query_gender:
            tiers[i] = 2
        elif genders_compatible(query_gender, gender):
            tiers[i] = 1
    return tiers


def similarity_reason(query: Mapping[str, str], item: Mapping[str, str]) -> str:
    """One short line, e.g. "same type, same colour" or "same style, matching colour"."""
    if query[ARTICLE] == item[ARTICLE]:
        parts = ["same type"]
    elif query[SUB] == item[SUB]:
        parts = ["same category"]
    elif query[USAGE] and query[USAGE] == item[USAGE]:
        parts = ["same style"]
    else:
        parts = ["similar look"]
    if query[COLOUR] and query[COLOUR] == item[COLOUR]:
        parts.append("same colour")
    elif (
        query[COLOUR]
        and item[COLOUR]
        and colour_family(query[COLOUR]) == colour_family(item[COLOUR]) != "other"
    ):
        parts.append("matching colour")
    return ", ".join(parts)


TIER_BONUS = 2.0  # larger than any cosine, so a better gender tier always ranks first
NEIGHBOUR_FILE = "neighbour_ids.npy"
SCORE_FILE = "scores.npy"
MATRIX_FILE = "item_matrix.npz"
STATE_FILE = "index.joblib"
NEIGHBOURS_KEPT = 50  # neighbours precomputed per product: pages show 10, the API up to 50
BUILD_CHUNK = 512  # query rows scored at once while building (bounds a chunk x catalog matrix)


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
        self._row_of = {int(product_id): row for row, product_id in enumerate(self.ids)}
        self._tiers = {
            g: gender_tiers(g, attributes.vocabularies[GENDER])
            for g in [*attributes.vocabularies[GENDER], ""]
        }

    # ---- building ------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        catalog: pd.DataFrame,
        k: int = NEIGHBOURS_KEPT,
        chunk_size: int = BUILD_CHUNK,
        featurizer: ProductFeaturizer | None = None,
    ) -> SimilarityIndex:
        """Featurize ``catalog`` and compute everybody's top-``k`` neighbours chunk by chunk."""
        started = dt.datetime.now()
        catalog = clean_catalog(catalog)
        if catalog[ID].duplicated().any():
            raise ValueError("catalog ids must be unique")
        if len(catalog) and (catalog[ID].max() > np.iinfo(np.int32).max or catalog[ID].min() < 0):
            raise ValueError("product ids must fit in int32 for the neighbour table")
        featurizer = featurizer or ProductFeaturizer()
        matrix = featurizer.fit(catalog).transform(catalog)
        index = cls(
            ids=catalog[ID].to_numpy(),
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
        genders = [index.attributes.value(GENDER, c) for c in index.attributes.codes[GENDER]]
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
        item_gender = self.attributes.codes[GENDER]
        for gender in set(query_genders):
            tiers = self._tiers.get(gender, self._tiers[""])
            similarity[query_genders == gender] += TIER_BONUS * tiers[item_gender]
        rows = np.full((n_queries, k), -1, dtype=np.int32)
        adjusted = np.zeros((n_queries, k), dtype=np.float32)
        pending, pool = np.arange(n_queries), candidate_pool(k)
        while pending.size:
            pool = min(pool, n_items)
            subset = similarity if pending.size == n_queries else similarity[pending]
            found_rows, found_scores, found = top_distinct(
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
        item_gender = self.attributes.codes[GENDER][rows]
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
        for i, product_id in enumerate(rows[ID]):
            if int(product_id) in self._row_of:  # a product never neighbours itself
                similarity[i, self._row_of[int(product_id)]] = -np.inf
        chosen, scores = self._rank(similarity, list(rows[GENDER]), self.attributes.groups_for(rows), k)
        results = []
        for i, (item_rows, item_scores) in enumerate(zip(chosen.tolist(), scores.tolist(), strict=True)):
            query = rows.iloc[i][list(LEVELS)].to_dict()
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


def save_similarity_index(index: SimilarityIndex, *, catalog: pd.DataFrame, store: ArtifactStore,
                          metrics: dict | None = None) -> dict:
    """Save ``index`` as the current similarity model; web processes that still map the
    previous version keep working (see :mod:`ml.store`)."""
    return store.save(
        ARTIFACT_NAME,
        index,
        data_fingerprint=fingerprint(clean_catalog(catalog)),
        training_rows=len(index),
        metrics=metrics,
        extra={"k": index.neighbour_ids.shape[1], "build_seconds": index.build_seconds},
        writer=index.save,
    )


def load_similarity_index(*, store: ArtifactStore) -> SimilarityIndex:
    """The current index, memory-mapped; ``ArtifactMissing`` if nothing was trained yet."""
    index, metadata = store.load(ARTIFACT_NAME, reader=SimilarityIndex.load)
    index.metadata, index.version = metadata, metadata["version"]
    return index
