from django.urls import path

from . import views

app_name = "main"
urlpatterns = [
    path("", views.home, name="home"),
    path("products/<int:dataset_id>/", views.product_detail, name="product"),
    path("listings/<int:pk>/", views.listing_detail, name="listing"),
    path("size-charts/<slug:slug>/", views.size_chart_page, name="size_chart"),
]
