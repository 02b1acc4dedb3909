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
# Re-ranking a catalog product's neighbours by what it is known to be. Cosines lie in [-1, 1]:
# the type bonus exceeds any cosine gap plus both gender tiers, so its own article type always
# comes first; a gender tier (2 same, 1 through Unisex, 0 other) is worth half the cosine range,
# so the same gender wins unless the other photo looks far more alike.
SAME_TYPE_BONUS = 4.0
GENDER_TIER_BONUS = 1.0
QUERY_CHUNK = 256  # query vectors scored at once (bounds a chunk x catalog matrix)
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
        self._row_of = {int(product_id): row for row, product_id in enumerate(self.ids)}
        self._row_of_hash = {str(h): row for row, h in enumerate(self.hashes.tolist()) if h}
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
        type and gender first (``KeyError`` if the product has no photo in the index)."""
        row = self._row_of[int(product_id)]
        scores = self.vectors @ np.asarray(self.vectors[row], dtype=np.float32)
        ranked = scores.astype(np.float32)[None, :]
        codes = self.attributes.codes
        ranked = ranked + SAME_TYPE_BONUS * (codes[ARTICLE] == codes[ARTICLE][row])[None, :]
        query_gender = self.attributes.value(GENDER, int(codes[GENDER][row]))
        ranked = (
            ranked
            + GENDER_TIER_BONUS * self._tiers.get(query_gender, self._tiers[""])[codes[GENDER]][None, :]
        )
        ranked[0, row] = -np.inf
        self._ban(ranked, [exclude])
        groups = self.attributes.duplicate_group
        chosen = self._top(ranked, groups[[row]], k)[0]
        query = self.attributes.row_values(row)
        return [
            Recommendation(
                int(self.ids[c]),
                round(float(scores[c]), 4),
                similarity_reason(query, self.attributes.row_values(c)),
            )
            for c in chosen
        ]

    def nearest(
        self, vectors: np.ndarray, k: int = 10, exclude: Collection[int] = ()
    ) -> list[list[Recommendation]]:
        """For each query vector (e.g. ``PhotoModel.embed`` of uploads), the ``k`` catalog products
        whose photos are closest (cosine), one per near-duplicate group, none of ``exclude``."""
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        if len(self) and vectors.shape[1] != self.vectors.shape[1]:
            raise ValueError(
                f"Vectors of width {vectors.shape[1]}; this index holds {self.vectors.shape[1]}."
            )
        results = []
        for start in range(0, len(vectors), QUERY_CHUNK):
            scores = vectors[start : start + QUERY_CHUNK] @ np.asarray(self.vectors).T
            ranked = scores.copy()
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

    def _ban(self, ranked: np.ndarray, excludes: list[Collection[int]]) -> None:
        for row, exclude in enumerate(excludes):
            columns = [self._row_of[int(i)] for i in exclude if int(i) in self._row_of]
            ranked[row, columns] = -np.inf

    def _top(self, ranked: np.ndarray, query_groups: np.ndarray, k: int) -> list[list[int]]:
        """Best ``k`` columns per row, one per duplicate group, widening the pool if needed."""
        if not len(self):
            return [[] for _ in range(len(ranked))]
        groups = self.attributes.duplicate_group
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
        joblib.dump({"attributes": self.attributes, "model_version": self.model_version}, folder / STATE_FILE)
        return folder

    @classmethod
    def load(cls, folder: Path | str) -> PhotoIndex:
        """Open a saved index; the vectors are memory-mapped, not read."""
        folder = Path(folder)
        state = joblib.load(folder / STATE_FILE)
        return cls(
            ids=np.load(folder / ID_FILE),
            vectors=np.load(folder / VECTOR_FILE, mmap_mode="r"),
            hashes=np.load(folder / HASH_FILE),
            attributes=state["attributes"],
            model_version=state["model_version"],
        )


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
