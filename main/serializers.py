"""Shapes of the JSON API: validated input, documented output (see /api/schema/)."""

from rest_framework import serializers

from ml.catalog.schema import LEVELS

MAX_NAME_LENGTH = 300
MAX_DESCRIPTION_LENGTH = 5000
MAX_BATCH = 1000


class PredictionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=MAX_NAME_LENGTH, trim_whitespace=True)
    description = serializers.CharField(
        max_length=MAX_DESCRIPTION_LENGTH, required=False, allow_blank=True, default=""
    )

    def validate_name(self, value: str) -> str:
        if not any(character.isalnum() for character in value):
            raise serializers.ValidationError("A product name needs at least one letter or digit.")
        return value


class PhotoPredictionInputSerializer(serializers.Serializer):
    """A multipart prediction: a photo, a name, or both (a photo alone is enough)."""

    name = serializers.CharField(max_length=MAX_NAME_LENGTH, trim_whitespace=True, required=False,
                                 allow_blank=True, default="")
    description = serializers.CharField(
        max_length=MAX_DESCRIPTION_LENGTH, required=False, allow_blank=True, default=""
    )
    image = serializers.FileField(required=False, help_text="JPEG, PNG or WebP, up to 5 MB")

    def validate(self, data: dict) -> dict:
        if data.get("image") is None:
            if not any(character.isalnum() for character in data.get("name", "")):
                raise serializers.ValidationError(
                    {"name": "Send a photo, or a product name with at least one letter or digit."}
                )
        elif data.get("name") and not any(character.isalnum() for character in data["name"]):
            raise serializers.ValidationError({"name": "A product name needs at least one letter or digit."})
        return data


class AlternativeSerializer(serializers.Serializer):
    label = serializers.CharField()
    confidence = serializers.FloatField()


class LevelSerializer(serializers.Serializer):
    label = serializers.CharField()
    confidence = serializers.FloatField()
    top3 = AlternativeSerializer(many=True)


class CategoryPredictionSerializer(serializers.Serializer):
    """Each category level with its confidence and top 3, then the whole path's confidence."""

    # The levels are ml.catalog.schema.LEVELS (get_fields), in its order, before these.
    confidence = serializers.FloatField()
    model_version = serializers.CharField()

    def get_fields(self):
        return {**{level: LevelSerializer() for level in LEVELS}, **super().get_fields()}


class BatchPredictionSerializer(serializers.Serializer):
    results = CategoryPredictionSerializer(many=True)
    model_version = serializers.CharField()


DATASET_ID_HELP = "The dataset id, as in the product's URL (null for a listing of a seller)"
LISTING_ID_HELP = "The listing's own id (a seller's listing has only this one)"


class RecommendedProductSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text=DATASET_ID_HELP)
    listing_id = serializers.IntegerField(help_text=LISTING_ID_HELP)
    name = serializers.CharField()
    url = serializers.CharField()
    image = serializers.CharField(allow_blank=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    score = serializers.FloatField()
    reason = serializers.CharField(allow_blank=True)


class RecommendationListSerializer(serializers.Serializer):
    results = RecommendedProductSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    """``{"detail": reason}``, or for invalid input the reasons keyed by field."""

    detail = serializers.JSONField(required=False)


def suggestion_results(items) -> dict:
    """Suggested products (``main.selectors.ProductSuggestion``) as the API lists them."""
    return RecommendationListSerializer(
        {
            "results": [
                {
                    "id": s.product.dataset_id,
                    "listing_id": s.product.pk,
                    "name": s.product.name,
                    "url": s.product.get_absolute_url(),
                    "image": s.product.image.url if s.product.image else "",
                    "price": s.product.price,
                    "score": round(s.score, 4),
                    "reason": s.reason,
                }
                for s in items
            ]
        }
    ).data
