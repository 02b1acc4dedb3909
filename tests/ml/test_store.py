"""The artifact store: versioned folders, one manifest, metadata, pruning."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from ml.store import KEEP_VERSIONS, MANIFEST_FILE, ArtifactMissing, ArtifactStore


def test_save_switches_the_manifest_and_records_what_the_model_is(tmp_path):
    store = ArtifactStore(tmp_path)
    assert store.manifest() == {} and store.missing(["a", "b"]) == ["a", "b"]
    with pytest.raises(ArtifactMissing, match="train_models"):
        store.load("a")

    model = LogisticRegression(C=3.0).fit(np.array([[0.0], [1.0]]), [0, 1])
    metadata = store.save("a", model, data_fingerprint="0123456789abcdef", training_rows=2,
                          metrics={"accuracy": 1.0})
    assert json.loads((tmp_path / MANIFEST_FILE).read_text()) == {"a": metadata["version"]}
    assert metadata["version"].startswith("a-") and metadata["version"].endswith("-01234567")
    assert metadata["params"]["C"] == 3.0 and metadata["training_rows"] == 2
    assert {"python", "numpy", "scikit-learn"} <= set(metadata["libraries"])
    loaded, read = store.load("a")
    assert read == metadata and loaded.predict([[1.0]]) == [1]
    assert store.missing(["a", "b"]) == ["b"]


def test_a_new_version_replaces_the_current_one_and_old_ones_are_pruned(tmp_path):
    store = ArtifactStore(tmp_path)
    versions = [store.save("a", {"n": n}, data_fingerprint=f"fp{n}", training_rows=n)["version"]
                for n in range(4)]
    assert store.manifest()["a"] == versions[-1]
    assert store.load("a")[0] == {"n": 3}
    kept = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert kept == sorted(versions[-KEEP_VERSIONS:])  # the one before stays for running processes


def test_a_model_may_write_its_own_files(tmp_path):
    store = ArtifactStore(tmp_path)

    def writer(folder):
        np.save(folder / "table.npy", np.arange(5))

    store.save("index", None, data_fingerprint="x", training_rows=5, writer=writer)
    table, metadata = store.load("index", reader=lambda folder: np.load(folder / "table.npy", mmap_mode="r"))
    assert isinstance(table, np.memmap) and table.tolist() == [0, 1, 2, 3, 4]
    assert metadata["name"] == "index"


def test_two_models_keep_their_own_entries(tmp_path):
    store = ArtifactStore(tmp_path)
    store.save("a", 1, data_fingerprint="x", training_rows=0)
    store.save("b", 2, data_fingerprint="y", training_rows=0)
    assert set(store.manifest()) == {"a", "b"}
    assert store.load("a")[0] == 1 and store.load("b")[0] == 2


def test_the_categorizer_saves_the_label_mix_it_learned_from():
    """What monitoring compares new listings against (drift): shares per label, blanks left out."""
    import pandas as pd

    from ml.categorize.train import label_mix

    rows = pd.DataFrame({"articleType": ["Tshirts", "Tshirts", "Jeans", "Watches"],
                         "baseColour": ["Black", "", "Blue", "Black"]})
    assert label_mix(rows) == {
        "articleType": {"Tshirts": 0.5, "Jeans": 0.25, "Watches": 0.25},
        "baseColour": {"Black": pytest.approx(2 / 3, abs=1e-6), "Blue": pytest.approx(1 / 3, abs=1e-6)},
    }
