from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Address, User


@admin.register(User)
class MarketplaceUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "shop_name", "is_staff", "date_joined")
    list_filter = ("role", "is_staff", "is_active")
    search_fields = ("username", "email", "shop_name")
    fieldsets = UserAdmin.fieldsets + (
        (
            "Marketplace",
            {"fields": ("role", "shop_name", "payout_upi_id", "email_verified_at", "deleted_at")},
        ),
    )


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("full_name", "owner", "city", "pin_code", "is_default", "created")
    search_fields = ("full_name", "owner__username", "city", "pin_code")
    raw_id_fields = ("owner",)
