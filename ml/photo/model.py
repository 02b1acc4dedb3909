"""Serving the photo model: one ONNX graph through ONNX Runtime (no PyTorch in web workers).

:class:`PhotoModel` turns photos into

* ``level_probabilities``: per level (gender, masterCategory, subCategory, articleType,
  baseColour, usage) the class names and an (n, classes) probability matrix;
* ``embed``: the "looks like this" vector, L2-normalised, so cosine = dot product. It joins
  what the photo *is* and how it *looks* (see :func:`similarity_vectors`).

The files (``photo.onnx``, ``photo.json``, ``projection*.npy``) are written by
:meth:`PhotoModel.save` and read by :meth:`PhotoModel.load`, inside the artifact store's
``photo/<version>/`` folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.catalog.schema import ARTICLE, GENDER
from ml.photo.images import RESOLUTION, as_batch, colour_histograms

ARTIFACT_NAME = "photo"
GRAPH_FILE = "photo.onnx"
SPEC_FILE = "photo.json"
PROJECTION_FILE = "projection.npy"
PROJECTION_MEAN_FILE = "projection_mean.npy"
EMBEDDING_OUTPUT = "embedding"
IMAGE_INPUT = "image"
# Threads of one ONNX Runtime session. Web workers use 1: gunicorn forks after loading the
# models, and a thread pool does not survive a fork; one upload takes a few ms on one core.
SERVING_THREADS = 1
BATCH_THREADS = 2  # catalog embedding at training time: both cores
BATCH_SIZE = 256
# The similarity vector (the spike's best "same type AND gender in top 10": 0.770 vs 0.751 for
# the features alone, RESULTS.md "Similarity variants"): projected features, then the square
# roots of the article-type and gender probabilities (so two photos' dot product there is
# the Bhattacharyya overlap of what they are), then the colour histogram, which costs nothing
# on type and gender and makes neighbours share colour.
CLASS_WEIGHT = 1.0
COLOUR_WEIGHT = 0.3
TEST_TIME_FLIP = True  # categorizing averages the photo and its mirror (+0.6 pt article type)


def _l2(x: np.ndarray) -> np.ndarray:
    return (x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def similarity_vectors(
    features: np.ndarray,
    probabilities: dict[str, np.ndarray],
    histograms: np.ndarray,
    projection: tuple[np.ndarray, np.ndarray] | None,
) -> np.ndarray:
    """[L2(projected features), sqrt p(article type), sqrt p(gender), 0.3 L2(colour)], L2-normalised."""
    if projection is not None:
        mean, components = projection
        features = (features - mean) @ components
    parts = [_l2(features)]
    for level in (ARTICLE, GENDER):
        if level in probabilities:
            parts.append(CLASS_WEIGHT * np.sqrt(probabilities[level]).astype(np.float32))
    parts.append(COLOUR_WEIGHT * _l2(histograms))
    return _l2(np.concatenate(parts, axis=1))


def ort_session(graph: bytes | str | Path, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    source = graph if isinstance(graph, bytes) else str(graph)
    return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])


@dataclass
class PhotoOutputs:
    """One pass of the graph over a batch: the raw features and each level's probabilities."""

    features: np.ndarray
    probabilities: dict[str, np.ndarray]


