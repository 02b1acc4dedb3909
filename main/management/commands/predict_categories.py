import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from main.ml_bridge import ModelUnavailable, categorizer, require
from ml.catalog.schema import DATASET_NAME_COLUMN, LEVELS

OUTPUT_COLUMNS = ["id", *LEVELS, "confidence"]
BATCH = 2000


class Command(BaseCommand):
    help = "Categorize every row of a CSV by its product name; write one output row per input row, in order."

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path)
        parser.add_argument("-o", "--output", type=Path, required=True)
        parser.add_argument("--text-column", default=DATASET_NAME_COLUMN)
        parser.add_argument("--description-column", default="description")

    def handle(self, *args, input, output, text_column, description_column, **options):
        try:
            model = require(categorizer(), "categorizer")
        except ModelUnavailable as error:
            raise CommandError(str(error)) from None
        if not input.exists():
            raise CommandError(f"{input} does not exist.")
        with open(input, encoding="utf-8", errors="replace", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if text_column not in columns:
                raise CommandError(f"{input} has no column {text_column!r} (columns: {', '.join(columns)}).")
            rows = list(reader)
        ids = [row.get("id") or str(number) for number, row in enumerate(rows, start=1)]
        names = [(row.get(text_column) or "").strip() for row in rows]
        descriptions = [(row.get(description_column) or "") for row in rows]
        with open(output, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(OUTPUT_COLUMNS)
            for start in range(0, len(rows), BATCH):
                chunk = slice(start, start + BATCH)
                predictable = [i for i, name in enumerate(names[chunk], start=start) if name]
                found = model.predict([names[i] for i in predictable], [descriptions[i] for i in predictable])
                by_row = dict(zip(predictable, found, strict=True))
                for i in range(start, min(start + BATCH, len(rows))):
                    p = by_row.get(i)
                    if p is None:
                        writer.writerow([ids[i], "", "", "", "", "", "", ""])
                        continue
                    writer.writerow(
                        [ids[i]] + [p.label(c) for c in OUTPUT_COLUMNS[1:-1]] + [f"{p.confidence:.4f}"]
                    )
        empty = len(rows) - sum(1 for n in names if n)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(rows):,} rows to {output}"))
        if empty:
            self.stderr.write(f"{empty} rows had an empty {text_column}: their columns are left empty.")
