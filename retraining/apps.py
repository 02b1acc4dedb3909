from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class RetrainingConfig(AppConfig):
    """Retraining the models on the queue: by hand, or on the beat's schedule."""

    name = "retraining"
    verbose_name = "Retraining"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .schedule import retrain_schedule_sync

        # After every migrate: the beat's entry follows RETRAIN_SCHEDULE. Sent for the beat's
        # app (its tables exist by then): this app has no models, so none is sent for it.
        post_migrate.connect(
            retrain_schedule_sync,
            sender=apps.get_app_config("django_celery_beat"),
            dispatch_uid="retraining.schedule",
        )
