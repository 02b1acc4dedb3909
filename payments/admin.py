from django.contrib import admin

from .models import Payment, WebhookEvent


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("reference", "buyer", "provider", "amount", "status", "created_at")
    list_filter = ("status", "provider")
    search_fields = ("reference", "checkout_token", "buyer__username")
    readonly_fields = [f.name for f in Payment._meta.fields]


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "kind", "received_at")
    readonly_fields = ("event_id", "kind", "received_at")
