import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from main.ml_models import reload_all
from main.models import ProductNeighbours
from main.recommendations import catalog_frame, events_frame
from seller_accounts.selectors import confirmed_categories_frame


class Command(BaseCommand):
    help = (
        "Train the categorizer on FASHION_DATA and the listings sellers confirmed, and build the "
        "recommenders from the shop's catalog and logged events; artifacts go to MODELS_DIR "
        "with their metadata."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", choices=["categorizer", "recommenders"], default=None)
        parser.add_argument(
            "--if-missing", action="store_true", help="build only the models that have no artifact yet"
        )

    def handle(self, *args, only=None, if_missing=False, **options):
        models_dir = settings.MODELS_DIR
        for name, build, artifact in (
            ("categorizer", self._categorizer, "categorizer.joblib"),
            ("recommenders", self._recommenders, "hybrid.joblib"),
        ):
            if only not in (None, name):
                continue
            if if_missing and (models_dir / artifact).exists():
                self.stdout.write(f"{name}: already trained ({models_dir / artifact}), skipped")
                continue
            build()
        reload_all()

    def _categorizer(self):
        from ml.categorization import train_categorizer

        data = settings.FASHION_DATA
        if not (data / "styles.csv").exists():
            raise CommandError(f"No styles.csv in {data}: set FASHION_DATA to the dataset folder.")
        confirmed = confirmed_categories_frame()
        self.stdout.write(
            f"Training the categorizer on {data} and {len(confirmed):,} listings sellers confirmed …"
        )
        started = time.perf_counter()
        metadata = train_categorizer(data_dir=data, models_dir=settings.MODELS_DIR, confirmed=confirmed)
        self.stdout.write(
            self.style.SUCCESS(f"  {metadata['version']} in {time.perf_counter() - started:.0f} s")
        )

    def _recommenders(self):
        from ml.feed import build_recommenders

        catalog = catalog_frame()
        if catalog.empty:
            raise CommandError("The catalog is empty: run `python manage.py import_catalog` first.")
        events = events_frame()
        self.stdout.write(
            f"Building recommenders from {len(catalog):,} products and {len(events):,} events …"
        )
        started = time.perf_counter()
        summary = build_recommenders(catalog=catalog, events=events, models_dir=settings.MODELS_DIR)
        # Products listed since the last build are in the new index now.
        ProductNeighbours.objects.all().delete()
        self.stdout.write(self.style.SUCCESS(f"  done in {time.perf_counter() - started:.0f} s: {summary}"))
