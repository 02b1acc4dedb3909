"""The model registry: every trained model version, the ``serving`` alias of each model kind,
and the append-only history of every move of an alias (what moved it, who, and why).

Rows point at immutable folders of the artifact store (:mod:`ml.store`); the store never
prunes a version the registry still lists (:func:`serving.selectors.pinned_versions`).
"""

from __future__ import annotations

from django.db import models

SERVING = "serving"  # the one alias the shop reads: the version each worker serves


class ModelVersion(models.Model):
    """One trained model, as ``train_models`` (or a schedule, or a person) saved it."""

    class Gate(models.TextChoices):
        PENDING = "pending", "not gated yet"
        PASSED = "passed", "passed the gate"
        HELD = "held", "held back by the gate"

    kind = models.CharField(max_length=40, db_index=True, help_text="artifact name, e.g. categorizer")
    version = models.CharField(max_length=120, unique=True)
    folder = models.CharField(max_length=500, help_text="the version's folder in the artifact store")
    created_at = models.DateTimeField(help_text="when the artifact was saved")
    registered_at = models.DateTimeField(auto_now_add=True)
    metrics = models.JSONField(default=dict, blank=True)
    data_fingerprint = models.CharField(max_length=80, blank=True)
    training_rows = models.PositiveIntegerField(default=0)
    seller_confirmed_rows = models.PositiveIntegerField(default=0)
    audited_rows = models.PositiveIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True)
    libraries = models.JSONField(default=dict, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    trained_by = models.CharField(
        max_length=120, help_text='"command:train_models", "schedule:nightly" or "person:<username>"'
    )
    gate = models.CharField(max_length=10, choices=Gate.choices, default=Gate.PENDING)
    gate_reason = models.TextField(blank=True)
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="no longer kept: its folder may be pruned from the store"
    )

    class Meta:
        ordering = ["kind", "-created_at"]

    def __str__(self) -> str:
        return self.version


class ServingAlias(models.Model):
    """Which version of a kind an alias names (only ``serving`` today). Moved only by
    :mod:`serving.services`, each move recorded in :class:`AliasMove`."""

    kind = models.CharField(max_length=40)
    alias = models.CharField(max_length=20, default=SERVING)
    version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="aliases")
    moved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "alias"], name="one_version_per_alias")]

    def __str__(self) -> str:
        return f"{self.kind}@{self.alias} = {self.version_id}"


class AppendOnlyQuerySet(models.QuerySet):
    """History is written once: no bulk update or delete."""

    def update(self, **kwargs):
        raise PermissionError("The alias history is append-only.")

    def delete(self):
        raise PermissionError("The alias history is append-only.")


class AliasMove(models.Model):
    """One move of an alias: promotion, rollback, or the gate's first promotion. Never changed."""

    class Action(models.TextChoices):
        PROMOTE = "promote"
        ROLLBACK = "rollback"

    kind = models.CharField(max_length=40, db_index=True)
    alias = models.CharField(max_length=20, default=SERVING)
    action = models.CharField(max_length=10, choices=Action.choices)
    from_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    by = models.CharField(max_length=120, help_text='"gate", "command:models", "person:<username>" …')
    moved_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-moved_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}@{self.alias}: {self.from_version_id} -> {self.to_version_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The alias history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The alias history is append-only.")
