import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from main.ml_bridge import ModelUnavailable, require, similarity_index
from main.models import Product
from ml.catalog.dataset import load_styles
from ml.catalog.schema import DESCRIPTION, ID, PRICE


class Command(BaseCommand):
    help = (
        "Write rows product_id, rank, similar_id, score (dataset ids) for catalog products "
        "(--ids-file) or for products not in the catalog, given in styles.csv format (--input-csv)."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--ids-file", type=Path, help="one dataset id per line")
        source.add_argument("--input-csv", type=Path, help="rows in the dataset's styles.csv format")
        parser.add_argument("-k", type=int, default=10)
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args, ids_file=None, input_csv=None, k=10, output=None, **options):
        try:
            index = require(similarity_index(), "similarity index")
        except ModelUnavailable as error:
            raise CommandError(str(error)) from None
        if not 1 <= k <= 50:
            raise CommandError("-k must be between 1 and 50.")
        results = self._for_ids(index, ids_file, k) if ids_file else self._for_new(index, input_csv, k)
        # The index speaks of primary keys; the output speaks of dataset ids, like the input.
        to_dataset = dict(
            Product.objects.filter(
                pk__in={s for _, recs in results for s in (r.product_id for r in recs)}
            ).values_list("pk", "dataset_id")
        )
        written = 0
        with open(output, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["product_id", "rank", "similar_id", "score"])
            for product_id, recs in results:
                for rank, rec in enumerate(recs, start=1):
                    writer.writerow(
                        [product_id, rank, to_dataset.get(rec.product_id) or "", f"{rec.score:.4f}"]
                    )
                    written += 1
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {written:,} rows for {len(results):,} products to {output}")
        )

    def _for_ids(self, index, ids_file: Path, k: int):
        if not ids_file.exists():
            raise CommandError(f"{ids_file} does not exist.")
        wanted = [line.strip() for line in ids_file.read_text().splitlines() if line.strip()]
        bad = [w for w in wanted if not w.isdigit()]
        if bad:
            raise CommandError(f"Not dataset ids: {', '.join(bad[:5])}")
        pks = dict(
            Product.objects.filter(dataset_id__in=[int(w) for w in wanted]).values_list("dataset_id", "pk")
        )
        missing = [w for w in wanted if int(w) not in pks]
        if missing:
            self.stderr.write(
                f"{len(missing)} ids are not in the catalog and are skipped: {', '.join(missing[:10])}"
            )
        return [(int(w), index.similar(pks[int(w)], k=k)) for w in wanted if int(w) in pks]

    def _for_new(self, index, input_csv: Path, k: int):
        if not input_csv.exists():
            raise CommandError(f"{input_csv} does not exist.")
        styles = load_styles(input_csv)
        if styles.empty:
            raise CommandError(f"No usable rows in {input_csv}.")
        # Negative ids are never confused with a catalog primary key; no price is needed.
        rows = styles.assign(**{ID: -styles[ID], DESCRIPTION: "", PRICE: 0.0})
        found = index.similar_to_new(rows, k=k)
        return list(zip(styles[ID].tolist(), found, strict=True))
