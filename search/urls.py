from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("catalog/", views.catalog, name="catalog"),
    path("search/suggest", views.suggest, name="suggest"),
    path("search/photo/", views.photo_search, name="photo_search"),
]
