from functools import partial

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError

from core.forms import BootstrapFormMixin
from core.pages import ATTRIBUTE_CHOICES_SECONDS
from main.categorize import SURE_ENOUGH
from main.images import MAX_UPLOAD_BYTES, normalise_product_photo
from main.ml_fields import LEVEL_OF_FORM_FIELD
from main.models import ArticleType, Gender, Product
from main.selectors import supported_article_types
from main.services import PRODUCT_FIELDS
from main.sizes import format_stock_by_size, parse_stock_by_size, size_scale
from ml.catalog.schema import category_label
from orders.models import Order

from .bulk import review_initial, review_suggestions

# The most units of one size a seller keeps in stock (a typo guard, as the bulk CSV has one).
MAX_STOCK_PER_SIZE = 1_000_000


def attribute_choices(field: str) -> list[tuple[str, str]]:
    """The values the catalog uses for a free attribute (colour, usage, season)."""
    key = f"attribute_choices:{field}"
    values = cache.get(key)
    if values is None:
        values = sorted(v for v in Product.objects.order_by().values_list(field, flat=True).distinct() if v)
        cache.set(key, values, ATTRIBUTE_CHOICES_SECONDS)
    return [("", "—")] + [(v, v) for v in values]


class ArticleTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ArticleType) -> str:
        return category_label(obj.sub_category.master_category.name, obj.sub_category.name, obj.name)


