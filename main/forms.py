"""The catalog's query string, read by a form: a value that does not parse is ignored (the
shopper gets the unfiltered list), never an error page."""

from __future__ import annotations

from django import forms

from marketplace.forms import BootstrapFormMixin

from .photos import PHOTO_KEY_LENGTH
from .selectors import SORTS, CatalogFilters

MAX_QUERY_LENGTH = 200
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


class CatalogFilterForm(forms.Form):
    q = _TruncatedCharField(max_length=MAX_QUERY_LENGTH, strip=True)
    gender = _IdField(required=False)
    master = _IdField(required=False)
    sub = _IdField(required=False)
    type = _IdField(required=False)
    colour = _TruncatedCharField(max_length=30, strip=False)
    season = _TruncatedCharField(max_length=20, strip=False)
    usage = _TruncatedCharField(max_length=30, strip=False)
    min_price = forms.DecimalField(required=False, min_value=0)
    max_price = forms.DecimalField(required=False, min_value=0)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])  # see filters()
    photo = _TruncatedCharField(max_length=PHOTO_KEY_LENGTH, strip=True)  # a search by photo

    def filters(self) -> CatalogFilters:
        """The filters asked for; invalid values are left out. A search sorts by best match
        unless told otherwise; an unknown sort, or best match without a query, is newest."""
        self.is_valid()
        values = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        q = values.pop("q", "")
        values.pop("sort", None)
        ranked = bool(q or values.get("photo"))  # a search by words or by photo
        sort = self.data.get("sort") or ("relevance" if ranked else "newest")
        if "sort" in self.errors or (sort == "relevance" and not ranked):
            sort = "newest"
        return CatalogFilters(q=q, sort=sort, **values)


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
        from .photos import PhotoRefused, clean_photo

        try:
            return clean_photo(self.cleaned_data["photo"])
        except PhotoRefused as error:
            raise forms.ValidationError(str(error)) from None
