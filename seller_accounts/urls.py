from django.urls import path

from . import views

app_name = "seller_accounts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("products/", views.product_list, name="products"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/unlist/", views.product_unlist, name="product_unlist"),
    path("products/<int:pk>/stock/", views.product_stock, name="product_stock"),
    path("products/bulk/", views.bulk_upload, name="bulk_upload"),
    path("products/bulk/review/", views.bulk_review, name="bulk_review"),
    path("products/bulk/fix/", views.bulk_fix_row, name="bulk_fix_row"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("reviews/", views.review_list, name="reviews"),
]
