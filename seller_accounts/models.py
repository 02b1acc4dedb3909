from django.db import models

from main.ml_fields import RECORDED_FIELDS
from main.models import Product


class ListingCategorization(models.Model):
    """What the model suggested for a listing and what the seller kept.

    One row per listing created with the categorizer's help: the correction rate per level
    is read in the admin, and the rows are training data for the next model.
    """

    # Three columns per recorded level (``main.ml_fields.RECORDED_FIELDS``): predicted_<field>,
    # chosen_<field> and <field>_corrected, read and written by looping over that list.
    LEVELS = RECORDED_FIELDS

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="categorization")
    model_version = models.CharField(max_length=100)
    text = models.TextField(help_text="The name and description the prediction was made from.")
    confidence = models.FloatField(help_text="Confidence of the predicted category path.")
    confidences = models.JSONField(default=dict, help_text="Confidence per level.")
    predicted_gender = models.CharField(max_length=20)
    predicted_sub_category = models.CharField(max_length=50)
    predicted_article_type = models.CharField(max_length=60)
    predicted_base_colour = models.CharField(max_length=30, blank=True)
    predicted_usage = models.CharField(max_length=30, blank=True)
    chosen_gender = models.CharField(max_length=20)
    chosen_sub_category = models.CharField(max_length=50)
    chosen_article_type = models.CharField(max_length=60)
    chosen_base_colour = models.CharField(max_length=30, blank=True)
    chosen_usage = models.CharField(max_length=30, blank=True)
    gender_corrected = models.BooleanField(default=False)
    sub_category_corrected = models.BooleanField(default=False)
    article_type_corrected = models.BooleanField(default=False)
    base_colour_corrected = models.BooleanField(default=False)
    usage_corrected = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Categorization of {self.product_id}"
