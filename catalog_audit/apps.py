from django.apps import AppConfig


class CatalogAuditConfig(AppConfig):
    name = "catalog_audit"
    verbose_name = "Catalog audit"
    default_auto_field = "django.db.models.BigAutoField"
