"""Labels the catalog audit (``python manage.py audit_catalog``) found suspicious, and what an
operator decided about them."""

from django.conf import settings
from django.db import models

from main.models import Product
from ml.audit.suspects import CATEGORY
from ml.catalog.schema import COLOUR


class CatalogSuspect(models.Model):
    """One product label the name (and the photo) disagree with, with the evidence.

    ``label`` and ``answer`` are taxonomy paths ("Footwear / Shoes / Heels") for the category,
    colour names for the colour. A decided suspect is kept: the audit does not raise the same
    (product, level, label, answer) again, and an accepted one is a training label.
    """

    class Level(models.TextChoices):
        CATEGORY = CATEGORY, "Category"
        COLOUR = COLOUR, "Colour"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted (label fixed)"
        REJECTED = "rejected", "Rejected (label kept)"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="audit_suspects")
    level = models.CharField(max_length=20, choices=Level.choices)
    label = models.CharField(max_length=200, help_text="The label the product had when audited.")
    answer = models.CharField(max_length=200, help_text="What the name and the photo say together.")
    confidence = models.FloatField(help_text="Probability of the answer, name and photo pooled.")
    label_confidence = models.FloatField(help_text="Probability of the label, name and photo pooled.")
    score = models.FloatField(
        db_index=True, help_text="Suspicion: the answer's probability minus the label's."
    )
    name_says = models.CharField(max_length=200)
    name_confidence = models.FloatField()
    photo_says = models.CharField(max_length=200, blank=True)
    photo_confidence = models.FloatField(null=True, blank=True)
    audit_run = models.CharField(max_length=40, help_text="When the audit that raised it ran.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "level", "label", "answer"], name="one_suspect_per_disagreement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.level}: {self.label} -> {self.answer}"