class ProductForm(BootstrapFormMixin, forms.ModelForm):
    """A listing. The category path comes from the real taxonomy, never free text."""

    suggestion_threshold = SURE_ENOUGH  # read by the page's live categorization script

    gender = forms.ModelChoiceField(queryset=Gender.objects.all())
    # The paths with real support (main.selectors.supported_article_types), set per form.
    article_type = ArticleTypeChoiceField(
        queryset=ArticleType.objects.none(), label="Category (master / subcategory / article type)"
    )
    base_colour = forms.ChoiceField(
        choices=partial(attribute_choices, "base_colour"), required=False, label="Colour"
    )
    usage = forms.ChoiceField(choices=partial(attribute_choices, "usage"), required=False)
    season = forms.ChoiceField(choices=partial(attribute_choices, "season"), required=False)
    photo = forms.ImageField(
        required=False,
        help_text="JPEG, PNG or WebP, up to 5 MB. A listing without a photo is kept as an unlisted draft.",
    )
    stock = forms.CharField(
        label="Stock per size",
        help_text="Each size and its stock, e.g. S:3;M:5;L:0 (apparel XS–XXL, footwear UK 5–12, kids by age "
        "or kids' UK sizes), or one number for a one-size product (a number for a sized product is "
        "spread over its sizes).",
    )

    class Meta:
        model = Product
        fields = [name for name in PRODUCT_FIELDS if name != "is_active"]  # unlisting is its own action
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    # How the live categorization script finds the option for a level's label in each select:
    # by its text (a taxonomy node), its "Master / Sub / Type" path, or its value.
    OPTION_MATCH = {"gender": "text", "article_type": "path"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The photo first: a seller listing from a phone picks it before typing a word, and the
        # fields below are suggested from it (static/js/categorize.js).
        self.order_fields(["photo"])
        self.fields["photo"].widget.attrs.update(
            {"accept": "image/jpeg,image/png,image/webp", "data-max-bytes": MAX_UPLOAD_BYTES}
        )  # the page refuses another file as soon as it is chosen (static/js/categorize.js)
        self.fields["article_type"].queryset = supported_article_types(
            keep=self.instance.article_type_id if self.instance.pk else None
        )
        for field, level in LEVEL_OF_FORM_FIELD.items():
            attrs = self.fields[field].widget.attrs
            attrs["data-level"], attrs["data-match"] = level, self.OPTION_MATCH.get(field, "value")
        if self.instance.pk and not self.is_bound:
            stock = {size.label: size.stock for size in self.instance.sizes.all()}
            self.initial["stock"] = format_stock_by_size(stock)

    def clean(self):
        """The stock per size, read for the sizes of the chosen article type and gender."""
        data = super().clean()
        article, gender, text = data.get("article_type"), data.get("gender"), data.get("stock")
        if article and gender and text is not None:
            sizes = size_scale(master_category=article.sub_category.master_category.name,
                               article_type=article.name, gender=gender.name)
            try:
                data["stock_by_size"] = parse_stock_by_size(text=text, sizes=sizes)
            except ValueError as error:
                self.add_error("stock", str(error))
        return data

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or not hasattr(photo, "content_type"):
            return None
        try:
            return normalise_product_photo(photo)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class SizeStockForm(BootstrapFormMixin, forms.Form):
    """One number per size of a listing (the listings table's "Stock" page)."""

    def __init__(self, *args, sizes, **kwargs):
        super().__init__(*args, **kwargs)
        for size in sizes:
            self.fields[f"size_{size.pk}"] = forms.IntegerField(
                min_value=0, max_value=MAX_STOCK_PER_SIZE, initial=size.stock, label=size.label
            )
        self.sizes = list(sizes)

    def stock_by_size(self) -> dict[str, int]:
        return {size.label: self.cleaned_data[f"size_{size.pk}"] for size in self.sizes}


class OrderStatusForm(BootstrapFormMixin, forms.Form):
    """What a seller changes on an order: its next step, the parcel's tracking number, and
    for cash on delivery that the cash was received (card payments move by themselves)."""

    status = forms.ChoiceField(choices=Order.Status.choices)
    tracking_number = forms.CharField(max_length=40, required=False,
                                      help_text="Required to mark the order shipped.")
    cash_received = forms.BooleanField(required=False, label="Cash received")

    def __init__(self, *args, order: Order, next_statuses: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [order.status, *next_statuses]
        # The select offers the possible moves; any status is accepted here so that the order
        # service itself says why a move is refused (a stale page, a reopening).
        offered = [(s, label) for s, label in Order.Status.choices if s in allowed]
        self.fields["status"].widget.choices = offered
        cod_unpaid = (order.payment_method == Order.PaymentMethod.COD
                      and order.payment_status != Order.PaymentStatus.PAID)
        if not cod_unpaid:
            del self.fields["cash_received"]


def article_type_choices() -> tuple[list[tuple[int, str]], dict[str, int]]:
    """The article types a seller may choose (``main.selectors.supported_article_types``), once
    per request: choices labelled "Jeans (Apparel / Bottomwear)", so that a narrow select still
    shows the type, and the ids by "Master / Sub / Type" path, the form in which the
    categorizer names them (a suggested path without support is not offered)."""
    types = supported_article_types()
    choices, by_path = [], {}
    for t in types:
        master, sub = t.sub_category.master_category.name, t.sub_category.name
        choices.append((t.pk, f"{t.name} ({master} / {sub})"))
        by_path[category_label(master, sub, t.name)] = t.pk
    return choices, by_path


class BulkUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        required=False,
        label="CSV",
        help_text="CSV with columns name, description, price, stock and optionally stock_by_size "
        "(e.g. S:3;M:5) and photo (a file name in the ZIP) (UTF-8, up to 300 rows).",
    )
    photos = forms.FileField(
        required=False,
        label="Photos (ZIP)",
        help_text="A ZIP of JPEG, PNG or WebP photos, up to 5 MB each and 25 MB in all. Alone, it "
        "drafts one listing per photo, categorized from the photo.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("photos") and not self.errors:
            raise ValidationError("Upload a CSV, a ZIP of photos, or both.")
        return data


def with_suggestions(choices: list, suggestions: list) -> list:
    """A select's choices led by a blank and a "Suggested" group: the model's top 3 that
    are valid values, each with its confidence."""
    labels = dict(choices)
    suggested = [(value, f"{labels[value]} ({confidence:.0%})")
                 for value, confidence in suggestions if value in labels and value != ""]
    rest = [choice for choice in choices if choice[0] != ""]
    return [("", "—")] + ([("Suggested", suggested), ("All", rest)] if suggested else rest)


class BulkRowForm(BootstrapFormMixin, forms.Form):
    """One reviewed row. Choices are passed in, so that a table of rows costs one query, not one
    per row; ``suggestions`` (field -> [(value, confidence)]) lead each select."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.HiddenInput)
    price = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    stock = forms.IntegerField(min_value=0)
    stock_by_size = forms.CharField(required=False, widget=forms.HiddenInput)
    gender = forms.ChoiceField()
    article_type = forms.TypedChoiceField(coerce=int)
    base_colour = forms.ChoiceField(required=False)
    usage = forms.ChoiceField(required=False)

    def __init__(self, *args, choices: dict, suggestions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name, values in choices.items():
            self.fields[name].choices = with_suggestions(values, suggestions.get(name, []))
        for name in ("name", "price", "stock", *choices):
            self.fields[name].widget.attrs["aria-label"] = self[name].label

    def unsure(self) -> list[str]:
        """The select fields the model left for the seller to choose (no value given yet)."""
        return [name for name in LEVEL_OF_FORM_FIELD if not self[name].value()]


class BaseBulkRowFormSet(forms.BaseFormSet):
    """Row ``i`` of the table gets ``suggestions[i]``."""

    def __init__(self, *args, suggestions: list[dict], choices: dict, **kwargs):
        self.suggestions, self.choices = suggestions, choices
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        suggestions = self.suggestions[index] if index < len(self.suggestions) else {}
        return {"choices": self.choices, "suggestions": suggestions}


BulkRowFormSet = forms.formset_factory(BulkRowForm, formset=BaseBulkRowFormSet, extra=0)


def bulk_review_formset(*, staged: list[dict], data=None) -> BaseBulkRowFormSet:
    """The review table of the staged rows: bound to ``data`` (a POST), else filled from them."""
    types, type_by_path = article_type_choices()
    choices = {
        "gender": [(name, name) for name in Gender.objects.values_list("name", flat=True)],
        "article_type": types,
        "base_colour": attribute_choices("base_colour"),
        "usage": attribute_choices("usage"),
    }
    suggestions = review_suggestions(staged=staged, type_by_path=type_by_path)
    if data is not None:
        return BulkRowFormSet(data, choices=choices, suggestions=suggestions)
    initial = review_initial(staged=staged, type_by_path=type_by_path)
    return BulkRowFormSet(initial=initial, choices=choices, suggestions=suggestions)
