"""Shapes of the reviews API: validated input, documented output (see /api/schema/)."""

from rest_framework import serializers

from .models import HIGHEST_RATING, LOWEST_RATING
from .selectors import REVIEW_ORDERS

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 50


class ReviewQuerySerializer(serializers.Serializer):
    sort = serializers.ChoiceField(choices=list(REVIEW_ORDERS), default="newest", required=False)
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=10, required=False)

    def validate(self, data):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({"detail": f"Unknown parameter: {', '.join(unknown)}."})
        return data


class StarsShareSerializer(serializers.Serializer):
    stars = serializers.IntegerField(min_value=LOWEST_RATING, max_value=HIGHEST_RATING)
    count = serializers.IntegerField()
    percent = serializers.IntegerField()


class FitShareSerializer(serializers.Serializer):
    fit = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Visible reviews")
    average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    distribution = StarsShareSerializer(many=True, help_text="5 stars first")
    fits = FitShareSerializer(many=True)
    fit_count = serializers.IntegerField(help_text="Reviews that said how it fits")


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField(min_value=LOWEST_RATING, max_value=HIGHEST_RATING)
    fit = serializers.CharField(allow_blank=True, help_text="small, true, large, or empty: not said")
    title = serializers.CharField(allow_blank=True)
    body = serializers.CharField()
    author = serializers.CharField(source="author.username")
    helpful_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class ReviewPageSerializer(serializers.Serializer):
    summary = SummarySerializer()
    results = ReviewSerializer(many=True)
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
