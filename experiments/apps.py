from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    """A/B experiments on live traffic: who sees which variant, what they did, and the results."""

    name = "experiments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import page_cache

        from . import receivers  # noqa: F401  (connects the receivers)
        from .selectors import variants_seen
        from .services import strategy_shown

        # A page cached for every shopper is cached per variant, and logs each reader's exposure.
        page_cache.vary_by(lambda request: variants_seen(request=request))
        page_cache.on_hit(
            "experiment", lambda request, surface: strategy_shown(request=request, surface=surface)
        )
