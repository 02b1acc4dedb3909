from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("products/<int:product_pk>/", views.product_review_list, name="list"),
    path("products/<int:product_pk>/write/", views.review_write, name="write"),
    path("<int:pk>/helpful/", views.review_helpful, name="helpful"),
    path("<int:pk>/hide/", views.review_hide, name="hide"),
    path("<int:pk>/unhide/", views.review_unhide, name="unhide"),
]
