"""The monitoring dashboard: an admin page (staff only) of SVG charts drawn from stored rows."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from . import dashboard as charts_of


def dashboard(request):
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": "Model monitoring",
        "sections": charts_of.sections(),
    }
    return render(request, "monitoring/dashboard.html", context)
