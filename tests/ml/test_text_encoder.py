"""The sentence encoder's ONNX export serves the same vectors as the packaged PyTorch model."""

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
    np.testing.assert_allclose(vectors, SentenceEncoder().encode(NAMES), atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_batch_bigger_than_one_pass_is_encoded_whole(exported):
    store, _ = exported
    encoder = load_text_encoder(store=store)
    encoder.batch_size = 3
    texts = [f"{name} {i}" for i, name in enumerate(NAMES * 2)]
    together = encoder.encode(texts)
    np.testing.assert_allclose(together[5], encoder.encode([texts[5]])[0], atol=1e-5)
    assert encoder.encode([]).shape == (0, DIMENSIONS)


def test_the_export_is_made_once_and_missing_says_how_to_fix(exported, tmp_path):
    store, _ = exported
    version = store.manifest()["text_encoder"]
    text_encoder(store=store)
    assert store.manifest()["text_encoder"] == version
    with pytest.raises(ArtifactMissing, match="train_models"):
        load_text_encoder(store=ArtifactStore(tmp_path))
