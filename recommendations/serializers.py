"""Shapes of the recommendations API (its answers are ``main.serializers.RecommendationListSerializer``)."""

from rest_framework import serializers


class KSerializer(serializers.Serializer):
    k = serializers.IntegerField(min_value=1, max_value=50, default=10)
