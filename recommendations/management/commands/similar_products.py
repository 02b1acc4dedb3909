import csv
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from main.models import Product
from ml.catalog.dataset import load_styles
from ml.catalog.schema import DESCRIPTION, ID, PRICE
from ml.photo.index import ARTIFACT_NAME as PHOTO_INDEX
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from ml.recommend.train import SIMILARITY
from serving.registry import ModelUnavailable, loaded, require

BY = ("attributes", "photo")
PHOTO_BATCH = 512  # new products' photos embedded at once


class Command(BaseCommand):
    help = (
        "Write rows product_id, rank, similar_id, score (dataset ids) for catalog products "
        "(--ids-file) or for products not in the catalog, given in styles.csv format (--input-csv). "
        "--by photo: the products that look alike (new products: the id column and DIR/<id>.jpg only)."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--ids-file", type=Path, help="one dataset id per line")
        source.add_argument("--input-csv", type=Path, help="rows in the dataset's styles.csv format")
        parser.add_argument("-k", type=int, default=10)
        parser.add_argument("-o", "--output", type=Path, required=True)
        parser.add_argument("--by", choices=BY, default="attributes",
                            help="attributes (name, category, colour...) or photo (what it looks like)")
        parser.add_argument("--images", type=Path,
                            help="with --by photo --input-csv: the folder of the new products' <id>.jpg")

    def handle(self, *args, ids_file=None, input_csv=None, k=10, output=None, by="attributes", images=None,
               **options):
        if not 1 <= k <= 50:
            raise CommandError("-k must be between 1 and 50.")
        if by == "photo" and input_csv and images is None:
            raise CommandError("--by photo --input-csv reads each new product's photo: give --images DIR.")
        try:
            if by == "photo":
                index = require(loaded(PHOTO_INDEX), "photo index")
                if input_csv:
                    require(loaded(PHOTO_MODEL), "photo model")
            else:
                index = require(loaded(SIMILARITY), "similarity index")
        except ModelUnavailable as error:
            raise CommandError(str(error)) from None
        if ids_file:
            results = self._for_ids(index, ids_file, k)
        elif by == "photo":
            results = self._for_new_photos(index, input_csv, images, k)
        else:
            results = self._for_new(index, input_csv, k)
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
        unindexed = [w for w in wanted if int(w) in pks and pks[int(w)] not in index]
        if unindexed:
            self.stderr.write(
                f"{len(unindexed)} ids are not in the index (no photo?) and are skipped: "
                f"{', '.join(unindexed[:10])}"
            )
        kept = [w for w in wanted if int(w) in pks and pks[int(w)] in index]
        return [(int(w), index.similar(pks[int(w)], k=k)) for w in kept]

    def _for_new_photos(self, index, input_csv: Path, folder: Path, k: int):
        """Products not in the catalog, by their photo alone: only the ``id`` column is read."""
        from ml.photo.images import PhotoError, load_photo

        if not input_csv.exists():
            raise CommandError(f"{input_csv} does not exist.")
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        with open(input_csv, encoding="utf-8", errors="replace", newline="") as handle:
            reader = csv.DictReader(handle)
            if "id" not in (reader.fieldnames or []):
                raise CommandError(f"{input_csv} has no column 'id'.")
            wanted = [(row.get("id") or "").strip() for row in reader]
        ids, pictures, skipped = [], [], []
        for product_id in wanted:
            path = folder / f"{Path(product_id).name}.jpg"
            try:
                pictures.append(load_photo(path))
            except PhotoError as error:
                skipped.append(f"{product_id or '(no id)'}: {error}")
                continue
            ids.append(product_id)
        if skipped:
            self.stderr.write(
                f"{len(skipped)} rows without a usable photo are skipped ({'; '.join(skipped[:5])})."
            )
        if not ids:
            raise CommandError(f"No row of {input_csv} has a usable photo in {folder}.")
        model = loaded(PHOTO_MODEL)
        found = []
        for start in range(0, len(pictures), PHOTO_BATCH):
            # each photo's vector and what it is read as (type, gender): those re-rank its neighbours
            vectors, levels = model.analyse(np.stack(pictures[start:start + PHOTO_BATCH]))
            found += index.nearest(vectors, k=k, levels=levels)
        return list(zip(ids, found, strict=True))

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
