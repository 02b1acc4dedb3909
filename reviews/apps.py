from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Verified buyers' ratings and reviews of products, their summary on the product page."""

    name = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import page_cache

        from . import receivers  # noqa: F401  (account deletion)
        from .selectors import page_audience, shares_pages

        # A product page shared by shoppers never shows one of them another's way to review
        # (the review section is drawn on product pages only).
        page_cache.serve_only_if(shares_pages, pages=("product",))
        page_cache.vary_by(page_audience, pages=("product",))
