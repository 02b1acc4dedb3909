from django.contrib import admin

from .models import ProductEvent


@admin.register(ProductEvent)
class ProductEventAdmin(admin.ModelAdmin):
    list_display = ("kind", "product", "user", "session_key", "created_at")
    list_filter = ("kind", "created_at")
    raw_id_fields = ("product", "user")
