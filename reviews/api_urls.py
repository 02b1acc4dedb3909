from django.urls import path

from . import api

urlpatterns = [
    path("products/<str:dataset_id>/reviews", api.ProductReviewsView.as_view(), name="api-reviews"),
]
