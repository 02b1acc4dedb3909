"""Sentence embeddings of product names as evidence for the categorizer, cached by text.

TF-IDF only knows the catalog's own words: "pullover", "parka" or "palazzo" share no word
with any training name, and their character n-grams point anywhere ("pull" ... "over"). The
sentence embedding (all-MiniLM-L6-v2, :class:`ml.embed.text.SentenceEncoder`) places them near
"sweater", "jacket" and "trousers", so the cascade appends it, scaled, to every name's TF-IDF
row (see ``CategoryCascade.embedding_weight``).

Encoding is the expensive part of training (~390 names/s on this machine), and the training
rows repeat themselves: a product line in many colours, seller-style copies that collapse to
the same few words, and the trial fit on the train split followed by the served fit on every
row. :func:`embed` therefore encodes each distinct text once per process; :func:`clear_cache`
frees the vectors once training is done.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from ml.embed.text import DIMENSIONS, SentenceEncoder

# Up to this many texts are encoded on one thread: a name is too small a job to split, and
# torch's second thread spin-waits. Measured on the busy 2-core machine, one name: 2 threads
# 781 ms wall / 246 ms CPU, 1 thread 75 ms wall / 19 ms CPU (medians of 30).
SINGLE_THREAD_TEXTS = 16

_ENCODER: SentenceEncoder | None = None
_CACHE: dict[str, np.ndarray] = {}
_REMEMBERING = False  # inside remembering(): predictions cache their vectors too


def use_encoder(chosen: SentenceEncoder) -> None:
    """Make ``chosen`` the process's encoder (the ONNX Runtime export from the artifact store,
    see :func:`ml.embed.text.load_text_encoder`); its vectors equal the PyTorch default's."""
    global _ENCODER
    _ENCODER = chosen


def encoder() -> SentenceEncoder:
    """The process's one encoder (the model loads on its first ``encode``)."""
    global _ENCODER
    if _ENCODER is None:
        _ENCODER = SentenceEncoder()
    return _ENCODER


def warm_up() -> None:
    """Load the encoder's weights now, so that a served model does not pay the ~1-2 s on its
    first request (and gunicorn workers share them, forked from the master). Nothing is
    encoded: torch's thread pool started before a fork can hang in the forked workers."""
    encoder()._loaded()


def text_key(text: str) -> str:
    """Texts the encoder cannot tell apart share a key: its tokenizer lower-cases, and
    spacing makes no token ("Nike Men Shoes" and "nike men  shoes" are one vector)."""
    return " ".join(text.lower().split())


def embed(texts: Sequence[str], *, cache: bool = True) -> np.ndarray:
    """``(len(texts), DIMENSIONS)`` float32 L2-normalised embeddings, one per text.

    Each distinct text (:func:`text_key`) is encoded once; with ``cache`` its vector is kept for later calls
    (training), without it only duplicates within this call are shared (serving, where the
    names are new and a cache would grow without bound).
    """
    keys = [text_key(text) for text in texts]
    if not keys:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    known = _CACHE if cache or _REMEMBERING else {}
    missing = list(dict.fromkeys(key for key in keys if key not in known))
    if missing:
        with _one_thread(len(missing) <= SINGLE_THREAD_TEXTS and not encoder().uses_onnx):
            known.update(zip(missing, encoder().encode(missing), strict=True))
    return np.stack([known[key] for key in keys])


@contextmanager
def _one_thread(active: bool) -> Iterator[None]:
    """torch on one thread inside the block (if ``active``), as many as before after it."""
    if not active:
        yield
        return
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@contextmanager
def remembering() -> Iterator[None]:
    """Inside the block every text's vector is cached, a prediction's too: a build measures a
    trial model on the hold-out names and then fits the served model on them, and each name
    is encoded once."""
    global _REMEMBERING
    before, _REMEMBERING = _REMEMBERING, True
    try:
        yield
    finally:
        _REMEMBERING = before


def clear_cache() -> None:
    """Forget the cached vectors (~1.5 kB per distinct text)."""
    _CACHE.clear()
