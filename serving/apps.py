from django.apps import AppConfig


class ServingConfig(AppConfig):
    """The trained models, loaded once per process and served to the other apps."""

    name = "serving"
