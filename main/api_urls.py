from django.urls import path

from . import api

urlpatterns = [
    path("category-prediction", api.CategoryPredictionView.as_view(), name="api-category-prediction"),
    path("products/<str:dataset_id>/similar", api.SimilarProductsView.as_view(), name="api-similar"),
    path("search", api.SearchView.as_view(), name="api-search"),
    path("search/photo", api.PhotoSearchView.as_view(), name="api-photo-search"),
    path("recommendations", api.RecommendationsView.as_view(), name="api-recommendations"),
]
