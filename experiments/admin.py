"""Experiments are made and edited in the admin (variants inline); each links to its results
page, which holds the start, stop and ship buttons (``experiments.views``)."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html

from . import views
from .models import Experiment, Variant


class VariantInline(admin.TabularInline):
    """Variants are fixed once an experiment has run: a changed weight or value would move
    shoppers between variants mid-test and mix their results."""

    model = Variant
    extra = 2
    fields = ("key", "value", "weight", "is_control")

    def _editable(self, experiment) -> bool:
        return experiment is None or experiment.status == Experiment.Status.DRAFT

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ("title", "surface", "outcome", "status", "started_at", "results_link")
    list_filter = ("status", "surface")
    inlines = [VariantInline]
    readonly_fields = ("status", "started_at", "stopped_at", "shipped_variant")

    def get_readonly_fields(self, request, obj=None):
        """The key picks every shopper's variant: fixed once the experiment has run."""
        if obj is not None and obj.status != Experiment.Status.DRAFT:
            return (*self.readonly_fields, "key", "surface", "outcome")
        return self.readonly_fields

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
