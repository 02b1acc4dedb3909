"""Saving and loading trained models with their metadata.

Every artifact is a joblib file holding ``{"model": ..., "metadata": {...}}``. Metadata
always has ``name``, ``version``, ``created_at``, ``data_fingerprint`` and ``metrics``, so
an operator can tell what is deployed without loading code.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import joblib

DEFAULT_MODELS_DIR = Path(__file__).resolve().parent.parent / "models"


class ArtifactMissing(FileNotFoundError):
    """A trained model is not on disk: run ``python manage.py train_models``."""


def models_dir() -> Path:
    return Path(os.environ.get("MODELS_DIR") or DEFAULT_MODELS_DIR)


def save_artifact(
    model: Any,
    *,
    name: str,
    data_fingerprint: str,
    metrics: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    directory: Path | None = None,
) -> Path:
    """Write ``<directory>/<name>.joblib`` atomically and return its path."""
    folder = Path(directory) if directory is not None else models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    created = dt.datetime.now(dt.UTC)
    metadata = {
        "name": name,
        "version": f"{name}-{created:%Y%m%d%H%M%S}-{data_fingerprint[:8]}",
        "created_at": created.isoformat(),
        "data_fingerprint": data_fingerprint,
        "metrics": metrics or {},
        **(extra or {}),
    }
    path = folder / f"{name}.joblib"
    tmp = path.with_suffix(".joblib.tmp")
    joblib.dump({"model": model, "metadata": metadata}, tmp)
    os.replace(tmp, path)
    return path


def load_artifact(name: str, *, directory: Path | None = None) -> tuple[Any, dict[str, Any]]:
    """Return ``(model, metadata)``; raise :class:`ArtifactMissing` with the fix if absent."""
    folder = Path(directory) if directory is not None else models_dir()
    path = folder / f"{name}.joblib"
    if not path.exists():
        raise ArtifactMissing(
            f"No trained model at {path}. Run `python manage.py train_models` (or `make run`)."
        )
    payload = joblib.load(path)
    return payload["model"], payload["metadata"]
