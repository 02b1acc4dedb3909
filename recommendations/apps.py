from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    """Shoppers' events and what is recommended from them: carousels, the feed, similar items."""

    name = "recommendations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the receivers)
