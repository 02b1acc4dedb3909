"""JSON API, version 1: category prediction, and what every endpoint of the API shares (the
throttle, 503 when a model is not trained). Search and recommendations add theirs
(``search.api``, ``recommendations.api``) under the same ``/api/v1/``.

Every bad input answers 4xx with a reason; a model that is not trained yet answers 503.
"""

from __future__ import annotations

from django.core.cache import caches
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from serving.registry import ModelUnavailable, loaded, require

from . import categorize
from .serializers import (
    MAX_BATCH,
    BatchPredictionSerializer,
    CategoryPredictionSerializer,
    ErrorSerializer,
    PhotoPredictionInputSerializer,
    PredictionInputSerializer,
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
    model = require(loaded(CATEGORIZER), "categorizer")
    try:
        predictions = model.predict([i["name"] for i in items], [i["description"] for i in items])
    except ValueError as error:  # text the model cannot read: the client's input, not our fault
        raise ValidationError({"detail": str(error)}) from None
    return [p.to_dict() for p in predictions]


def clean_photo_or_400(upload) -> bytes:
    """The upload's bytes (``main.categorize.clean_photo``), or a 400 saying why not."""
    try:
        return categorize.clean_photo(upload)
    except categorize.PhotoRefused as error:
        raise ValidationError({"image": [str(error)]}) from None


def _predict_with_photo(item: dict) -> dict:
    """One multipart item: the photo (and the name, if any); a name alone as by JSON."""
    if item.get("image") is None:
        return _predict([item])[0]
    image = clean_photo_or_400(item["image"])
    try:
        prediction = categorize.predict(
            names=[item["name"]], descriptions=[item["description"]], images=[image]
        )
    except categorize.PhotoRefused as error:
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
