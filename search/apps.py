from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The catalog listing: search by words or by photo, facets, suggestions as one types."""

    name = "search"

    def ready(self):
        from . import query  # noqa: F401  (its cached parses listen to serving's models_reloaded)
