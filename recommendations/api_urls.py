from django.urls import path

from . import api

urlpatterns = [
    path("products/<str:dataset_id>/similar", api.SimilarProductsView.as_view(), name="api-similar"),
    path("recommendations", api.RecommendationsView.as_view(), name="api-recommendations"),
]
