"""The catalog: a taxonomy stored as data, and products.

The taxonomy is a tree MasterCategory → SubCategory → ArticleType whose nodes are unique
by path (the dataset files "Socks" under both Apparel and Accessories). Gender is a
separate dimension of every product.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from .links import url_with_id

BRAND_MAX_LENGTH = 60


class Gender(models.Model):
    name = models.CharField(max_length=20, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MasterCategory(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "master categories"

    def __str__(self) -> str:
        return self.name


class SubCategory(models.Model):
    master_category = models.ForeignKey(
        MasterCategory, on_delete=models.PROTECT, related_name="sub_categories"
    )
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "sub categories"
        constraints = [
            models.UniqueConstraint(fields=["master_category", "name"], name="unique_subcategory_path")
        ]

    def __str__(self) -> str:
        return f"{self.master_category} / {self.name}"


class ArticleType(models.Model):
    sub_category = models.ForeignKey(SubCategory, on_delete=models.PROTECT, related_name="article_types")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["sub_category", "name"], name="unique_articletype_path")
        ]

    def __str__(self) -> str:
        return f"{self.sub_category} / {self.name}"


class Product(models.Model):
    """A listing. Imported products keep the dataset id they were published with."""

    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="products")
    dataset_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    name = models.CharField(max_length=200)
    # Read from the name when left empty (``main.services.product_save``); the brand facet.
    brand = models.CharField(
        max_length=BRAND_MAX_LENGTH, blank=True, db_index=True,
        help_text="Left empty, it is read from the start of the name (a brand the shop knows).",
    )
    description = models.TextField(blank=True)
    gender = models.ForeignKey(Gender, on_delete=models.PROTECT, related_name="products")
    article_type = models.ForeignKey(ArticleType, on_delete=models.PROTECT, related_name="products")
    # Denormalised from article_type so that facets count without joins; kept in step by
    # main.services.product_save.
    sub_category = models.ForeignKey(SubCategory, on_delete=models.PROTECT, related_name="products")
    master_category = models.ForeignKey(MasterCategory, on_delete=models.PROTECT, related_name="products")
    base_colour = models.CharField(max_length=30, blank=True, db_index=True)
    season = models.CharField(max_length=20, blank=True, db_index=True)
    usage = models.CharField(max_length=30, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    stock = models.PositiveIntegerField(default=0)
    image = models.ImageField(upload_to="products/", blank=True)
    is_active = models.BooleanField(default=True, help_text="Unlisted products are hidden from shoppers.")
    search_text = models.TextField(blank=True, editable=False)
    # Denormalised from the visible reviews (``main.services.product_rating_set``, called by
    # ``reviews``), so that listings filter and sort by rating without a join.
    rating_average = models.DecimalField(
        max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Sort columns lead, so a page is read in index order and the scan stops early.
            models.Index(fields=["-created_at", "-id"], name="product_newest_idx"),
            models.Index(fields=["price", "id"], name="product_price_idx"),
            models.Index(fields=["name", "id"], name="product_name_idx"),
            models.Index(fields=["seller", "is_active"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        if self.dataset_id is not None:
            return url_with_id("main:product", self.dataset_id)
        return url_with_id("main:listing", self.pk)

    @property
    def size_scale(self) -> tuple[str, ...]:
        """The sizes this product's article type and gender come in (``main.sizes``)."""
        from .sizes import size_scale

        return size_scale(
            master_category=self.article_type.sub_category.master_category.name,
            article_type=self.article_type.name,
            gender=self.gender.name,
        )


class ProductSize(models.Model):
    """One size of a listing, with its own stock: what a shopper picks, buys and gets back.

    ``Product.stock`` is the sum over its sizes, kept in step by the services that change a
    size's stock in the same transaction, so that listings filter and sort by it without a join.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sizes")
    label = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField(default=0, help_text="Smallest size first.")
    stock = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["product_id", "position"]
        constraints = [models.UniqueConstraint(fields=["product", "label"], name="one_row_per_size")]

    def __str__(self) -> str:
        return f"{self.product_id} size {self.label}"

    @property
    def in_stock(self) -> bool:
        return self.stock > 0
