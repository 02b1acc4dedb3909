"""Shapes of the search API: validated input, documented output (see /api/schema/)."""

from rest_framework import serializers

from main.catalog_table import PRICE_RANGES, RATING_FLOORS, SIZE_ORDER, SORTS
from main.serializers import DATASET_ID_HELP, LISTING_ID_HELP, RecommendationListSerializer

from .forms import MAX_QUERY_LENGTH, MAX_VALUES_PER_FACET, SIZE_LABEL_LENGTH


class PhotoSearchInputSerializer(serializers.Serializer):
    image = serializers.FileField(help_text="JPEG, PNG or WebP, up to 5 MB")
    k = serializers.IntegerField(min_value=1, max_value=50, default=10, required=False)


class PhotoSearchResultSerializer(RecommendationListSerializer):
    catalog_url = serializers.CharField(
        help_text="The same results in the catalog, with facets to narrow them"
    )


MAX_PAGE_SIZE = 100
MAX_ID = 2_147_483_647  # the database's integer


def _values(child: serializers.Field, help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=child, required=False, max_length=MAX_VALUES_PER_FACET, help_text=help_text
    )


def _ids(what: str) -> serializers.ListField:
    return _values(serializers.IntegerField(min_value=1, max_value=MAX_ID),
                   f"{what} id; repeat the parameter for several (any of them)")


class SearchQuerySerializer(serializers.Serializer):
    """The catalog page's query string: the same filters, strictly read (a bad value is a 400)."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=MAX_QUERY_LENGTH, default="")
    gender = _ids("Gender")
    master = _ids("Master category")
    sub = _ids("Subcategory")
    type = _ids("Article type")
    brand = _values(serializers.CharField(max_length=60), "Brand, as the facets write it")
    colour = _values(serializers.CharField(max_length=30), "Base colour")
    season = _values(serializers.CharField(max_length=20), "Season")
    usage = _values(serializers.CharField(max_length=30), "Usage")
    price = _values(serializers.ChoiceField(choices=[]), "Price range (the price facet's values)")
    rating = _values(serializers.ChoiceField(choices=list(RATING_FLOORS)),
                     "Lowest average rating: 4 (4★ and up) or 3 (3★ and up)")
    size = _values(serializers.CharField(max_length=SIZE_LABEL_LENGTH),
                   "Size label (the size facet's values: XS … XXL, 2-3Y …, UK 5 …): products with any "
                   "of them in stock")
    min_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    max_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    sort = serializers.ChoiceField(choices=[], required=False,
                                   help_text="Default: relevance with a query, else newest")
    page = serializers.IntegerField(min_value=1, max_value=MAX_ID, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=24)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].child.choices = list(PRICE_RANGES)
        self.fields["sort"].choices = list(SORTS)

    def validate_size(self, values: list[str]) -> list[str]:
        unknown = [value for value in values if value not in SIZE_ORDER]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown size {', '.join(map(repr, unknown))}: sizes are {', '.join(SIZE_ORDER)}.")
        return values

    def validate(self, data):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({"detail": f"Unknown parameter: {', '.join(unknown)}."})
        if data.get("sort") == "relevance" and not data["q"].strip():
            raise serializers.ValidationError({"sort": "relevance needs a query (q)."})
        return data


class SearchResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text=DATASET_ID_HELP)
    listing_id = serializers.IntegerField(help_text=LISTING_ID_HELP)
    name = serializers.CharField()
    brand = serializers.CharField(allow_blank=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    url = serializers.CharField()
    image = serializers.CharField(allow_blank=True)
    in_stock = serializers.BooleanField()
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True,
                                              help_text="Average of its verified reviews (null: none)")
    rating_count = serializers.IntegerField()


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="What to send back as the facet's parameter")
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class SearchResponseSerializer(serializers.Serializer):
    results = SearchResultSerializer(many=True)
    count = serializers.IntegerField()
    matched = serializers.IntegerField(
        help_text="Of count, the products that match the query itself; the rest are similar products "
                  "listed after a match thinner than a page"
    )
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    facets = serializers.DictField(child=FacetValueSerializer(many=True),
                                   help_text="By parameter name: gender, master, sub, type, brand, …")
    understood = serializers.DictField(child=serializers.CharField(),
                                       help_text="What the query was read as, by category level")
    did_you_mean = serializers.CharField(allow_blank=True)
    exact = serializers.BooleanField(
        help_text="False: nothing matched the query as read; these are the closest products"
    )
    message = serializers.CharField(
        allow_blank=True,
        help_text="What was given up for anything to match (\"No black heels — showing heels in all "
                  "colours\"), or \"No results for …\" when the query was read as nothing (count 0)",
    )
