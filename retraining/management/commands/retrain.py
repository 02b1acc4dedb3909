from django.conf import settings
from django.core.management.base import BaseCommand

from retraining.services import KINDS
from retraining.tasks import retrain

# How long --wait waits for the worker: a full retrain of every model on 2 cores.
WAIT_SECONDS = 2 * 60 * 60


class Command(BaseCommand):
    help = (
        "Retrain the models now, as the nightly schedule does: sends the retrain task to the "
        "workers (or runs it here when no CELERY_BROKER_URL is set)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind", action="append", choices=KINDS, dest="kinds",
            help=f"a model kind to retrain (repeatable; default RETRAIN_KINDS={settings.RETRAIN_KINDS})",
        )
        parser.add_argument(
            "--wait", action="store_true", help="wait for the worker and print what it trained"
        )

    def handle(self, *args, kinds=None, wait=False, **options):
        result = retrain.delay(kinds=kinds or list(settings.RETRAIN_KINDS), by="command:retrain")
        self.stdout.write(f"retrain task {result.id} sent")
        if wait or settings.CELERY_TASK_ALWAYS_EAGER:
            outcome = result.get(timeout=WAIT_SECONDS)
            self.stdout.write(self.style.SUCCESS(f"trained: {', '.join((outcome or {}).get('trained', []))}"))
