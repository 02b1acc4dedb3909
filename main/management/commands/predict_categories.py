import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from main import categorize
from ml.catalog.schema import DATASET_NAME_COLUMN, LEVELS
from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from serving.registry import ModelUnavailable, loaded, require

OUTPUT_COLUMNS = ["id", *LEVELS, "confidence"]
BATCH = 2000


class Command(BaseCommand):
    help = (
        "Categorize every row of a CSV by its product name, its photo (--images DIR reads DIR/<id>.jpg), "
        "or both; write one output row per input row, in order. --text-column '' uses the photo alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path)
        parser.add_argument("-o", "--output", type=Path, required=True)
        parser.add_argument("--text-column", default=DATASET_NAME_COLUMN,
                            help="the name column; '' to categorize from the photo alone")
        parser.add_argument("--description-column", default="description")
        parser.add_argument("--images", type=Path, help="a folder of photos named <id>.jpg")

    def handle(self, *args, input, output, text_column, description_column, images=None, **options):
        try:
            require(loaded(CATEGORIZER), "categorizer")
            if images is not None:
                require(loaded(PHOTO_MODEL), "photo model")
        except ModelUnavailable as error:
            raise CommandError(str(error)) from None
        if not input.exists():
            raise CommandError(f"{input} does not exist.")
        if not text_column and images is None:
            raise CommandError("--text-column '' categorizes from the photo alone: give --images DIR.")
        if images is not None and not images.is_dir():
            raise CommandError(f"{images} is not a folder.")
        with open(input, encoding="utf-8", errors="replace", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if text_column and text_column not in columns:
                raise CommandError(f"{input} has no column {text_column!r} (columns: {', '.join(columns)}).")
            if images is not None and "id" not in columns:
                raise CommandError(f"--images reads <id>.jpg: {input} has no column 'id'.")
            rows = list(reader)
        ids = [row.get("id") or str(number) for number, row in enumerate(rows, start=1)]
        names = [(row.get(text_column) or "").strip() if text_column else "" for row in rows]
        descriptions = [(row.get(description_column) or "") for row in rows]
        refused: list[str] = []
        empty = 0
        with open(output, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(OUTPUT_COLUMNS)
            for start in range(0, len(rows), BATCH):
                end = min(start + BATCH, len(rows))
                pictures = self._photos(images, ids[start:end], refused)
                predictable = [i for i in range(start, end) if names[i] or pictures[i - start] is not None]
                found = categorize.predict(
                    names=[names[i] for i in predictable],
                    descriptions=[descriptions[i] for i in predictable],
                    images=[pictures[i - start] for i in predictable],
                ) if predictable else []
                by_row = dict(zip(predictable, found, strict=True))
                for i in range(start, end):
                    p = by_row.get(i)
                    if p is None:
                        empty += 1
                        writer.writerow([ids[i], "", "", "", "", "", "", ""])
                        continue
                    writer.writerow(
                        [ids[i]] + [p.label(c) for c in OUTPUT_COLUMNS[1:-1]] + [f"{p.confidence:.4f}"]
                    )
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(rows):,} rows to {output}"))
        if refused:
            self.stderr.write(f"{len(refused)} photos were refused ({'; '.join(refused[:5])}).")
        if empty:
            what = " and no usable photo" if images is not None else ""
            self.stderr.write(
                f"{empty} rows had no {text_column or 'name'}{what}: their columns are left empty."
            )

    def _photos(self, folder: Path | None, ids: list[str], refused: list[str]) -> list:
        """Each row's photo as model input, or None (no folder, no file, or a refused file)."""
        if folder is None:
            return [None] * len(ids)
        from ml.photo.images import PhotoError, load_photo

        pictures = []
        for product_id in ids:
            path = folder / f"{Path(product_id).name}.jpg"
            picture = None
            if path.is_file():
                try:
                    picture = load_photo(path)
                except PhotoError as error:
                    refused.append(f"{path.name}: {error}")
            pictures.append(picture)
        return pictures
