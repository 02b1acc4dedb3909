"""Mounted under ``cart/`` (marketplace/urls.py): providers are configured with the webhook's
address, ``/cart/payments/webhook/``, which must not move."""

from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("pay/test-card/<str:reference>/", views.test_card, name="test_card"),
    path("payments/webhook/", views.webhook, name="webhook"),
]
