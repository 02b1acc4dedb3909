"""Experiments are made and edited in the admin (variants inline); each links to its results
page, which holds the start, stop and ship buttons (``experiments.views``)."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html

from . import views
from .models import Experiment, Variant


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 2
    fields = ("key", "value", "weight", "is_control")


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ("title", "surface", "outcome", "status", "started_at", "results_link")
    list_filter = ("status", "surface")
    inlines = [VariantInline]
    readonly_fields = ("status", "started_at", "stopped_at", "shipped_variant")

    @admin.display(description="Results")
    def results_link(self, experiment):
        return format_html(
            '<a href="{}">Results</a>', reverse("admin:experiments_experiment_results", args=[experiment.pk])
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view

        def results(request, experiment_id):
            context = {**self.admin_site.each_context(request), "opts": self.model._meta}
            return views.results(request, experiment_id, admin_context=context)

        own = [
            path("<int:experiment_id>/results/", wrap(results), name="experiments_experiment_results"),
            path("<int:experiment_id>/start/", wrap(views.start), name="experiments_experiment_start"),
            path("<int:experiment_id>/stop/", wrap(views.stop), name="experiments_experiment_stop"),
            path("<int:experiment_id>/ship/", wrap(views.ship), name="experiments_experiment_ship"),
        ]
        return own + super().get_urls()
