"""The reviews API: a product's rating summary and its visible reviews, a page at a time."""

from __future__ import annotations

from django.core.paginator import Paginator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from main.api import ApiView
from main.models import Product
from main.serializers import ErrorSerializer

from .selectors import product_reviews, product_summary
from .serializers import ReviewPageSerializer, ReviewQuerySerializer

DATASET_ID_DIGITS = 10


class ProductReviewsView(ApiView):
    """The rating summary (average, 5→1 distribution, fit) and the reviews of a listed product
    (by dataset id), newest or most helpful first."""

    @extend_schema(
        parameters=[OpenApiParameter("dataset_id", OpenApiTypes.INT, OpenApiParameter.PATH),
                    ReviewQuerySerializer],
        responses={
            200: ReviewPageSerializer, 400: ErrorSerializer, 404: ErrorSerializer, 429: ErrorSerializer
        },
    )
    def get(self, request, dataset_id: str):
        query = ReviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        # Any path segment reaches this view, so that every miss is a JSON 404, not an HTML page.
        product = None
        if dataset_id.isascii() and dataset_id.isdigit() and len(dataset_id) <= DATASET_ID_DIGITS:
            product = Product.objects.filter(dataset_id=int(dataset_id), is_active=True).first()
        if product is None:
            return Response({"detail": "No such product."}, status=status.HTTP_404_NOT_FOUND)
        params = query.validated_data
        reviews = product_reviews(product_id=product.pk, order=params["sort"])
        paginator = Paginator(reviews, params["page_size"])  # an empty list has one empty page
        if params["page"] > paginator.num_pages:
            last = paginator.num_pages
            raise ValidationError({"page": f"Page {params['page']} is past the last page ({last})."})
        return Response(ReviewPageSerializer({
            "summary": product_summary(product_id=product.pk),
            "results": list(paginator.page(params["page"]).object_list),
            "page": params["page"],
            "num_pages": paginator.num_pages,
        }).data)
