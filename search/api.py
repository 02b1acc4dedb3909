"""The search API: the catalog's search for headless clients, and search by photo."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from main.api import ApiView, clean_photo_or_400
from main.categorize import PhotoRefused
from main.serializers import ErrorSerializer, suggestion_results

from . import photos
from .listing import CatalogFilters, catalog_page, search_summary
from .serializers import (
    PhotoSearchInputSerializer,
    PhotoSearchResultSerializer,
    SearchQuerySerializer,
    SearchResponseSerializer,
)


class SearchView(ApiView):
    """The catalog's search for headless clients: the results in the catalog page's order,
    the facets and what the query was read as. The same selectors as the page
    (``catalog_page``): one search, two ways to show it."""

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
        filters = CatalogFilters(**{**params, **values, "sort": sort})
        page, facets = catalog_page(filters=filters, number=number, size=size)
        if page.number != number:
            last = page.paginator.num_pages
            raise ValidationError({"page": f"Page {number} is past the last page ({last})."})
        summary = search_summary(q=filters.q)
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
                    "rating_average": product.rating_average,
                    "rating_count": product.rating_count,
                }
                for product in page.object_list
            ],
            "count": facets.total,
            "matched": facets.matched,
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
            "message": summary.message if summary else "",
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
        image = clean_photo_or_400(data.validated_data["image"])
        try:
            search = photos.photo_search(image=image)
        except PhotoRefused as error:
            raise ValidationError({"image": [str(error)]}) from None
        found = photos.search_suggestions(search=search, k=data.validated_data["k"])
        return Response({**suggestion_results(found), "catalog_url": photos.catalog_url(search=search)})
