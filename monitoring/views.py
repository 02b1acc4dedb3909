"""The monitoring dashboard: an admin page (staff only) of SVG charts drawn from stored rows."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from recommendations.services import views_flush

from . import dashboard as charts_of


def dashboard(request):
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied
    views_flush()  # this worker's queued views count in the click-through at once (others' within seconds)
    context = {
        **admin.site.each_context(request),
        "title": "Model monitoring",
        "sections": charts_of.sections(),
    }
    return render(request, "monitoring/dashboard.html", context)
