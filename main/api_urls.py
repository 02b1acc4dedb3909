from django.urls import path

from . import api

urlpatterns = [
    path("category-prediction", api.CategoryPredictionView.as_view(), name="api-category-prediction"),
]
