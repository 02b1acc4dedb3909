import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from main.ml_fields import (
    catalog_frame,
    confirmed_categories_frame,
    corrected_categories_frame,
    photo_catalog_frame,
)
from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.embed.text import ARTIFACT_NAME as TEXT_ENCODER
from ml.photo.index import ARTIFACT_NAME as PHOTO_INDEX
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from ml.recommend.complete_the_look import ARTIFACT_NAME as COMPLETE_THE_LOOK
from ml.recommend.train import HYBRID, SIMILARITY
from ml.search.train import ARTIFACT_NAME as SEARCH
from recommendations.selectors import events_frame
from recommendations.services import neighbours_forget, views_flush
from serving.registry import reload_all, store
from serving.services import versions_register_new

# The photo model's recipe: the full one (ml.photo.train: blocks 11-15 + head, 4 epochs; 571 s,
# 1,040 CPU-s with every photo embedded, quiet 2-core machine), or with --quick (or the setting
# PHOTO_TRAINING_QUICK) the quick one (block 15, 2 epochs; 285 s), which `make run` serves first;
# a later `train_models --only photo` builds the full one, promoted by the gate if better.
# --quick also saves the categorizer's trial fit (measured on the hold-out, fitted on the train
# split) without the refit on every row; `make run` builds the full one after the photo models.


# What train_models builds, in order (--only picks some).
STEPS = ("categorizer", "recommenders", "search", "photo")


class Command(BaseCommand):
    help = (
        "Train the categorizer on FASHION_DATA and the listings sellers confirmed, and build the "
        "recommenders from the shop's catalog and logged events, the search's query reader from "
        "the catalog, and the photo model and photo index from the catalog's photos; artifacts go "
        "to MODELS_DIR with their metadata. Each new version is registered and gated: promoted "
        "to serving if it is not worse than the serving one, else kept as a candidate (see "
        "`python manage.py models`)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", nargs="+", choices=STEPS, default=None,
            help="build only these (make run builds the page models first and the others "
                 "in the background, where they arrive by hot swap)",
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="build only the models that have no artifact yet"
        )
        parser.add_argument(
            "--by", default="command:train_models",
            help='what trained the versions, recorded with them: "schedule:nightly", "person:<name>" …',
        )
        parser.add_argument(
            "--quick", action="store_true",
            help="first versions, fast: the photo model's quick recipe (half the training time, "
                 "~2 points less article type) and the categorizer's measured trial fit without "
                 "the refit on every row (half the time; the seller-confirmed listings are left "
                 "to the next full build)",
        )

    def handle(self, *args, only=None, if_missing=False, by="command:train_models", quick=False, **options):
        self.quick = quick
        artifacts = store()
        # What each step builds, in the order its versions are registered and gated: a model
        # before those built over it (the text encoder, exported on first use, before its users).
        for name, build, models in (
            ("categorizer", self._categorizer, (CATEGORIZER,)),
            # (complete the look's table too: without it pages score it, with it they read it)
            ("recommenders", self._recommenders, (SIMILARITY, COMPLETE_THE_LOOK, HYBRID)),
            ("search", self._search, (SEARCH,)),
            ("photo", self._photo, (PHOTO_MODEL, PHOTO_INDEX)),
        ):
            if only is not None and name not in only:
                continue
            if if_missing and not artifacts.missing(models):
                self.stdout.write(f"{name}: already trained (in {artifacts.root}), skipped")
                # Built before the registry existed (an older checkout's store): registered now,
                # so that the registry, the admin and the hot swap know what serves.
                self._register((TEXT_ENCODER, *models), by=by, seconds=0)
                continue
            started = time.perf_counter()
            build()
            self._register((TEXT_ENCODER, *models), by=by, seconds=time.perf_counter() - started)
        reload_all()

    def _register(self, models, *, by: str, seconds: float) -> None:
        registered = versions_register_new(names=list(models), trained_by=by, duration_seconds=round(seconds))
        for row in registered:
            verdict = "promoted to serving" if row.gate == row.Gate.PASSED else "kept as a candidate"
            self.stdout.write(f"  {row.version}: {verdict} ({row.gate_reason})")

    def _categorizer(self):
        from ml.catalog.dataset import load_styles
        from ml.categorize.train import train_categorizer

        data = settings.FASHION_DATA
        if not (data / "styles.csv").exists():
            raise CommandError(f"No styles.csv in {data}: set FASHION_DATA to the dataset folder.")
        confirmed, corrections = confirmed_categories_frame(), corrected_categories_frame()
        self.stdout.write(
            f"Training the categorizer on {data}, {len(confirmed):,} listings sellers confirmed "
            f"and {len(corrections):,} labels fixed by the catalog audit …"
        )
        started = time.perf_counter()
        metadata = train_categorizer(styles=load_styles(data), store=store(), confirmed=confirmed,
                                     corrections=corrections, quick=self.quick)
        self.stdout.write(
            self.style.SUCCESS(f"  {metadata['version']} in {time.perf_counter() - started:.0f} s")
        )

    def _recommenders(self):
        from ml.recommend.train import build_recommenders

        catalog = catalog_frame()
        if catalog.empty:
            raise CommandError("The catalog is empty: run `python manage.py import_catalog` first.")
        views_flush()  # run in a web or task process (retraining), its queued views count too
        events = events_frame()
        self.stdout.write(
            f"Building recommenders from {len(catalog):,} products and {len(events):,} events …"
        )
        started = time.perf_counter()
        summary = build_recommenders(catalog=catalog, events=events, store=store())
        # Products listed since the last build are in the new index now.
        neighbours_forget()
        self.stdout.write(self.style.SUCCESS(f"  done in {time.perf_counter() - started:.0f} s: {summary}"))

    def _search(self):
        from ml.embed.text import text_encoder
        from ml.search.train import build_search_understanding

        catalog = catalog_frame()
        if catalog.empty:
            raise CommandError("The catalog is empty: run `python manage.py import_catalog` first.")
        self.stdout.write(f"Building the search's query reader from {len(catalog):,} products …")
        started = time.perf_counter()
        encoder = text_encoder(store=store())  # ONNX Runtime, exported once into the store
        metadata = build_search_understanding(catalog=catalog, store=store(), encoder=encoder)
        self.stdout.write(self.style.SUCCESS(
            f"  {metadata['version']} in {time.perf_counter() - started:.0f} s: {metadata['metrics']}"
        ))

    def _photo(self):
        from ml.photo.train import QUICK_PARAMS, PhotoClassifier, train_photo_models

        catalog = photo_catalog_frame()
        with_photo = int((catalog["photo"] != "").sum())
        if not with_photo:
            self.stdout.write("photo: no product has a photo, skipped")
            return
        self.stdout.write(f"Training the photo model and embedding {with_photo:,} product photos …")
        quick = self.quick or settings.PHOTO_TRAINING_QUICK
        estimator = PhotoClassifier(**(QUICK_PARAMS if quick else {}))
        summary = train_photo_models(catalog=catalog, store=store(), estimator=estimator)
        self.stdout.write(self.style.SUCCESS(
            f"  {summary['photo']} in {summary['total_seconds']:.0f} s "
            f"({summary['total_cpu_seconds']:.0f} s CPU): {summary['metrics']}"
        ))
