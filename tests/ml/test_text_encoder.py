"""The sentence encoder's ONNX export serves the packaged PyTorch model's vectors, to within its
int8 quantization (``ml.embed.text.QUANTIZED``)."""

import numpy as np
import pytest

from ml.embed.text import DIMENSIONS, SentenceEncoder, load_text_encoder, text_encoder
from ml.store import ArtifactMissing, ArtifactStore

NAMES = ["men pullover grey", "Nike Men Black Sports Shoes", "women palazzo", "x"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    store = ArtifactStore(tmp_path_factory.mktemp("text-encoder"))
    return store, text_encoder(store=store)


def test_the_onnx_export_gives_the_pytorch_vectors(exported):
    _, onnx = exported
    assert onnx.uses_onnx
    vectors = onnx.encode(NAMES)
    assert vectors.shape == (len(NAMES), DIMENSIONS)
    exact = SentenceEncoder().encode(NAMES)
    # int8 matrix products: 0.979 the lowest cosine measured on 3,538 names and phrases.
    assert ((vectors * exact).sum(axis=1) > 0.97).all()
    assert not np.allclose(vectors, exact, atol=1e-5), "the export is not quantized"
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # What a name means survives: each name is still nearest to its own float vector.
    assert ((vectors @ exact.T).argmax(axis=1) == np.arange(len(NAMES))).all()


def test_a_texts_vector_does_not_depend_on_the_texts_encoded_with_it(exported):
    """The quantized export scales activations per run: batched, a name's vector would move
    with its neighbours' lengths and values."""
    store, _ = exported
    alone = load_text_encoder(store=store)
    together = load_text_encoder(store=store, threads=2)
    texts = [f"{name} {i}" for i, name in enumerate(NAMES * 3)] + ["a much longer name " * 8]
    vectors = together.encode(texts)
    assert vectors.shape == (len(texts), DIMENSIONS)
    for row in (0, 5, len(texts) - 1):
        np.testing.assert_array_equal(vectors[row], alone.encode([texts[row]])[0])
    assert alone.encode([]).shape == (0, DIMENSIONS)


def test_the_export_is_made_once_and_missing_says_how_to_fix(exported, tmp_path):
    store, _ = exported
    version = store.manifest()["text_encoder"]
    text_encoder(store=store)
    assert store.manifest()["text_encoder"] == version
    with pytest.raises(ArtifactMissing, match="train_models"):
        load_text_encoder(store=ArtifactStore(tmp_path))
