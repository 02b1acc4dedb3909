from django.contrib import admin

from .models import ListingCategorization
from .selectors import correction_rates


@admin.register(ListingCategorization)
class ListingCategorizationAdmin(admin.ModelAdmin):
    """Suggestions against sellers' choices; the list page shows the correction rate per level."""

    list_display = (
        "product",
        "predicted_article_type",
        "chosen_article_type",
        "confidence",
        "model_version",
        "created_at",
    )
    list_filter = [f"{level}_corrected" for level in ListingCategorization.LEVELS] + ["model_version"]
    search_fields = ("text", "chosen_article_type", "predicted_article_type")
    raw_id_fields = ("product",)
    readonly_fields = [f.name for f in ListingCategorization._meta.fields]

    def changelist_view(self, request, extra_context=None):
        rates = correction_rates()
        extra_context = {
            **(extra_context or {}),
            "correction_total": ListingCategorization.objects.count(),
            "correction_rates": [(level.replace("_", " "), rate) for level, rate in rates.items()],
        }
        return super().changelist_view(request, extra_context=extra_context)
