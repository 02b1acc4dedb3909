"""JSON API, version 1: category prediction, similar items, the personal feed, search.

Every bad input answers 4xx with a reason; a model that is not trained yet answers 503.
"""

from __future__ import annotations

from django.core.cache import caches
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from . import ml_bridge, photos, selectors
from .ml_bridge import ModelUnavailable, categorizer, require
from .models import Product
from .serializers import (
    MAX_BATCH,
    BatchPredictionSerializer,
    CategoryPredictionSerializer,
    ErrorSerializer,
    KSerializer,
    PhotoPredictionInputSerializer,
    PhotoSearchInputSerializer,
    PhotoSearchResultSerializer,
    PredictionInputSerializer,
    RecommendationListSerializer,
    SearchQuerySerializer,
    SearchResponseSerializer,
)


class ClientRateThrottle(SimpleRateThrottle):
    """Per client address (as nginx forwards it), counted in a cache all workers share."""

    scope = "api"
    cache = caches["throttle"]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ApiView(APIView):
    throttle_classes = [ClientRateThrottle]

    def handle_exception(self, exc):
        if isinstance(exc, ModelUnavailable):
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return super().handle_exception(exc)


def _predict(items: list[dict]) -> list[dict]:
    model = require(categorizer(), "categorizer")
    try:
        predictions = model.predict([i["name"] for i in items], [i["description"] for i in items])
    except ValueError as error:  # text the model cannot read: the client's input, not our fault
        raise ValidationError({"detail": str(error)}) from None
    return [p.to_dict() for p in predictions]


def _clean_photo(upload) -> bytes:
    try:
        return photos.clean_photo(upload)
    except photos.PhotoRefused as error:
        raise ValidationError({"image": [str(error)]}) from None


def _predict_with_photo(item: dict) -> dict:
    """One multipart item: the photo (and the name, if any); a name alone as by JSON."""
    if item.get("image") is None:
        return _predict([item])[0]
    image = _clean_photo(item["image"])
    try:
        prediction = photos.predict(names=[item["name"]], descriptions=[item["description"]], images=[image])
    except photos.PhotoRefused as error:
        raise ValidationError({"image": [str(error)]}) from None
    except ValueError as error:
        raise ValidationError({"detail": str(error)}) from None
    return prediction[0].to_dict()


class CategoryPredictionView(ApiView):
    """Gender → subcategory → article type, colour and usage for a product name, its photo, or both."""

    @extend_schema(
        parameters=[
            OpenApiParameter("name", OpenApiTypes.STR, required=True, description="Product name"),
            OpenApiParameter("description", OpenApiTypes.STR, required=False),
        ],
        responses={
            200: CategoryPredictionSerializer,
            400: ErrorSerializer,
            429: ErrorSerializer,
            503: ErrorSerializer,
        },
    )
    def get(self, request):
        data = PredictionInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        return Response(_predict([data.validated_data])[0])

    @extend_schema(
        request={
            "application/json": PredictionInputSerializer(many=True),
            "multipart/form-data": PhotoPredictionInputSerializer,
        },
        responses={
            # One prediction for an object (JSON or multipart), {results: [...]} for a list.
            200: PolymorphicProxySerializer(
                component_name="PredictionOrBatch",
                serializers=[CategoryPredictionSerializer, BatchPredictionSerializer],
                resource_type_field_name=None,
            ),
            400: ErrorSerializer,
            413: ErrorSerializer,
            429: ErrorSerializer,
            503: ErrorSerializer,
        },
        description=f"JSON: one item as an object, or a list of up to {MAX_BATCH} items "
        "(a single object answers a single prediction; a list answers {results: [...]}). "
        "Multipart: one item with an `image` (the photo); its name is then optional.",
    )
    def post(self, request):
        if request.content_type.startswith("multipart/"):
            data = PhotoPredictionInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            return Response(_predict_with_photo(data.validated_data))
        payload = request.data
        if isinstance(payload, list):
            if len(payload) > MAX_BATCH:
                return Response(
                    {"detail": f"At most {MAX_BATCH} items per request, got {len(payload)}."},
                    status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                )
            if not payload:
                raise ValidationError({"detail": "The list of items is empty."})
            data = PredictionInputSerializer(data=payload, many=True)
            data.is_valid(raise_exception=True)
            results = _predict(data.validated_data)
            return Response({"results": results, "model_version": results[0]["model_version"]})
        if not isinstance(payload, dict):
            raise ValidationError({"detail": "Send a JSON object {name, description} or a list of them."})
        data = PredictionInputSerializer(data=payload)
        data.is_valid(raise_exception=True)
        return Response(_predict([data.validated_data])[0])


