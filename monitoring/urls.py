from django.contrib import admin
from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", admin.site.admin_view(views.dashboard), name="dashboard"),
]
