"""Reads of the model registry: what serves, what is kept, what changed, and how two
versions compare."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import SERVING, AliasMove, ModelVersion, ServingAlias


def serving_versions() -> dict[str, str]:
    """``{kind: version}`` the ``serving`` alias names: what every web worker serves."""
    return dict(ServingAlias.objects.filter(alias=SERVING).values_list("kind", "version__version"))


def pinned_versions(kind: str) -> set[str]:
    """The versions of ``kind`` the artifact store must keep: every one not retired.
    (Positional: the store calls it as ``pinned(name)``.)"""
    kept = ModelVersion.objects.filter(kind=kind, retired_at__isnull=True)
    return set(kept.values_list("version", flat=True))


def versions(*, kind: str | None = None) -> QuerySet[ModelVersion]:
    """Registered versions, newest first per kind."""
    rows = ModelVersion.objects.all()
    return rows.filter(kind=kind) if kind else rows


def version_get(*, version: str) -> ModelVersion:
    return ModelVersion.objects.get(version=version)


def alias_history(*, kind: str | None = None) -> QuerySet[AliasMove]:
    """Every move of an alias, newest first."""
    moves = AliasMove.objects.select_related("from_version", "to_version")
    return moves.filter(kind=kind) if kind else moves


def rollback_target(*, kind: str) -> ModelVersion | None:
    """The version that served before the current one: the newest version the alias moved
    away from that is neither the current one, nor one a rollback left (it was bad), nor
    retired. Rolling back twice goes two versions back, not forth again."""
    current = serving_versions().get(kind)
    rolled_back_from: set[str] = set()
    for move in alias_history(kind=kind):
        left = move.from_version
        if move.action == AliasMove.Action.ROLLBACK and left is not None:
            rolled_back_from.add(left.version)
            continue
        if left is not None and left.version != current and left.version not in rolled_back_from \
                and left.retired_at is None:
            return left
    return None


def version_diff(*, a: str, b: str) -> list[tuple[str, Any, Any, float | None]]:
    """``(metric, a's value, b's value, b - a)`` for every metric either version records,
    numbers first (the hold-out accuracy per level), side by side."""
    first, second = version_get(version=a), version_get(version=b)
    rows = []
    for name in sorted(set(first.metrics) | set(second.metrics)):
        left, right = first.metrics.get(name), second.metrics.get(name)
        rows.append((name, left, right, _delta(left, right)))
    for field in ("training_rows", "seller_confirmed_rows", "audited_rows", "duration_seconds"):
        left, right = getattr(first, field), getattr(second, field)
        rows.append((field, left, right, _delta(left, right)))
    return rows


def _delta(left: Any, right: Any) -> float | None:
    numeric = isinstance(left, int | float) and isinstance(right, int | float)
    return round(right - left, 6) if numeric else None
