"""Mounted under ``cart/`` (marketplace/urls.py), where these pages have always been."""

from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("pay/<uuid:token>/", views.pay, name="pay"),
    path("orders/", views.orders, name="list"),
    path("orders/<int:pk>/", views.order_detail, name="detail"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="cancel"),
]
