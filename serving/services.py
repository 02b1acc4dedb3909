"""Writes of the model registry: register a trained version (and gate it), promote, roll
back, retire. Each alias move is appended to the history with its reason and author."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from ml.store import ArtifactMissing, ArtifactStore

from . import gate, selectors, tracking
from .models import SERVING, AliasMove, ModelVersion, ServingAlias
from .registry import store

logger = logging.getLogger(__name__)

# Versions of a kind kept besides the serving one and those the history may roll back to:
# the newest candidates, so that a person can still compare or promote them.
KEEP_CANDIDATES = 2
# Alias moves looked back on for rollback targets: the versions they left stay in the store.
ROLLBACK_DEPTH = 3


class RegistryError(Exception):
    """A promotion or rollback that cannot be done (unknown version, nothing to roll back to)."""


def version_register(*, metadata: dict[str, Any], trained_by: str, duration_seconds: float | None = None,
                     run_gate: bool = True) -> ModelVersion:
    """Record the version ``metadata`` describes (what :meth:`ml.store.ArtifactStore.save`
    returned), then gate it: promoted if it passes, else kept as a candidate with the reason
    (and the store's manifest pointed back at the serving version)."""
    artifacts = store()
    row, _created = ModelVersion.objects.get_or_create(
        version=metadata["version"],
        defaults={
            "kind": metadata["name"],
            "folder": str(artifacts.folder(metadata["name"], metadata["version"])),
            "created_at": dt.datetime.fromisoformat(metadata["created_at"]),
            "metrics": metadata.get("metrics") or {},
            "data_fingerprint": metadata.get("data_fingerprint", ""),
            "training_rows": metadata.get("training_rows") or 0,
            "seller_confirmed_rows": metadata.get("seller_confirmed_rows") or 0,
            "audited_rows": metadata.get("audit_corrected_rows") or 0,
            "params": metadata.get("params") or {},
            "libraries": metadata.get("libraries") or {},
            "duration_seconds": duration_seconds,
            "trained_by": trained_by,
        },
    )
    if _created:
        transaction.on_commit(lambda: tracking.version_mirror(version=row))
    if run_gate:
        version_gate(version=row)
    return row


def version_gate(*, version: ModelVersion) -> gate.Decision:
    """Run the promotion gate on ``version``; store its decision; promote if it passed."""
    artifacts = store()
    serving = selectors.serving_versions()
    current = serving.get(version.kind)
    decision = gate.decide(
        kind=version.kind,
        candidate=artifacts.metadata(version.kind, version.version),
        serving=artifacts.metadata(version.kind, current) if current else None,
        store=artifacts,
        serving_versions=serving,
    )
    version.gate = ModelVersion.Gate.PASSED if decision.passed else ModelVersion.Gate.HELD
    version.gate_reason = decision.reason
    version.save(update_fields=["gate", "gate_reason"])
    if decision.passed and current != version.version:
        version_promote(version=version.version, reason=decision.reason, by="gate")
    elif current:
        artifacts.point(version.kind, current)  # the manifest names what serves, not the candidate
    versions_retire(kind=version.kind)
    return decision


def version_promote(*, version: str, reason: str, by: str) -> AliasMove:
    """Make ``version`` its kind's serving version (web workers follow within
    ``MODEL_POLL_SECONDS``); the move is recorded with ``reason`` and ``by``."""
    row = _registered(version)
    return _move(to=row, action=AliasMove.Action.PROMOTE, reason=reason, by=by)


def alias_rollback(*, kind: str, reason: str, by: str) -> AliasMove:
    """Move ``kind``'s serving alias back to the version that served before
    (:func:`serving.selectors.rollback_target`)."""
    target = selectors.rollback_target(kind=kind)
    if target is None:
        raise RegistryError(f"No earlier {kind} version to roll back to.")
    return _move(to=target, action=AliasMove.Action.ROLLBACK, reason=reason, by=by)


def versions_retire(*, kind: str) -> list[str]:
    """Retire the versions of ``kind`` no longer worth keeping (neither serving, nor left by
    the last ``ROLLBACK_DEPTH`` moves, nor among the ``KEEP_CANDIDATES`` newest) and prune
    their folders from the store; return the retired versions."""
    kept = set(selectors.versions(kind=kind).values_list("version", flat=True)[:KEEP_CANDIDATES + 1])
    if kind in (serving := selectors.serving_versions()):
        kept.add(serving[kind])
    for move in selectors.alias_history(kind=kind)[:ROLLBACK_DEPTH]:
        kept |= {move.to_version.version, *([move.from_version.version] if move.from_version else [])}
    retired = ModelVersion.objects.filter(kind=kind, retired_at__isnull=True).exclude(version__in=kept)
    names = list(retired.values_list("version", flat=True))
    retired.update(retired_at=timezone.now())
    store().prune(kind)
    return names


def _registered(version: str) -> ModelVersion:
    try:
        row = selectors.version_get(version=version)
    except ModelVersion.DoesNotExist:
        raise RegistryError(f"No registered version {version!r} (see `python manage.py models`).") from None
    if row.retired_at is not None:
        raise RegistryError(f"{version} is retired: its folder may be gone from the artifact store.")
    return row


@transaction.atomic
def _move(*, to: ModelVersion, action: str, reason: str, by: str) -> AliasMove:
    alias = ServingAlias.objects.select_for_update().filter(kind=to.kind, alias=SERVING).first()
    before = alias.version if alias is not None else None
    if before is not None and before.pk == to.pk:
        raise RegistryError(f"{to.version} already serves.")
    if alias is None:
        alias = ServingAlias(kind=to.kind, alias=SERVING)
    alias.version = to
    alias.save()
    move = AliasMove.objects.create(kind=to.kind, alias=SERVING, action=action, from_version=before,
                                    to_version=to, reason=reason, by=by)
    store().point(to.kind, to.version)  # the manifest follows, for tools that read the store alone
    transaction.on_commit(lambda: tracking.alias_mirror(version=to))
    logger.info("%s %s: %s -> %s (%s, by %s)", action, to.kind, before, to.version, reason, by)
    _built_over_follow(upstream=to, action=action, by=by)
    return move


def _built_over_follow(*, upstream: ModelVersion, action: str, by: str) -> None:
    """The models built over ``upstream``'s kind (:data:`serving.gate.BUILT_OVER`: complete the
    look over a similarity index, the photo index over a photo model) move with it: the newest
    registered version built over the one now serving takes over. A dependent left built over
    another version still answers, but by scoring every request (complete the look: ~1 ms more
    per product page) or with another model's vectors, until a matching version is registered."""
    artifacts = store()
    serving = selectors.serving_versions()
    for dependent, (field, kind) in gate.BUILT_OVER.items():
        current = serving.get(dependent)
        if kind != upstream.kind or current is None:
            continue
        built_over = _built_over(artifacts, dependent, current, field)
        if built_over == upstream.version:
            continue
        candidates = ModelVersion.objects.filter(kind=dependent, retired_at__isnull=True)
        match = next((row for row in candidates.order_by("-created_at")
                      if _built_over(artifacts, dependent, row.version, field) == upstream.version), None)
        if match is None:
            logger.info("%s %s is built over %s %s, not the serving %s, and no registered version is",
                        dependent, current, kind, built_over, upstream.version)
            continue
        _move(to=match, action=action, reason=f"follows {kind} {upstream.version} (built over it)", by=by)


def _built_over(artifacts: ArtifactStore, kind: str, version: str, field: str) -> str | None:
    """The upstream version ``version`` of ``kind`` was built over (None if its folder is gone)."""
    try:
        return artifacts.metadata(kind, version).get(field)
    except ArtifactMissing:
        return None


def versions_register_new(*, names: list[str], trained_by: str,
                          duration_seconds: float | None = None) -> list[ModelVersion]:
    """Register and gate the version the store's manifest names for each of ``names`` (in
    that order: a model before those built over it), if it is not registered yet: what a
    training run just saved. Returns the versions registered."""
    artifacts = store()
    registered = []
    for name in names:
        current = artifacts.manifest().get(name)
        if current is None or ModelVersion.objects.filter(version=current).exists():
            continue
        registered.append(version_register(metadata=artifacts.metadata(name, current),
                                           trained_by=trained_by, duration_seconds=duration_seconds))
    return registered
