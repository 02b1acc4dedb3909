"""The photo index's precomputed look-alike candidates answer what scoring answers, on a
synthetic catalog with made-up photo vectors (no photo model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from ml.catalog.schema import ID
from ml.photo.index import NO_MORE, UNRANKED, PhotoIndex, load_photo_index, save_photo_index
from ml.store import ArtifactStore
from tests.ml.synthetic import synthetic_catalog

KEPT = 24  # a short table, so that some rows run out and are scored afresh
DIMENSIONS = 16


@pytest.fixture(scope="module")
def catalog():
    return synthetic_catalog(500, seed=3)


@pytest.fixture(scope="module")
def index(catalog) -> PhotoIndex:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(catalog), DIMENSIONS)).astype(np.float32)
    vectors[1::7] = vectors[0::7][: len(vectors[1::7])]  # the same photo twice: tied scores
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    hashes = [f"{i:064x}" for i in catalog[ID]]
    built = PhotoIndex.from_vectors(ids=catalog[ID], vectors=vectors, hashes=hashes, catalog=catalog,
                                    model_version="test")
    return built.precompute_neighbours(kept=KEPT)


def scored(index: PhotoIndex, product_id: int, k: int, exclude=()):
    table, index.neighbours = index.neighbours, None
    try:
        return index.similar(product_id, k=k, exclude=exclude)
    finally:
        index.neighbours = table


def same_answer(index: PhotoIndex, read, computed) -> bool:
    """The same scores in the same order, and the same products except where two products were
    scored exactly alike (the same photo, the same gender): either may come first."""
    if [r.score for r in read] != [r.score for r in computed]:
        return False
    genders = index.attributes.codes["gender"]
    for a, b in zip(read, computed, strict=True):
        same_photo = np.array_equal(index.vector(a.product_id), index.vector(b.product_id))
        tied = same_photo and genders[index._row_of[a.product_id]] == genders[index._row_of[b.product_id]]
        if a.product_id != b.product_id and not tied:
            return False
    return True


def test_the_table_answers_as_scoring_does_with_and_without_exclusions(index, catalog):
    rng = np.random.default_rng(1)
    ids = catalog[ID].tolist()
    from_table = 0
    for product_id in ids:
        exclude = set(rng.choice(ids, size=8, replace=False).tolist())
        for left_out in (set(), exclude):
            read = index.similar(product_id, k=10, exclude=left_out)
            assert same_answer(index, read, scored(index, product_id, 10, left_out)), product_id
            shown = {r.product_id for r in read}
            assert not left_out & shown and product_id not in shown
            from_table += index._kept(index._row_of[product_id], 10, left_out) is not None
    assert from_table > len(ids)  # most answers were read, not scored


def test_a_row_holds_its_own_type_first_without_itself_or_its_duplicates(index):
    groups, types = index.attributes.duplicate_group, index.attributes.codes["articleType"]
    for row, candidates in enumerate(np.asarray(index.neighbours)):
        listed = candidates[candidates >= 0]
        assert row not in listed and not (groups[listed] == groups[row]).any()
        assert (types[listed] == types[row]).all()  # other types are scored on request
        tail = candidates[len(listed):]
        assert set(tail.tolist()) <= {NO_MORE, UNRANKED}


def test_the_table_is_saved_and_memory_mapped(index, catalog, tmp_path):
    save_photo_index(index, store=ArtifactStore(tmp_path), catalog=catalog)
    loaded = load_photo_index(store=ArtifactStore(tmp_path))
    assert isinstance(loaded.neighbours, np.memmap)
    assert np.array_equal(np.asarray(loaded.neighbours), index.neighbours)
    product = int(index.ids[5])
    assert loaded.similar(product, k=5) == index.similar(product, k=5)
