"""The recommendations API: similar items of a product, and the personal feed."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from main.api import ApiView
from main.models import Product
from main.selectors import product_for_page
from main.serializers import ErrorSerializer, RecommendationListSerializer, suggestion_results

from .selectors import feed_for_request, similar_for
from .serializers import KSerializer


def _k(request) -> int:
    data = KSerializer(data=request.query_params)
    data.is_valid(raise_exception=True)
    return data.validated_data["k"]


class SimilarProductsView(ApiView):
    """Products like this one (by dataset id), with a reason for each."""

    @extend_schema(
        parameters=[
            OpenApiParameter("dataset_id", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter("k", OpenApiTypes.INT, required=False, description="1 to 50"),
        ],
        responses={
            200: RecommendationListSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            429: ErrorSerializer,
        },
    )
    def get(self, request, dataset_id: str):
        k = _k(request)
        # Any path segment reaches this view, so that every miss is a JSON 404, not an HTML page.
        try:
            if not (dataset_id.isascii() and dataset_id.isdigit() and len(dataset_id) <= 10):
                raise Product.DoesNotExist
            product = product_for_page(dataset_id=int(dataset_id))
        except Product.DoesNotExist:
            return Response({"detail": "No such product."}, status=status.HTTP_404_NOT_FOUND)
        return Response(suggestion_results(similar_for(product=product, k=k)))


class RecommendationsView(ApiView):
    """The personal feed of the logged-in user, or of this browser's visitor (its `visitor` cookie)."""

    @extend_schema(
        parameters=[OpenApiParameter("k", OpenApiTypes.INT, required=False, description="1 to 50")],
        responses={200: RecommendationListSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
    )
    def get(self, request):
        return Response(suggestion_results(feed_for_request(request=request, k=_k(request))))


