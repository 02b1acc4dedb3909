"""Experiments, their variants, who was exposed to which, and the defaults shipping sets.

Assignment is not stored: a unit's variant is a hash of the experiment and the unit
(:mod:`experiments.assignment`), so it is the same on every request and every worker. What is
stored is the first exposure of each unit (to count it and date it) and, for a shopper who
logs in, which unit their account keeps (:class:`UnitAlias`), so that logging in changes nothing.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Experiment(models.Model):
    class Surface(models.TextChoices):
        CAROUSELS = "carousels", "Product page carousels"
        FEED = "feed", "Home feed"
        CATEGORIZER = "categorizer", "Listing categorizer"

    class Outcome(models.TextChoices):
        CLICK = "view", "Click-through (views another product)"
        CART = "cart", "Add to cart"
        PURCHASE = "purchase", "Purchase"
        CORRECTED = "corrected", "Seller corrected the categorizer"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RUNNING = "running", "Running"
        STOPPED = "stopped", "Stopped"
        SHIPPED = "shipped", "Shipped"

    key = models.SlugField(
        unique=True,
        help_text="Hashed with each visitor's id to pick their variant: never change it once run.",
    )
    title = models.CharField(max_length=200)
    surface = models.CharField(max_length=20, choices=Surface.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    base_rate = models.FloatField(default=0.05, help_text="The control's expected rate, before any data.")
    planned_lift = models.FloatField(
        default=0.2, help_text="The relative lift worth finding (0.2 = +20%): sets the sample needed."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    shipped_variant = models.ForeignKey(
        "Variant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Variant(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="variants")
    key = models.SlugField()
    value = models.CharField(
        max_length=100,
        blank=True,
        help_text="The strategy this variant serves, or the categorizer's model version.",
    )
    weight = models.PositiveIntegerField(
        default=1, help_text="Planned share of traffic, relative to the others."
    )
    is_control = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_control", "id"]
        constraints = [models.UniqueConstraint(fields=["experiment", "key"], name="experiments_variant_key")]

    def __str__(self) -> str:
        return self.key


class Exposure(models.Model):
    """A unit (a visitor, a seller) first saw the experiment: later ones are not stored."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="exposures")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="exposures")
    unit = models.CharField(max_length=64)
    exposed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["experiment", "unit"], name="experiments_exposure_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} saw {self.variant_id}"


class UnitAlias(models.Model):
    """The unit an account keeps: the visitor id it first logged in with. A shopper assigned
    while anonymous keeps their variant after logging in, on any device."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return f"{self.user_id} is {self.unit}"


class SurfaceDefault(models.Model):
    """The strategy a surface serves outside experiments: set by shipping an experiment's winner."""

    surface = models.CharField(max_length=20, choices=Experiment.Surface.choices, unique=True)
    strategy = models.CharField(max_length=100)
    experiment = models.ForeignKey(
        Experiment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.surface}: {self.strategy}"