class PhotoModel:
    """Embeds and classifies photos with the exported graph; load with :meth:`load`.

    ``classes``: {level: class names} in the graph's output order. ``images`` arguments are a
    ``uint8`` (n, R, R, 3) batch or a list of photos (bytes, paths, files: see
    :func:`ml.photo.images.as_batch`; a refused one raises :class:`~ml.photo.images.PhotoError`).
    """

    def __init__(
        self,
        graph: bytes | str | Path,
        classes: dict[str, list[str]],
        *,
        resolution: int = RESOLUTION,
        projection: tuple[np.ndarray, np.ndarray] | None = None,
        threads: int = SERVING_THREADS,
        model_version: str = "unversioned",
    ):
        self.graph = graph
        self.classes = {level: np.asarray(names, dtype=object) for level, names in classes.items()}
        self.resolution = resolution
        self.projection = projection
        self.model_version = model_version
        self.metadata: dict = {}
        self._session = ort_session(graph, threads)
        self._outputs = [output.name for output in self._session.get_outputs()]

    @property
    def levels(self) -> list[str]:
        return list(self.classes)

    def run(self, images, *, flip: bool = False, batch_size: int = BATCH_SIZE) -> PhotoOutputs:
        """Features (n, F) and probabilities per level; ``flip`` averages photo and mirror."""
        batch = as_batch(images, self.resolution)
        features, probabilities = [], {level: [] for level in self.classes}
        for start in range(0, len(batch), batch_size):
            chunk = batch[start : start + batch_size]
            views = [chunk, np.ascontiguousarray(chunk[:, :, ::-1])] if flip else [chunk]
            runs = [
                dict(
                    zip(
                        self._outputs,
                        self._session.run(None, {IMAGE_INPUT: np.ascontiguousarray(v)}),
                        strict=True,
                    )
                )
                for v in views
            ]
            features.append(sum(r[EMBEDDING_OUTPUT] for r in runs) / len(runs))
            for level in self.classes:
                probabilities[level].append(sum(softmax(r[level]) for r in runs) / len(runs))
        if not len(batch):
            return PhotoOutputs(
                np.zeros((0, 0), np.float32),
                {level: np.zeros((0, len(c))) for level, c in self.classes.items()},
            )
        return PhotoOutputs(
            np.concatenate(features), {k: np.concatenate(v) for k, v in probabilities.items()}
        )

    def embed(self, images) -> np.ndarray:
        """(n, D) float32 L2-normalised "looks like this" vectors (cosine = dot product)."""
        batch = as_batch(images, self.resolution)
        outputs = self.run(batch)
        return self.vectors(outputs, batch)

    def vectors(self, outputs: PhotoOutputs, batch: np.ndarray) -> np.ndarray:
        """The similarity vectors of a batch already run (saves a second pass)."""
        return similarity_vectors(
            outputs.features, outputs.probabilities, colour_histograms(batch), self.projection
        )

    def level_probabilities(self, images) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """{level: (class names, (n, classes) probabilities)} for every level the photo predicts."""
        outputs = self.run(images, flip=TEST_TIME_FLIP)
        return {level: (self.classes[level], outputs.probabilities[level]) for level in self.classes}

    def analyse(self, images) -> tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """``(embed(images), level_probabilities(images))`` from one decode (an upload's path)."""
        batch = as_batch(images, self.resolution)
        outputs = self.run(batch, flip=TEST_TIME_FLIP)
        plain = self.run(batch) if TEST_TIME_FLIP else outputs
        levels = {level: (self.classes[level], outputs.probabilities[level]) for level in self.classes}
        return self.vectors(plain, batch), levels

    # ---- persistence

    def save(self, folder: Path) -> Path:
        folder = Path(folder)
        graph = self.graph if isinstance(self.graph, bytes) else Path(self.graph).read_bytes()
        (folder / GRAPH_FILE).write_bytes(graph)
        spec = {"resolution": self.resolution, "classes": {k: list(v) for k, v in self.classes.items()}}
        (folder / SPEC_FILE).write_text(json.dumps(spec, indent=1))
        if self.projection is not None:
            np.save(folder / PROJECTION_MEAN_FILE, self.projection[0].astype(np.float32))
            np.save(folder / PROJECTION_FILE, self.projection[1].astype(np.float32))
        return folder

    @classmethod
    def load(
        cls, folder: Path, *, threads: int = SERVING_THREADS, model_version: str = "unversioned"
    ) -> PhotoModel:
        folder = Path(folder)
        spec = json.loads((folder / SPEC_FILE).read_text())
        projection = None
        if (folder / PROJECTION_FILE).exists():
            projection = (np.load(folder / PROJECTION_MEAN_FILE), np.load(folder / PROJECTION_FILE))
        return cls(
            folder / GRAPH_FILE,
            spec["classes"],
            resolution=spec["resolution"],
            projection=projection,
            threads=threads,
            model_version=model_version,
        )


def load_photo_model(*, store, threads: int = SERVING_THREADS) -> PhotoModel:
    """The current photo model from the artifact store; ``ArtifactMissing`` if none."""
    folder = store.folder(ARTIFACT_NAME)
    metadata = store.metadata(ARTIFACT_NAME)
    model = PhotoModel.load(folder, threads=threads, model_version=metadata["version"])
    model.metadata = metadata
    return model
