from django.urls import path

from . import views

app_name = "main"
urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", views.catalog, name="catalog"),
    path("search/suggest", views.suggest, name="suggest"),
    path("search/photo/", views.photo_search, name="photo_search"),
    path("products/<int:dataset_id>/", views.product_detail, name="product"),
    path("listings/<int:pk>/", views.listing_detail, name="listing"),
    path("size-charts/<slug:slug>/", views.size_chart_page, name="size_chart"),
]
