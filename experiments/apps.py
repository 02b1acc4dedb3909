from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    """A/B experiments on live traffic: who sees which variant, what they did, and the results."""

    name = "experiments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the receivers)
