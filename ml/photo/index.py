""" "Looks like this": every catalog photo's vector, memory-mapped, and nearest-neighbour queries.

The vectors (:meth:`ml.photo.model.PhotoModel.embed`) live in one ``.npy`` that web workers
open with ``mmap_mode="r"`` (one copy in the OS page cache), beside the product ids and the
photos' content hashes. A rebuild with the same photo model re-embeds only the photos whose
bytes it has not seen (:meth:`PhotoIndex.build`, ``previous=``).

:meth:`PhotoIndex.similar` answers for a catalog product: the same kind of thing that looks
alike. The photo vector already carries what the photo *is* (article type and gender
probabilities) and how it looks (features, colour); a catalog product's known article type
and gender then re-rank, like the attribute carousel's gender tiers
(:func:`ml.recommend.similar.gender_tiers`). :meth:`PhotoIndex.nearest` answers for photos
with no known attributes (an upload, a search by photo): by the vector alone.

A product page asks :meth:`PhotoIndex.similar` on every carousel miss, so the index keeps,
per product, its best :data:`NEIGHBOURS_KEPT` candidates in the order that method ranks them
(``neighbours.npy``, memory-mapped, computed by :meth:`PhotoIndex.precompute_neighbours` when
the index is saved: one matrix product per article type). A query then walks its row, leaving
out what it is told to and near-duplicates, and scores the catalog only when the row runs out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from ml.catalog.cleaning import clean_catalog
from ml.catalog.dataset import fingerprint
from ml.catalog.schema import ARTICLE, GENDER, ID
from ml.photo.images import PhotoError, content_hash, read_bytes
from ml.recommend.featurize import ItemAttributes
from ml.recommend.ranking import NO_GROUP, Recommendation, candidate_pool, top_distinct
from ml.recommend.similar import gender_tiers, similarity_reason

ARTIFACT_NAME = "photo_index"
VECTOR_FILE = "vectors.npy"
ID_FILE = "ids.npy"
HASH_FILE = "hashes.npy"
STATE_FILE = "index.joblib"
NEIGHBOUR_FILE = "neighbours.npy"
# Re-ranking a catalog product's neighbours by what it is known to be. Cosines lie in [-1, 1]:
# the type bonus exceeds any cosine gap plus both gender tiers, so its own article type always
# comes first; a gender tier (2 same, 1 through Unisex, 0 other) is worth half the cosine range,
# so the same gender wins unless the other photo looks far more alike.
SAME_TYPE_BONUS = 4.0
GENDER_TIER_BONUS = 1.0
QUERY_CHUNK = 256  # query vectors scored at once (bounds a chunk x catalog matrix)
# An upload's neighbours re-ranked by what its photo reads it as: cosine + this weight x
# (log p(article type) + log p(gender)) of each catalog product's known type and gender, under
# the query photo's probabilities (PhotoModel.level_probabilities, test-time flip). Chosen on a
# random half of the holdout (served model, holdout photo -> train index, same type AND gender
# in the top 10; grid 0.1, 0.3, 1, 3): 0.711 without, 0.773 at 0.1, 0.769 at 0.3 and 1; the
# other half 0.716 -> 0.776. Voting the query's type with its 30 nearest catalog labels did
# not add to it (0.775).
UPLOAD_RERANK_WEIGHT = 0.1
RERANK_FLOOR = 1e-4  # a product of a type the photo rules out is pushed down, not removed
RERANK_LEVELS = (ARTICLE, GENDER)
# Candidates kept per product for "Looks like this": a page asks for 15 after leaving out the
# up to 15 that "Similar items" shows, and near-duplicates of a kept one are skipped; a row
# that runs out is scored afresh (on the full catalog: 5% of product pages with 64, 3% with 128,
# mostly products of article types too small to fill a row).
NEIGHBOURS_KEPT = 128
BUILD_CELLS = 1 << 21  # scores held at once while building (a chunk of products x candidates)
NO_MORE = -1  # a neighbour table's filler: every product was a candidate, none is left
UNRANKED = -2  # ... the products after this one (other article types) were not ranked
PHOTO_REASON = "looks alike"


class PhotoIndex:
    """Photo vectors of the catalog's products; build with :meth:`from_vectors` or
    :meth:`build`, persist with :func:`save_photo_index` / :func:`load_photo_index`."""

    def __init__(self, *, ids, vectors, hashes, attributes: ItemAttributes, model_version: str):
        self.ids = np.asarray(ids, dtype=np.int64)
        self.vectors = vectors
        self.hashes = np.asarray(hashes)
        self.attributes = attributes
        self.model_version = model_version
        self.version = ""
        self.metadata: dict = {}
        # (n, NEIGHBOURS_KEPT) rows of each product's best candidates, best first, then NO_MORE
        # or UNRANKED; None until precompute_neighbours (or in an index saved before it existed).
        self.neighbours: np.ndarray | None = None
        self._row_of = {int(product_id): row for row, product_id in enumerate(self.ids)}
        self._row_of_hash = {str(h): row for row, h in enumerate(self.hashes.tolist()) if h}
        self._type_slices = _contiguous_slices(attributes.codes[ARTICLE])
        genders = attributes.vocabularies[GENDER]
        self._tiers = {g: gender_tiers(g, genders) for g in [*genders, ""]}

    # ---- building

    @classmethod
    def from_vectors(
        cls, *, ids, vectors: np.ndarray, hashes: Sequence[str], catalog: pd.DataFrame, model_version: str
    ) -> PhotoIndex:
        """An index of ready vectors; ``catalog`` (the same rows, in order) gives the attributes."""
        cleaned = clean_catalog(catalog)
        if cleaned[ID].duplicated().any():
            raise ValueError("catalog ids must be unique")
        if len(vectors) != len(cleaned) or len(hashes) != len(cleaned):
            raise ValueError(f"{len(cleaned)} products but {len(vectors)} vectors and {len(hashes)} hashes")
        order = np.argsort(cleaned[ARTICLE].to_numpy().astype(str), kind="stable")  # see similar()
        cleaned = cleaned.iloc[order].reset_index(drop=True)
        vectors, hashes = np.asarray(vectors)[order], np.asarray(hashes)[order]
        return cls(
            ids=cleaned[ID].to_numpy(),
            vectors=np.ascontiguousarray(vectors, dtype=np.float32),
            hashes=np.asarray(hashes, dtype="U64"),
            attributes=ItemAttributes.from_catalog(cleaned),
            model_version=model_version,
        )

    @classmethod
    def build(
        cls,
        *,
        catalog: pd.DataFrame,
        photos: Sequence,
        model,
        previous: PhotoIndex | None = None,
        batch_size: int = 1024,
    ) -> PhotoIndex:
        """Embed ``photos`` (one per ``catalog`` row: a path or bytes; None = no photo, the row is
        left out) with ``model``, reusing ``previous``'s vectors of the same photo bytes when it
        was built by the same model version. Refused photos are left out too."""
        from ml.photo.images import load_photo

        reusable = (
            previous if previous is not None and previous.model_version == model.model_version else None
        )
        keep, hashes, vectors, pending = [], [], [], []
        for row, photo in enumerate(photos):
            if photo is None or (isinstance(photo, str) and not photo):
                continue
            try:
                data = read_bytes(photo)
            except PhotoError:
                continue
            digest = content_hash(data)
            cached = reusable.vector_of_hash(digest) if reusable is not None else None
            if cached is None:
                try:
                    image = load_photo(data, model.resolution)
                except PhotoError:
                    continue
                pending.append((len(vectors), image))
            keep.append(row)
            hashes.append(digest)
            vectors.append(cached)
        for start in range(0, len(pending), batch_size):
            chunk = pending[start : start + batch_size]
            embedded = model.embed(np.stack([image for _, image in chunk]))
            for (position, _), vector in zip(chunk, embedded, strict=True):
                vectors[position] = vector
        width = len(vectors[0]) if vectors else 0
        matrix = np.stack(vectors).astype(np.float32) if vectors else np.zeros((0, width), np.float32)
        index = cls.from_vectors(
            ids=catalog[ID].to_numpy()[keep],
            vectors=matrix,
            hashes=hashes,
            catalog=catalog.iloc[keep],
            model_version=model.model_version,
        )
        index.embedded_ = len(pending)
        return index

    def vector_of_hash(self, digest: str) -> np.ndarray | None:
        """The stored vector of the photo with these bytes, if the index has it."""
        row = self._row_of_hash.get(digest)
        return None if row is None else np.asarray(self.vectors[row])

    # ---- queries

    def __contains__(self, product_id: object) -> bool:
        try:
            return int(product_id) in self._row_of  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False

    def __len__(self) -> int:
        return len(self.ids)

    def vector(self, product_id: int) -> np.ndarray:
        """A catalog product's photo vector (``KeyError`` if it has none)."""
        return np.asarray(self.vectors[self._row_of[int(product_id)]])

    def similar(self, product_id: int, k: int = 10, exclude: Collection[int] = ()) -> list[Recommendation]:
        """The products whose photos look most like this catalog product's, of its own article
        type and gender first (``KeyError`` if the product has no photo in the index).

        The rows are kept sorted by article type, so the product's own type is one contiguous
        slice of the vectors: scoring it alone answers in a few ms; the whole catalog is scored
        only when the type has fewer than ``k`` other products."""
        row = self._row_of[int(product_id)]
        chosen = self._kept(row, k, exclude)
        if chosen is None:
            chosen = self._scored(row, k, exclude)
        query = self.attributes.row_values(row)
        vectors = np.asarray(self.vectors)  # a plain view of the mapped file: rows read ~10x cheaper
        vector = np.asarray(vectors[row], dtype=np.float32)
        return [
            Recommendation(
                int(self.ids[c]),
                round(float(vectors[c] @ vector), 4),
                similarity_reason(query, self.attributes.row_values(c)),
            )
            for c in chosen
        ]

    def _kept(self, row: int, k: int, exclude: Collection[int]) -> list[int] | None:
        """:meth:`similar`'s choice read from the precomputed candidates: the first ``k`` of the
        row's candidates not excluded, one per near-duplicate group (as :meth:`_scored` takes
        them); None when there is no table or the row runs out first."""
        if self.neighbours is None:
            return None
        banned = {self._row_of[int(i)] for i in exclude if int(i) in self._row_of}
        groups = self.attributes.duplicate_group
        chosen: list[int] = []
        seen: set[int] = set()
        for candidate in self.neighbours[row].tolist():
            if candidate == NO_MORE:
                return chosen
            if candidate == UNRANKED:
                return None
            group = int(groups[candidate])
            if candidate in banned or group in seen:
                continue
            seen.add(group)
            chosen.append(candidate)
            if len(chosen) == k:
                return chosen
        return None

    def _scored(self, row: int, k: int, exclude: Collection[int]) -> list[int]:
        """:meth:`similar`'s choice by scoring the product's own type, or the whole catalog when
        the type has fewer than ``k`` others."""
        type_rows = self._type_slices.get(int(self.attributes.codes[ARTICLE][row]))
        chosen: list[int] = []
        if type_rows is not None and type_rows.stop - type_rows.start > k:
            chosen = self._similar_in(row, type_rows, k, exclude)
        if len(chosen) < k:
            chosen = self._similar_in(row, slice(0, len(self)), k, exclude)
        return chosen

    def precompute_neighbours(self, kept: int = NEIGHBOURS_KEPT) -> PhotoIndex:
        """Rank every product's best ``kept`` candidates once, as :meth:`_similar_in` ranks them
        (cosine + type bonus + gender tier), leaving out the product and its own near-duplicate
        group (never shown).

        Its own article type comes first (the type bonus), so each type is ranked against itself
        alone: the cost is the sum of the squared type sizes, not the catalog's square. A type
        with fewer than ``kept`` other products fills only part of its rows (the rest is
        :data:`UNRANKED`: a query that gets there is scored afresh)."""
        table = np.full((len(self), kept), NO_MORE, dtype=np.int32)
        if len(self) and not self._type_slices:  # not sorted by type: every query is scored
            self.neighbours = None
            return self
        codes = self.attributes.codes
        vectors = np.asarray(self.vectors, dtype=np.float32)
        tier_of = np.array(
            [self._tiers.get(g, self._tiers[""]) for g in self.attributes.vocabularies[GENDER]], np.float64
        )
        blocks = sorted(self._type_slices.values(), key=lambda s: s.start)
        for block in blocks:
            candidates = np.ascontiguousarray(vectors[block].T)
            chunk_size = max(1, BUILD_CELLS // (block.stop - block.start))
            for gender in np.unique(codes[GENDER][block]).tolist():
                # One row of bonuses serves every product of this type and gender (float64, as
                # _similar_in adds them: exact sums, so that both order alike).
                bonus = SAME_TYPE_BONUS + GENDER_TIER_BONUS * tier_of[gender][codes[GENDER][block]]
                alike = block.start + np.flatnonzero(codes[GENDER][block] == gender)
                for start in range(0, len(alike), chunk_size):
                    rows = alike[start : start + chunk_size]
                    ranked = (vectors[rows] @ candidates).astype(np.float64)
                    ranked += bonus
                    table[rows] = self._best_of(ranked, rows, block, kept)
        if len(blocks) > 1:
            # A row its own type could not fill goes on with the other types' products: those
            # are scored on request (UNRANKED), as they are for every type of a few products.
            table[table == NO_MORE] = UNRANKED
        self.neighbours = table
        return self

    def _best_of(self, ranked: np.ndarray, rows: np.ndarray, columns: slice, kept: int) -> np.ndarray:
        """The ``kept`` best rows of ``columns`` per product at ``rows`` (padded with NO_MORE),
        without its own near-duplicate group (the product itself among them)."""
        groups = self.attributes.duplicate_group
        ranked[groups[rows][:, None] == groups[columns][None, :]] = -np.inf
        best = _best_columns(ranked, kept)
        return np.where(best >= 0, best + columns.start, NO_MORE)

    def _similar_in(self, row: int, rows: slice, k: int, exclude: Collection[int]) -> list[int]:
        """Best ``k`` of the rows ``rows`` (a slice) for the catalog product at ``row``, re-ranked."""
        codes = self.attributes.codes
        ranked = (np.asarray(self.vectors[rows]) @ np.asarray(self.vectors[row], dtype=np.float32))[None, :]
        ranked = ranked + SAME_TYPE_BONUS * (codes[ARTICLE][rows] == codes[ARTICLE][row])[None, :]
        query_gender = self.attributes.value(GENDER, int(codes[GENDER][row]))
        tiers = self._tiers.get(query_gender, self._tiers[""])[codes[GENDER][rows]]
        ranked = ranked + GENDER_TIER_BONUS * tiers[None, :]
        banned = [row] + [self._row_of[int(i)] for i in exclude if int(i) in self._row_of]
        local = [b - rows.start for b in banned if rows.start <= b < rows.stop]
        ranked[0, local] = -np.inf
        groups = self.attributes.duplicate_group
        found = self._top(ranked, groups[[row]], k, groups=groups[rows])[0]
        return [rows.start + c for c in found]

    def nearest(
        self,
        vectors: np.ndarray,
        k: int = 10,
        exclude: Collection[int] = (),
        levels: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> list[list[Recommendation]]:
        """For each query vector (e.g. ``PhotoModel.embed`` of uploads), the ``k`` catalog products
        whose photos are closest (cosine), one per near-duplicate group, none of ``exclude``.

        ``levels`` (``PhotoModel.level_probabilities`` of the same photos) re-ranks them by what
        the photos are read as: the catalog products of the likely article type and gender first
        (:data:`UPLOAD_RERANK_WEIGHT`); the score is then the cosine plus that (never above the
        cosine), so that the results stay in the order of their scores."""
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        if len(self) and vectors.shape[1] != self.vectors.shape[1]:
            raise ValueError(
                f"Vectors of width {vectors.shape[1]}; this index holds {self.vectors.shape[1]}."
            )
        results = []
        for start in range(0, len(vectors), QUERY_CHUNK):
            ranked = vectors[start : start + QUERY_CHUNK] @ np.asarray(self.vectors).T
            if levels:
                ranked += self._kind_scores(levels, slice(start, start + QUERY_CHUNK))
            scores = ranked.copy()
            self._ban(ranked, [exclude] * len(ranked))
            chosen = self._top(ranked, np.full(len(ranked), NO_GROUP, dtype=np.int32), k)
            for row, columns in enumerate(chosen):
                results.append(
                    [
                        Recommendation(int(self.ids[c]), round(float(scores[row, c]), 4), PHOTO_REASON)
                        for c in columns
                    ]
                )
        return results

    def _kind_scores(self, levels: dict, queries: slice) -> np.ndarray:
        """(queries, catalog) :data:`UPLOAD_RERANK_WEIGHT` x sum over the re-ranking levels of
        log p(the catalog product's value) under each query's probabilities."""
        total = 0.0
        for level in RERANK_LEVELS:
            if level not in levels:
                continue
            names, probabilities = levels[level]
            position = {str(name): i for i, name in enumerate(names)}
            vocabulary = self.attributes.vocabularies[level]
            # the query's log-probability of each vocabulary value (floored; "" or unknown: floor)
            columns = np.array([position.get(str(value), -1) for value in vocabulary] + [-1])
            logp = np.log(np.maximum(np.asarray(probabilities[queries], dtype=np.float64), RERANK_FLOOR))
            logp = np.concatenate([logp, np.full((len(logp), 1), np.log(RERANK_FLOOR))], axis=1)
            codes = self.attributes.codes[level].astype(np.int64)
            total = total + logp[:, columns][:, np.where(codes >= 0, codes, len(vocabulary))]
        return (UPLOAD_RERANK_WEIGHT * total).astype(np.float32) if not np.isscalar(total) else total

    def _ban(self, ranked: np.ndarray, excludes: list[Collection[int]]) -> None:
        for row, exclude in enumerate(excludes):
            columns = [self._row_of[int(i)] for i in exclude if int(i) in self._row_of]
            ranked[row, columns] = -np.inf

    def _top(self, ranked: np.ndarray, query_groups: np.ndarray, k: int,
             groups: np.ndarray | None = None) -> list[list[int]]:
        """Best ``k`` columns per row, one per duplicate group, widening the pool if needed."""
        if not len(self) or not ranked.shape[1]:
            return [[] for _ in range(len(ranked))]
        groups = self.attributes.duplicate_group if groups is None else groups
        pool = candidate_pool(k)
        while True:
            pool = min(pool, ranked.shape[1])
            rows, _, found = top_distinct(ranked, groups, query_groups, k, pool)
            if (found >= k).all() or pool == ranked.shape[1]:
                return [[c for c in row if c >= 0] for row in rows.tolist()]
            pool *= 4

    # ---- persistence

    def save(self, folder: Path | str) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / VECTOR_FILE, np.ascontiguousarray(self.vectors, dtype=np.float32))
        np.save(folder / ID_FILE, self.ids)
        np.save(folder / HASH_FILE, self.hashes.astype("U64"))
        if self.neighbours is None:
            self.precompute_neighbours()
        if self.neighbours is not None:  # (an index not sorted by type has none: it scores)
            np.save(folder / NEIGHBOUR_FILE, np.ascontiguousarray(self.neighbours, dtype=np.int32))
        joblib.dump({"attributes": self.attributes, "model_version": self.model_version}, folder / STATE_FILE)
        return folder

    @classmethod
    def load(cls, folder: Path | str) -> PhotoIndex:
        """Open a saved index; the vectors and the neighbour table are memory-mapped, not read
        (an index saved without the table scores every query)."""
        folder = Path(folder)
        state = joblib.load(folder / STATE_FILE)
        index = cls(
            ids=np.load(folder / ID_FILE),
            vectors=np.load(folder / VECTOR_FILE, mmap_mode="r"),
            hashes=np.load(folder / HASH_FILE),
            attributes=state["attributes"],
            model_version=state["model_version"],
        )
        if (folder / NEIGHBOUR_FILE).is_file():
            index.neighbours = np.load(folder / NEIGHBOUR_FILE, mmap_mode="r")
        return index


def _best_columns(ranked: np.ndarray, width: int) -> np.ndarray:
    """Per row, the columns of its ``width`` best scores, best first, then -1 for ``-inf`` ones
    (left out) and, if there are fewer than ``width`` columns, -1 up to ``width``."""
    columns = ranked.shape[1]
    if width > columns:
        return np.pad(_best_columns(ranked, columns), ((0, 0), (0, width - columns)), constant_values=-1)
    if width < columns:
        best = np.argpartition(ranked, ranked.shape[1] - width, axis=1)[:, -width:]
    else:
        best = np.tile(np.arange(width), (len(ranked), 1))
    scores = np.take_along_axis(ranked, best, axis=1)
    order = np.argsort(-scores, axis=1, kind="stable")
    best, scores = np.take_along_axis(best, order, axis=1), np.take_along_axis(scores, order, axis=1)
    return np.where(np.isfinite(scores), best, -1)


def _contiguous_slices(codes: np.ndarray) -> dict[int, slice]:
    """{code: slice of its rows} when equal codes are contiguous (as :meth:`PhotoIndex.from_vectors`
    sorts them); empty otherwise, and queries then score every row."""
    if not len(codes):
        return {}
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    stops = np.r_[starts[1:], len(codes)]
    values = codes[starts]
    if len(set(values.tolist())) != len(values):
        return {}
    return {int(v): slice(int(a), int(b)) for v, a, b in zip(values, starts, stops, strict=True)}


def save_photo_index(index: PhotoIndex, *, store, catalog: pd.DataFrame) -> dict:
    """Save ``index`` as the current ``photo_index`` artifact."""
    frame = clean_catalog(catalog)
    return store.save(
        ARTIFACT_NAME,
        index,
        data_fingerprint=fingerprint(frame),
        training_rows=len(index),
        writer=index.save,
        extra={
            "photo_model_version": index.model_version,
            "dimensions": int(index.vectors.shape[1]) if len(index) else 0,
        },
    )


def load_photo_index(*, store) -> PhotoIndex:
    """The current photo index, memory-mapped; ``ArtifactMissing`` if none."""
    index, metadata = store.load(ARTIFACT_NAME, reader=PhotoIndex.load)
    index.metadata, index.version = metadata, metadata["version"]
    return index
