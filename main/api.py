"""JSON API, version 1: category prediction, and what every endpoint of the API shares (the
throttle, 503 when a model is not trained). Search and recommendations add theirs
(``search.api``, ``recommendations.api``) under the same ``/api/v1/``.

Every bad input answers 4xx with a reason; a model that is not trained yet answers 503.
"""

from __future__ import annotations

import hashlib

from django.core.cache import caches
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from serving.registry import ModelUnavailable

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


def _seller_id(request) -> int | None:
    """Whose listings a prediction is for (an experiment may give sellers another categorizer)."""
    user = request.user
    return user.pk if user.is_authenticated and user.is_seller else None


# An answer never changes for a model version (its key names the version, so a hot swap or a
# seller's experiment variant asks afresh); a day bounds how long a name asked once holds memory.
ANSWER_SECONDS = 24 * 3600


def _answer_key(*, version: str, item: dict) -> str:
    """Names differing only in spacing get one answer (the cascade reads words, and its reason
    quotes them as words); case is kept: the reason quotes the name as it was typed."""
    text = " ".join(item["name"].split()) + "\x00" + " ".join((item["description"] or "").split())
    return f"category-answer:{version}:{hashlib.sha1(text.encode()).hexdigest()}"


def _predict(items: list[dict], *, seller_id: int | None) -> list[dict]:
    """The answers for name-only items: read from the shared cache, the sentence encoder and the
    cascade run only for names not asked of this version before (~10 ms of CPU a name)."""
    version = categorize.categorizer_version_for(seller_id=seller_id)
    keys = [_answer_key(version=version, item=item) for item in items]
    answers = caches["default"].get_many(keys)
    missing = [i for i, key in enumerate(keys) if key not in answers]
    if missing:
        fresh = _predict_now([items[i] for i in missing], seller_id=seller_id)
        drawn = {keys[i]: answer for i, answer in zip(missing, fresh, strict=True)}
        caches["default"].set_many(drawn, ANSWER_SECONDS)
        answers.update(drawn)
    return [answers[key] for key in keys]


def _predict_now(items: list[dict], *, seller_id: int | None) -> list[dict]:
    model = categorize.categorizer_for(seller_id=seller_id)
    names, descriptions = [i["name"] for i in items], [i["description"] for i in items]
    try:
        predictions = model.predict(names, descriptions)
    except ValueError as error:  # text the model cannot read: the client's input, not our fault
        raise ValidationError({"detail": str(error)}) from None
    why = categorize.reasons(names=names, descriptions=descriptions, images=[None] * len(items),
                             predictions=predictions, seller_id=seller_id)
    return [{**p.to_dict(), "reason": reason} for p, reason in zip(predictions, why, strict=True)]


def clean_photo_or_400(upload) -> bytes:
    """The upload's bytes (``main.categorize.clean_photo``), or a 400 saying why not."""
    try:
        return categorize.clean_photo(upload)
    except categorize.PhotoRefused as error:
        raise ValidationError({"image": [str(error)]}) from None


def _predict_with_photo(item: dict, *, seller_id: int | None) -> dict:
    """One multipart item: the photo (and the name, if any); a name alone as by JSON."""
    if item.get("image") is None:
        return _predict([item], seller_id=seller_id)[0]
    image = clean_photo_or_400(item["image"])
    asked = {"names": [item["name"]], "descriptions": [item["description"]], "images": [image],
             "seller_id": seller_id}
    try:
        prediction = categorize.predict(**asked)
        (reason,) = categorize.reasons(**asked, predictions=prediction)
    except categorize.PhotoRefused as error:
        raise ValidationError({"image": [str(error)]}) from None
    except ValueError as error:
        raise ValidationError({"detail": str(error)}) from None
    return {**prediction[0].to_dict(), "reason": reason}


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
        return Response(_predict([data.validated_data], seller_id=_seller_id(request))[0])

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
            return Response(_predict_with_photo(data.validated_data, seller_id=_seller_id(request)))
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
            results = _predict(data.validated_data, seller_id=_seller_id(request))
            return Response({"results": results, "model_version": results[0]["model_version"]})
        if not isinstance(payload, dict):
            raise ValidationError({"detail": "Send a JSON object {name, description} or a list of them."})
        data = PredictionInputSerializer(data=payload)
        data.is_valid(raise_exception=True)
        return Response(_predict([data.validated_data], seller_id=_seller_id(request))[0])
