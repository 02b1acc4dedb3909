"""Shapes of the JSON API: validated input, documented output (see /api/schema/)."""

from rest_framework import serializers

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


class PhotoSearchInputSerializer(serializers.Serializer):
    image = serializers.FileField(help_text="JPEG, PNG or WebP, up to 5 MB")
    k = serializers.IntegerField(min_value=1, max_value=50, default=10, required=False)


class AlternativeSerializer(serializers.Serializer):
    label = serializers.CharField()
    confidence = serializers.FloatField()


class LevelSerializer(serializers.Serializer):
    label = serializers.CharField()
    confidence = serializers.FloatField()
    top3 = AlternativeSerializer(many=True)


class CategoryPredictionSerializer(serializers.Serializer):
    gender = LevelSerializer()
    masterCategory = LevelSerializer()
    subCategory = LevelSerializer()
    articleType = LevelSerializer()
    baseColour = LevelSerializer()
    usage = LevelSerializer()
    confidence = serializers.FloatField()
    model_version = serializers.CharField()


class BatchPredictionSerializer(serializers.Serializer):
    results = CategoryPredictionSerializer(many=True)
    model_version = serializers.CharField()


class KSerializer(serializers.Serializer):
    k = serializers.IntegerField(min_value=1, max_value=50, default=10)


class RecommendedProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    dataset_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    url = serializers.CharField()
    image = serializers.CharField(allow_blank=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    score = serializers.FloatField()
    reason = serializers.CharField(allow_blank=True)


class RecommendationListSerializer(serializers.Serializer):
    results = RecommendedProductSerializer(many=True)


class PhotoSearchResultSerializer(RecommendationListSerializer):
    catalog_url = serializers.CharField(
        help_text="The same results in the catalog, with facets to narrow them"
    )


class ErrorSerializer(serializers.Serializer):
    """``{"detail": reason}``, or for invalid input the reasons keyed by field."""

    detail = serializers.JSONField(required=False)
