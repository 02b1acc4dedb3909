from django.urls import path

from . import views

app_name = "cart"
urlpatterns = [
    path("", views.detail, name="detail"),
    path("add/<int:product_id>/", views.add, name="add"),
    path("update/", views.update, name="update"),
    path("remove/", views.remove, name="remove"),
    path("move-to-wishlist/", views.move_to_wishlist, name="move_to_wishlist"),
    path("checkout/", views.checkout, name="checkout"),
    path("pay/<uuid:token>/", views.pay, name="pay"),
    path("pay/test-card/<str:reference>/", views.test_card, name="test_card"),
    path("payments/webhook/", views.webhook, name="webhook"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("wishlist/", views.wishlist, name="wishlist"),
    path("wishlist/<int:product_id>/", views.wishlist_toggle, name="wishlist_toggle"),
]
