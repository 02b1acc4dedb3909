import csv
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from catalog_audit.selectors import decided_keys
from catalog_audit.services import suspects_record
from catalog_audit.tasks import audit_catalog
from main.ml_fields import catalog_frame, photo_catalog_frame
from main.models import Product
from ml.audit.suspects import (
    DEFAULT_FOLDS,
    PHOTO_WEIGHT,
    SUSPECT_COLUMNS,
    audit,
    load_level_probabilities,
    photo_probabilities,
)
from ml.catalog.schema import ID
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from serving.registry import ModelUnavailable, loaded, require

DEFAULT_LIMIT = 500  # suspects written and stored: more than an operator reviews in a sitting
OUTPUT_COLUMNS = ["product_id", "dataset_id", *SUSPECT_COLUMNS[1:]]


class Command(BaseCommand):
    help = (
        "Audit the catalog's labels: list the products whose category or colour the name (read "
        "by a categorizer that never saw the product, K-fold) and optionally the photo disagree "
        "with, most suspicious first, write them to a CSV and store them for review in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path, required=True, help="suspects CSV to write")
        parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                            help=f"most suspicious suspects kept (default {DEFAULT_LIMIT}; 0: all)")
        parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS,
                            help=f"cross-fitting folds (default {DEFAULT_FOLDS})")
        parser.add_argument("--min-score", type=float, default=0.0,
                            help="keep suspects whose answer beats the label by at least this much (0-1)")
        parser.add_argument("--level", choices=["category", "baseColour"], default=None,
                            help="audit one level only (default: both)")
        parser.add_argument("--photo", action="store_true", dest="use_photo",
                            help="add the trained photo model's reading of each product's photo")
        parser.add_argument("--photo-probabilities", type=Path, default=None, dest="probabilities_file",
                            help="an .npz of photo level probabilities keyed by product id "
                                 "(ids, <level>__classes, <level>__probabilities)")
        parser.add_argument("--photo-weight", type=float, default=PHOTO_WEIGHT)
        parser.add_argument("--no-store", action="store_true",
                            help="only write the CSV; leave the admin's review list as it is")
        parser.add_argument("--enqueue", action="store_true",
                            help="send the audit to the task queue's workers and return at once "
                                 "(the worker writes --output on its machine)")

    def handle(self, *args, output, limit, folds, min_score, level, use_photo, probabilities_file,
               photo_weight, no_store, enqueue=False, **options):
        if probabilities_file is not None:  # a str when the task passes it (JSON)
            probabilities_file = Path(probabilities_file)
        if folds < 2:
            raise CommandError("--folds must be at least 2.")
        if limit < 0:
            raise CommandError("--limit must be 0 (all) or more.")
        if not 0.0 <= min_score <= 1.0:
            raise CommandError("--min-score is between 0 and 1.")
        if use_photo and probabilities_file is not None:
            raise CommandError("Give --photo or --photo-probabilities, not both.")
        if enqueue:
            result = audit_catalog.delay(
                str(output), limit=limit, folds=folds, min_score=min_score, level=level,
                use_photo=use_photo, photo_weight=photo_weight, no_store=no_store,
                probabilities_file=str(probabilities_file) if probabilities_file else None,
            )
            self.stdout.write(f"Audit queued (task {result.id}); the suspects go to {output} on the worker.")
            return
        catalog = photo_catalog_frame() if use_photo else catalog_frame()
        if len(catalog) < folds:
            raise CommandError("The catalog is (nearly) empty: run `python manage.py import_catalog` first.")
        photo = None
        if use_photo:
            try:
                model = require(loaded(PHOTO_MODEL), "photo model")
            except ModelUnavailable as error:
                raise CommandError(str(error)) from None
            # Its own training rows (outside the holdout) it reads in sample: there it leans
            # towards the labels it learnt, so the photo finds fewer of their errors.
            photo = photo_probabilities(model, catalog["photo"], progress=self.stdout.write)
        elif probabilities_file is not None:
            if not probabilities_file.exists():
                raise CommandError(f"{probabilities_file} does not exist.")
            try:
                photo = load_level_probabilities(probabilities_file, catalog[ID].to_numpy())
            except (OSError, KeyError, ValueError) as error:
                raise CommandError(f"Cannot read {probabilities_file}: {error}") from None
        self.stdout.write(f"Auditing {len(catalog):,} products ({folds} folds"
                          f"{', name and photo' if photo else ', name only'}) …")
        started = time.perf_counter()
        suspects = audit(catalog, photo=photo, folds=folds, photo_weight=photo_weight,
                         min_score=min_score, progress=self.stdout.write)
        if level:
            suspects = suspects[suspects["level"] == level]
        decided = decided_keys()
        keys = zip(suspects[ID], suspects["level"], suspects["label"], suspects["answer"], strict=True)
        suspects = suspects[[key not in decided for key in keys]].reset_index(drop=True)
        if limit:
            suspects = suspects.iloc[:limit]
        self._write(output, suspects)
        self.stdout.write(self.style.SUCCESS(
            f"{len(suspects):,} suspects written to {output} in {time.perf_counter() - started:.0f} s"
        ))
        if not no_store:
            report = suspects_record(suspects=suspects, run=timezone.now().strftime("%Y-%m-%d %H:%M"))
            self.stdout.write(
                f"Review list: {report.created} new, {report.updated} updated, {report.withdrawn} withdrawn "
                f"(decided suspects are not raised again). Review them in the admin: "
                f"/admin/catalog_audit/catalogsuspect/"
            )

    def _write(self, output: Path, suspects) -> None:
        products = Product.objects.filter(pk__in=suspects[ID].tolist())
        dataset_ids = dict(products.values_list("id", "dataset_id"))
        try:
            handle = open(output, "w", encoding="utf-8", newline="")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from None
        with handle:
            writer = csv.writer(handle)
            writer.writerow(OUTPUT_COLUMNS)
            for values in suspects.to_dict("records"):
                writer.writerow(self._row(values, dataset_ids))

    @staticmethod
    def _row(values: dict, dataset_ids: dict) -> list:
        row = [values[ID], dataset_ids.get(values[ID]) or ""]
        for column in SUSPECT_COLUMNS[1:]:
            value = values[column]
            if column.endswith("confidence") or column == "score":
                value = "" if value != value else f"{value:.4f}"  # NaN: no photo
            row.append(value)
        return row
