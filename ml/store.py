"""The one artifact store: every trained model, versioned, with its metadata.

Layout under ``MODELS_DIR``::

    manifest.json                       which version of each model is current
    categorizer/<version>/model.joblib  the model ...
    categorizer/<version>/metadata.json ... and what it is (see ArtifactStore.save)
    similarity/<version>/*.npy          a model that writes its own files (memory-mapped)

A model is written into a fresh version folder; the manifest is then switched to it by one
atomic rename, so a process reads the old model or the new one, never half of one. The
version before the current one is kept for processes that still map it; older ones go.
Artifacts are rebuilt by ``train_models``, never migrated: a model saved by other library
versions is retrained, not patched on load.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import importlib.metadata
import json
import os
import platform
import shutil
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import joblib

DEFAULT_MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MANIFEST_FILE = "manifest.json"
METADATA_FILE = "metadata.json"
MODEL_FILE = "model.joblib"
KEEP_VERSIONS = 2  # the current version and the one before it
LIBRARIES = ("numpy", "scipy", "pandas", "scikit-learn", "joblib", "implicit")


class ArtifactMissing(FileNotFoundError):
    """A trained model is not in the store: run ``python manage.py train_models``."""


def models_dir() -> Path:
    """``MODELS_DIR`` from the environment, else ``models/`` beside the code."""
    return Path(os.environ.get("MODELS_DIR") or DEFAULT_MODELS_DIR)


def library_versions() -> dict[str, str]:
    """The versions a model was trained with: a model is only trusted with the same ones."""
    versions = {"python": platform.python_version()}
    for library in LIBRARIES:
        try:
            versions[library] = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


class ArtifactStore:
    """Versioned models under one folder (``root``, default :func:`models_dir`)."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root is not None else models_dir()

    # ---- writing

    def save(
        self,
        name: str,
        model: Any,
        *,
        data_fingerprint: str,
        training_rows: int,
        metrics: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        writer: Callable[[Path], Any] | None = None,
    ) -> dict[str, Any]:
        """Save ``model`` as the new current version of ``name`` and return its metadata.

        ``writer(folder)`` writes a model that keeps its own files (arrays to memory-map);
        without it the model is one joblib file. The metadata records the version, the
        training data's fingerprint and size, the model's parameters, the metrics and the
        library versions.
        """
        created = dt.datetime.now(dt.UTC)
        version = f"{name}-{created:%Y%m%d%H%M%S%f}-{data_fingerprint[:8]}"
        folder = self.root / name / version
        folder.mkdir(parents=True)
        if writer is not None:
            writer(folder)
        else:
            joblib.dump(model, folder / MODEL_FILE)
        metadata = {
            "name": name,
            "version": version,
            "created_at": created.isoformat(),
            "data_fingerprint": data_fingerprint,
            "training_rows": training_rows,
            "params": _jsonable(model.get_params()) if hasattr(model, "get_params") else {},
            "metrics": metrics or {},
            "libraries": library_versions(),
            **(extra or {}),
        }
        (folder / METADATA_FILE).write_text(json.dumps(metadata, indent=2, default=str))
        with self._locked():
            manifest = self.manifest()
            manifest[name] = version
            _write_atomically(self.root / MANIFEST_FILE, json.dumps(manifest, indent=2))
        self._prune(name, keep=version)
        return metadata

    def _prune(self, name: str, *, keep: str) -> None:
        versions = sorted(p for p in (self.root / name).iterdir() if p.is_dir() and p.name != keep)
        for old in versions[: max(len(versions) - (KEEP_VERSIONS - 1), 0)]:
            shutil.rmtree(old, ignore_errors=True)

    @contextmanager
    def _locked(self):
        """One writer of the manifest at a time (``train_models`` runs may overlap)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".manifest.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    # ---- reading

    def manifest(self) -> dict[str, str]:
        """``{model name: current version}``; empty when nothing was trained yet."""
        try:
            return json.loads((self.root / MANIFEST_FILE).read_text())
        except FileNotFoundError:
            return {}

    def folder(self, name: str) -> Path:
        """The current version's folder; :class:`ArtifactMissing` (with the fix) if none."""
        version = self.manifest().get(name)
        folder = self.root / name / version if version else None
        if folder is None or not (folder / METADATA_FILE).is_file():
            raise ArtifactMissing(
                f"No trained {name} model in {self.root}. "
                "Run `python manage.py train_models` (or `make run`)."
            )
        return folder

    def metadata(self, name: str) -> dict[str, Any]:
        return json.loads((self.folder(name) / METADATA_FILE).read_text())

    def load(self, name: str, *, reader: Callable[[Path], Any] | None = None) -> tuple[Any, dict[str, Any]]:
        """``(model, metadata)`` of the current version; ``reader(folder)`` opens a model
        saved with a ``writer``."""
        folder = self.folder(name)
        metadata = json.loads((folder / METADATA_FILE).read_text())
        model = reader(folder) if reader is not None else joblib.load(folder / MODEL_FILE)
        return model, metadata

    def missing(self, names: Iterable[str]) -> list[str]:
        """Which of ``names`` have no current version."""
        absent = []
        for name in names:
            try:
                self.folder(name)
            except ArtifactMissing:
                absent.append(name)
        return absent


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as JSON can hold them (an estimator or other object by its repr)."""
    result = {}
    for key, value in params.items():
        try:
            json.dumps(value)
            result[key] = value
        except TypeError:
            result[key] = repr(value)
    return result
