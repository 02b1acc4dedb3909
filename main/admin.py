from django.contrib import admin

from .models import (
    ArticleType,
    Gender,
    MasterCategory,
    Product,
    ProductSize,
    SubCategory,
)
from .services import product_save


class ProductSizeInline(admin.TabularInline):
    """Sizes' stock is shown, not edited here: it changes through the seller's listing form
    (``main.inventory.stock_set``), which keeps the product's total in step."""

    model = ProductSize
    extra = 0
    can_delete = False
    readonly_fields = ("label", "position", "stock")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "dataset_id",
        "gender",
        "sub_category",
        "article_type",
        "price",
        "stock",
        "seller",
        "is_active",
    )
    list_filter = ("is_active", "gender", "master_category", "sub_category", "usage", "season")
    search_fields = ("name", "dataset_id")
    raw_id_fields = ("seller",)
    list_select_related = ("gender", "sub_category", "article_type", "seller")
    readonly_fields = ("sub_category", "master_category", "stock", "created_at", "updated_at")
    inlines = [ProductSizeInline]

    def save_model(self, request, obj, form, change):
        product_save(product=obj)


@admin.register(Gender)
class GenderAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(MasterCategory)
class MasterCategoryAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(SubCategory)
class SubCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "master_category")
    list_filter = ("master_category",)
    search_fields = ("name",)


@admin.register(ArticleType)
class ArticleTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "sub_category")
    list_filter = ("sub_category__master_category",)
    search_fields = ("name", "sub_category__name")
