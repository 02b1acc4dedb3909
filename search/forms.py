"""The catalog's query string, read by a form: a value that does not parse is ignored (the
shopper gets the unfiltered list), never an error page."""

from __future__ import annotations

from django import forms

from core.forms import BootstrapFormMixin
from main.catalog_table import PRICE_RANGES, RATING_FLOORS, SORTS
from main.categorize import PhotoRefused, clean_photo
from main.models import BRAND_MAX_LENGTH

from .listing import CatalogFilters
from .photos import PHOTO_KEY_LENGTH

MAX_QUERY_LENGTH = 200
SIZE_LABEL_LENGTH = 20  # ProductSize.label's max_length
MAX_ID_DIGITS = 9  # ids beyond this are no ids of ours (and would overflow the database's int)


class _TruncatedCharField(forms.CharField):
    """Text cut to ``max_length`` rather than refused: a long paste still searches."""

    def to_python(self, value):
        return super().to_python(value)[: self.max_length]

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(required=False, **kwargs)
        self.max_length = max_length  # set after init: no MaxLengthValidator is added


class _IdField(forms.IntegerField):
    """A taxonomy id: plain digits only."""

    def to_python(self, value):
        digits = isinstance(value, str) and value.isascii() and value.isdigit()
        if isinstance(value, str) and not (digits and len(value) <= MAX_ID_DIGITS):
            return None
        return super().to_python(value)


class _ValuesField(forms.Field):
    """Every value a repeated query parameter gives (``colour=Blue&colour=Navy+Blue``): each
    read by ``field``; the ones that do not parse are left out, duplicates too, the rest sorted
    (one set of values, one cache key). At most ``MAX_VALUES_PER_FACET`` are kept."""

    widget = forms.MultipleHiddenInput

    def __init__(self, field: forms.Field, **kwargs):
        super().__init__(required=False, **kwargs)
        self.field = field

    def to_python(self, value) -> tuple:
        if isinstance(value, str):  # a plain dict's single value rather than a QueryDict's list
            value = [value]
        values = set()
        for raw in (value or [])[:MAX_VALUES_PER_FACET]:
            try:
                cleaned = self.field.clean(raw)
            except forms.ValidationError:
                continue
            if cleaned not in (None, ""):
                values.add(cleaned)
        return tuple(sorted(values))


MAX_VALUES_PER_FACET = 50  # more than any shopper ticks; bounds the query


class _SharedFields(dict):
    """A form's fields, shared by its instances instead of deep-copied for each (Django copies
    them so that an instance may change its own): for a form that only reads a query string
    and is never drawn, the copy of 16 fields was ~160 µs of every catalog page's CPU."""

    def __deepcopy__(self, memo):
        return self


class CatalogFilterForm(forms.Form):
    q = _TruncatedCharField(max_length=MAX_QUERY_LENGTH, strip=True)
    gender = _ValuesField(_IdField(required=False))
    master = _ValuesField(_IdField(required=False))
    sub = _ValuesField(_IdField(required=False))
    type = _ValuesField(_IdField(required=False))
    brand = _ValuesField(_TruncatedCharField(max_length=BRAND_MAX_LENGTH, strip=True))
    colour = _ValuesField(_TruncatedCharField(max_length=30, strip=False))
    season = _ValuesField(_TruncatedCharField(max_length=20, strip=False))
    usage = _ValuesField(_TruncatedCharField(max_length=30, strip=False))
    price = _ValuesField(forms.ChoiceField(required=False, choices=[(key, key) for key in PRICE_RANGES]))
    size = _ValuesField(_TruncatedCharField(max_length=SIZE_LABEL_LENGTH, strip=True))
    rating = _ValuesField(forms.ChoiceField(required=False, choices=[(key, key) for key in RATING_FLOORS]))
    min_price = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    max_price = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])  # see filters()
    photo = _TruncatedCharField(max_length=PHOTO_KEY_LENGTH, strip=True)  # a search by photo

    def filters(self) -> CatalogFilters:
        """The filters asked for; invalid values are left out. A search sorts by best match
        unless told otherwise; an unknown sort, or best match without a query, is newest."""
        self.is_valid()
        values = {name: value for name, value in self.cleaned_data.items() if value not in (None, "", ())}
        q = values.pop("q", "")
        values.pop("sort", None)
        ranked = bool(q or values.get("photo"))  # a search by words or by photo
        sort = self.data.get("sort") or ("relevance" if ranked else "newest")
        if "sort" in self.errors or (sort == "relevance" and not ranked):
            sort = "newest"
        return CatalogFilters(q=q, sort=sort, **values)


CatalogFilterForm.base_fields = _SharedFields(CatalogFilterForm.base_fields)  # read only: never drawn


class PhotoSearchForm(BootstrapFormMixin, forms.Form):
    """A shopper's photo to search by; refused with a message unless it is a readable photo."""

    photo = forms.FileField(
        label="Your photo", help_text="JPEG, PNG or WebP, up to 5 MB.",
        # On a phone, the picker offers the camera as well as the photo library.
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "data-test": "photo-input"}
        ),
    )

    def clean_photo(self) -> bytes:
        try:
            return clean_photo(self.cleaned_data["photo"])
        except PhotoRefused as error:
            raise forms.ValidationError(str(error)) from None
