from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "cart"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import page_cache

        from . import receivers  # noqa: F401  (merge anonymous carts on login, erase on account deletion)
        from .badge import badge_count, badge_items, shares_pages

        # The header's badge is each shopper's own, even in a page cached for every shopper.
        page_cache.register_part("cart-badge", badge_count)
        page_cache.register_part("cart-items", badge_items)
        page_cache.serve_only_if(shares_pages)
