"""The model registry in the admin, read-only: versions with the gate's decision, and every
move of the serving alias. Moving an alias is `python manage.py models promote|rollback`,
which records a reason; the admin only shows."""

from django.contrib import admin

from .models import AliasMove, ModelVersion
from .selectors import alias_history, serving_versions


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    list_display = (
        "version", "kind", "serving", "gate", "training_rows", "trained_by", "created_at", "retired_at"
    )
    list_filter = ("kind", "gate")
    search_fields = ("version",)
    readonly_fields = ("history",)

    @admin.display(boolean=True)
    def serving(self, obj):
        return serving_versions().get(obj.kind) == obj.version

    @admin.display(description="serving alias history of this kind")
    def history(self, obj):
        return "\n".join(f"{m.moved_at:%Y-%m-%d %H:%M} {m.action} {m.from_version or '-'} -> "
                         f"{m.to_version} by {m.by}: {m.reason}" for m in alias_history(kind=obj.kind))


@admin.register(AliasMove)
class AliasMoveAdmin(ReadOnlyAdmin):
    list_display = ("moved_at", "kind", "action", "from_version", "to_version", "by", "reason")
    list_filter = ("kind", "action")
