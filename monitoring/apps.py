from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """The models as an operator watches them: an admin dashboard drawn from stored events."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
