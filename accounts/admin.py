from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class MarketplaceUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "shop_name", "is_staff", "date_joined")
    list_filter = ("role", "is_staff", "is_active")
    search_fields = ("username", "email", "shop_name")
    fieldsets = UserAdmin.fieldsets + (("Marketplace", {"fields": ("role", "shop_name")}),)
