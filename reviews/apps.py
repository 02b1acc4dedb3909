from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Verified buyers' ratings and reviews of products, their summary on the product page."""

    name = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (account deletion)
