"""The one artifact store: every trained model, versioned, with its metadata.

Layout under ``MODELS_DIR``::

    manifest.json                       which version of each model is current
    categorizer/<version>/model.joblib  the model ...
    categorizer/<version>/metadata.json ... and what it is (see ArtifactStore.save)
    similarity/<version>/*.npy          a model that writes its own files (memory-mapped)

A model is written into a fresh version folder; the manifest is then switched to it by one
atomic rename, so a process reads the old model or the new one, never half of one. A version
folder is never written again once saved. The manifest names the newest version unless a
caller moves it (:meth:`ArtifactStore.point`); a store opened with ``serving`` reads the
versions it names instead (the shop's registry decides which version serves). Pruning keeps
the ``KEEP_VERSIONS`` newest versions plus every version ``pinned`` says is in use.
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
from collections.abc import Callable, Collection, Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import joblib
import numpy as np

DEFAULT_MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MANIFEST_FILE = "manifest.json"
METADATA_FILE = "metadata.json"
MODEL_FILE = "model.joblib"
# The newest versions kept besides the pinned ones: the current one and the one before it,
# which processes may still map for a moment after a switch.
KEEP_VERSIONS = 2
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
    """Versioned models under one folder (``root``, default :func:`models_dir`).

    ``serving``: ``{name: version}`` to read instead of the manifest's (names it lacks read the
    manifest). ``pinned(name)``: the versions of ``name`` that must never be pruned (those a
    registry still lists); without it only the newest ``KEEP_VERSIONS`` survive.
    """

    def __init__(
        self,
        root: Path | str | None = None,
        *,
        serving: Mapping[str, str] | None = None,
        pinned: Callable[[str], Collection[str]] | None = None,
    ):
        self.root = Path(root) if root is not None else models_dir()
        self.serving = dict(serving or {})
        self.pinned = pinned

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
        arrays: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Save ``model`` as the new current version of ``name`` and return its metadata.

        ``writer(folder)`` writes a model that keeps its own files (arrays to memory-map);
        without it the model is one joblib file. The metadata records the version, the
        training data's fingerprint and size, the model's parameters, the metrics and the
        library versions. ``arrays`` (``{file stem: array}``) are saved beside the model as
        ``.npy`` files: what a later comparison needs (a hold-out's per-row outcomes).
        """
        created = dt.datetime.now(dt.UTC)
        version = f"{name}-{created:%Y%m%d%H%M%S%f}-{data_fingerprint[:8]}"
        folder = self.root / name / version
        folder.mkdir(parents=True)
        if writer is not None:
            writer(folder)
        else:
            joblib.dump(model, folder / MODEL_FILE)
        for stem, array in (arrays or {}).items():
            np.save(folder / f"{stem}.npy", array)
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

    def point(self, name: str, version: str) -> None:
        """Make ``version`` (already saved) the manifest's current version of ``name``."""
        if not (self.root / name / version / METADATA_FILE).is_file():
            raise ArtifactMissing(f"No version {version} of {name} in {self.root}.")
        with self._locked():
            manifest = self.manifest()
            manifest[name] = version
            _write_atomically(self.root / MANIFEST_FILE, json.dumps(manifest, indent=2))

    def prune(self, name: str) -> list[str]:
        """Delete the versions of ``name`` that are neither pinned, current, nor among the
        ``KEEP_VERSIONS`` newest; return the deleted ones."""
        return self._prune(name, keep=self.manifest().get(name, ""))

    def _prune(self, name: str, *, keep: str) -> list[str]:
        spared = {keep, *(self.pinned(name) if self.pinned is not None else ())}
        versions = sorted(p for p in (self.root / name).iterdir() if p.is_dir() and p.name not in spared)
        old = versions[: max(len(versions) - (KEEP_VERSIONS - 1), 0)]
        for folder in old:
            shutil.rmtree(folder, ignore_errors=True)
        return [folder.name for folder in old]

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

    def current(self, name: str) -> str | None:
        """The version read for ``name``: the one ``serving`` names, else the manifest's."""
        return self.serving.get(name) or self.manifest().get(name)

    def folder(self, name: str, version: str | None = None) -> Path:
        """``version``'s folder (default :meth:`current`); :class:`ArtifactMissing` (with the
        fix) if none."""
        version = version or self.current(name)
        folder = self.root / name / version if version else None
        if folder is None or not (folder / METADATA_FILE).is_file():
            raise ArtifactMissing(
                f"No trained {name} model in {self.root}. "
                "Run `python manage.py train_models` (or `make run`)."
            )
        return folder

    def metadata(self, name: str, version: str | None = None) -> dict[str, Any]:
        return json.loads((self.folder(name, version) / METADATA_FILE).read_text())

    def array(self, name: str, version: str, stem: str):
        """An array saved with the version (``save(arrays=...)``); None if it has none."""
        path = self.folder(name, version) / f"{stem}.npy"
        return np.load(path, allow_pickle=False) if path.is_file() else None

    def load(self, name: str, *, version: str | None = None,
             reader: Callable[[Path], Any] | None = None) -> tuple[Any, dict[str, Any]]:
        """``(model, metadata)`` of ``version`` (default :meth:`current`); ``reader(folder)``
        opens a model saved with a ``writer``."""
        folder = self.folder(name, version)
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