def _k(request) -> int:
    data = KSerializer(data=request.query_params)
    data.is_valid(raise_exception=True)
    return data.validated_data["k"]


def _results(items: list[ml_bridge.ProductSuggestion]) -> dict:
    return RecommendationListSerializer(
        {
            "results": [
                {
                    "id": s.product.pk,
                    "dataset_id": s.product.dataset_id,
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
            product = selectors.product_for_page(dataset_id=int(dataset_id))
        except Product.DoesNotExist:
            return Response({"detail": "No such product."}, status=status.HTTP_404_NOT_FOUND)
        return Response(_results(ml_bridge.similar_for(product=product, k=k)))


class RecommendationsView(ApiView):
    """The personal feed of the logged-in user, or of this browser's visitor (its `visitor` cookie)."""

    @extend_schema(
        parameters=[OpenApiParameter("k", OpenApiTypes.INT, required=False, description="1 to 50")],
        responses={200: RecommendationListSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
    )
    def get(self, request):
        return Response(_results(ml_bridge.feed_for_request(request=request, k=_k(request))))


class SearchView(ApiView):
    """The catalog's search for headless clients: the results in the catalog page's order,
    the facets and what the query was read as. The same selectors as the page
    (``selectors.catalog_page``): one search, two ways to show it."""

    @extend_schema(
        parameters=[SearchQuerySerializer],
        responses={200: SearchResponseSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
    )
    def get(self, request):
        data = SearchQuerySerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        number, size = params.pop("page"), params.pop("page_size")
        params["q"] = params["q"].strip()
        sort = params.pop("sort", None) or ("relevance" if params["q"] else "newest")
        # One set of values per facet, sorted, as the page's form gives them (one cache key).
        values = {name: tuple(sorted(set(v))) for name, v in params.items() if isinstance(v, list)}
        filters = selectors.CatalogFilters(**{**params, **values, "sort": sort})
        page, facets = selectors.catalog_page(filters=filters, number=number, size=size)
        if page.number != number:
            last = page.paginator.num_pages
            raise ValidationError({"page": f"Page {number} is past the last page ({last})."})
        summary = selectors.search_summary(q=filters.q)
        return Response(SearchResponseSerializer({
            "results": [
                {
                    "id": product.dataset_id,
                    "listing_id": product.pk,
                    "name": product.name,
                    "brand": product.brand,
                    "price": product.price,
                    "url": product.get_absolute_url(),
                    "image": product.image.url if product.image else "",
                    "in_stock": product.stock > 0,
                }
                for product in page.object_list
            ],
            "count": facets.total,
            "page": page.number,
            "num_pages": page.paginator.num_pages,
            "facets": {
                facet.param: [
                    {"value": str(v.value), "label": v.label, "count": v.count, "selected": v.selected}
                    for v in facet.values
                ]
                for facet in facets.groups
            },
            "understood": summary.understood if summary else {},
            "did_you_mean": summary.did_you_mean if summary else "",
            "exact": summary.exact if summary else True,
        }).data)
class PhotoSearchView(ApiView):
    """The products that look most like a photo (closest first), and the catalog page that
    shows all of them with facets to narrow them."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": PhotoSearchInputSerializer},
        responses={
            200: PhotoSearchResultSerializer,
            400: ErrorSerializer,
            429: ErrorSerializer,
            503: ErrorSerializer,
        },
    )
    def post(self, request):
        data = PhotoSearchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        image = _clean_photo(data.validated_data["image"])
        try:
            search = photos.photo_search(image=image)
        except photos.PhotoRefused as error:
            raise ValidationError({"image": [str(error)]}) from None
        found = photos.search_suggestions(search=search, k=data.validated_data["k"])
        return Response({**_results(found), "catalog_url": photos.catalog_url(search=search)})
