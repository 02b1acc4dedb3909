"""Importing the Fashion Product Images layout (``styles.csv`` + ``images/<id>.jpg``).

Every row is checked on its own: a bad row is reported with its line number and reason
and the others are imported. A second run finds every product present and changes nothing.

Demo commerce data is derived from the dataset id so that it is the same on every machine:
- price and stock by the rule of :mod:`ml.catalog.demo` (which offline evaluation uses too),
  the stock spread over the sizes of the article type (``main.sizes``): size i is sold out
  when (id + i) mod 5 = 0, the others share the stock evenly, the smallest sizes taking the
  remainder;
- seller = one of four demo shops, by id mod 4.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ml.catalog.cleaning import not_product_like
from ml.catalog.demo import demo_price, demo_stock
from ml.catalog.schema import ARTICLE, COLOUR, DATASET_NAME_COLUMN, GENDER, ID, MASTER, SEASON, SUB, USAGE

from .catalog_table import catalog_changed
from .ml_fields import FIELD_OF_LEVEL
from .models import ArticleType, Gender, MasterCategory, Product, ProductSize, SubCategory
from .search_text import search_text_for
from .services import brands_fill
from .sizes import split_stock

TAXONOMY_COLUMNS = (GENDER, MASTER, SUB, ARTICLE)
REQUIRED_COLUMNS = (ID, *TAXONOMY_COLUMNS, DATASET_NAME_COLUMN)


def _max_length(field: str) -> int:
    """The longest value a Product field (a taxonomy node: its name) holds."""
    found = Product._meta.get_field(field)
    return (found.related_model._meta.get_field("name") if found.is_relation else found).max_length


# A row whose value is longer than its column holds is rejected rather than cut.
MAX_LENGTHS = {
    DATASET_NAME_COLUMN: _max_length("name"),
    **{level: _max_length(field) for level, field in FIELD_OF_LEVEL.items()},
    SEASON: _max_length("season"),
}
DEMO_SHOPS = [
    ("seller", "Urban Threads"),
    ("stylehub", "Style Hub"),
    ("footfirst", "Foot First"),
    ("glamcorner", "Glam Corner"),
]
BATCH_SIZE = 2000


class ImportFileError(Exception):
    """The file as a whole cannot be read (missing, or without the required columns)."""


@dataclass
class RejectedRow:
    line: int
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    already_present: int = 0
    missing_images: int = 0
    unlisted: int = 0  # products imported earlier from rows now rejected as not product-like
    rejected: list[RejectedRow] = field(default_factory=list)


def demo_sellers() -> list[User]:
    """The demo shops that own the imported catalog (created once, without a password)."""
    sellers = []
    for username, shop_name in DEMO_SHOPS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": User.Role.SELLER, "shop_name": shop_name, "email_verified_at": timezone.now()},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        sellers.append(user)
    return sellers


def read_rows(csv_path: Path) -> Iterator[tuple[int, dict[str, str] | None, str]]:
    """Yield ``(line number, row, reason)`` for every record of the file: the row is None
    when the record cannot be read as one; the reason is '' for a good row."""
    csv.field_size_limit(1_000_000)
    with open(csv_path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = [name.strip() for name in next(reader)]
        except (StopIteration, csv.Error) as error:
            raise ImportFileError(f"{csv_path}: cannot read a header line ({error})") from None
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise ImportFileError(f"{csv_path}: missing required columns: {', '.join(missing)}")
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield reader.line_num, None, f"malformed CSV ({error})"
                continue
            if not values:
                continue
            if len(values) != len(header):
                yield reader.line_num, None, f"expected {len(header)} fields, found {len(values)}"
                continue
            row = dict(zip(header, (v.strip() for v in values), strict=True))
            yield reader.line_num, row, _row_problem(row)


def _row_problem(row: dict[str, str]) -> str:
    for name, value in row.items():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"column {name} is not valid UTF-8"
    if not (row["id"].isascii() and row["id"].isdigit()) or int(row["id"]) > 2_000_000_000:
        return f"id {row['id'][:20]!r} is not a positive whole number"
    for name in REQUIRED_COLUMNS:
        if not row[name]:
            return f"column {name} is empty"
    for name, limit in MAX_LENGTHS.items():
        if len(row.get(name, "")) > limit:
            return f"column {name} is longer than {limit} characters"
    year = row.get("year", "")
    if year and not (year.isascii() and year.isdigit() and 1900 <= int(year) <= 2100):
        return f"year {year[:20]!r} is not a year"
    return _not_product_like(row)


def _not_product_like(row: dict[str, str]) -> str:
    """A well-formed row that is still no product (its name is "productDisplayName"...)."""
    return not_product_like(row[DATASET_NAME_COLUMN], [row[c] for c in TAXONOMY_COLUMNS], columns=row)


class _Taxonomy:
    """Get-or-create cache for taxonomy nodes, so that each is looked up once per import."""

    def __init__(self) -> None:
        self.genders = {g.name: g for g in Gender.objects.all()}
        self.masters = {m.name: m for m in MasterCategory.objects.all()}
        self.subs = {
            (s.master_category.name, s.name): s for s in SubCategory.objects.select_related("master_category")
        }
        self.types = {
            (t.sub_category.master_category.name, t.sub_category.name, t.name): t
            for t in ArticleType.objects.select_related("sub_category__master_category")
        }

    def gender(self, name: str) -> Gender:
        if name not in self.genders:
            self.genders[name] = Gender.objects.create(name=name)
        return self.genders[name]

    def article_type(self, master: str, sub: str, article: str) -> ArticleType:
        key = (master, sub, article)
        if key not in self.types:
            if master not in self.masters:
                self.masters[master] = MasterCategory.objects.create(name=master)
            if (master, sub) not in self.subs:
                self.subs[(master, sub)] = SubCategory.objects.create(
                    master_category=self.masters[master], name=sub
                )
            self.types[key] = ArticleType.objects.create(sub_category=self.subs[(master, sub)], name=article)
        return self.types[key]


def import_catalog(
    *, data_dir: Path, limit: int | None = None, progress: Callable[[str], None] | None = None
) -> ImportReport:
    """Import ``data_dir/styles.csv`` and its images; return what happened."""
    csv_path = data_dir / "styles.csv"
    if not csv_path.exists():
        raise ImportFileError(
            f"{csv_path} not found. Point FASHION_DATA at a folder with styles.csv and images/."
        )
    report = ImportReport()
    sellers = demo_sellers()
    taxonomy = _Taxonomy()
    present = set(Product.objects.filter(dataset_id__isnull=False).values_list("dataset_id", flat=True))
    image_dir = Path(settings.MEDIA_ROOT) / "catalog"
    image_dir.mkdir(parents=True, exist_ok=True)
    batch: list[Product] = []
    seen = 0
    stray: list[int] = []
    for line, row, problem in read_rows(csv_path):
        if problem:
            report.rejected.append(RejectedRow(line, problem))
            if row is not None and problem == _not_product_like(row):  # else the id may be bad
                stray.append(int(row["id"]))
            continue
        seen += 1
        dataset_id = int(row["id"])
        if dataset_id in present:
            report.already_present += 1
            if limit and seen >= limit:
                break
            continue
        present.add(dataset_id)
        image = _copy_image(data_dir / "images" / f"{dataset_id}.jpg", image_dir)
        report.missing_images += image == ""
        batch.append(_product_from_row(row, dataset_id, image, taxonomy, sellers))
        if len(batch) >= BATCH_SIZE:
            report.created += _save(batch)
            batch = []
            if progress:
                progress(f"  {report.created + report.already_present:,} products done…")
        if limit and seen >= limit:
            break
    report.created += _save(batch)
    if report.created:
        brands_fill()  # learned from all the names at once (ml.catalog.brands.BrandLexicon)
    # Such rows imported before they were recognised are live products: unlist them.
    report.unlisted = Product.objects.filter(dataset_id__in=stray, is_active=True).update(is_active=False)
    catalog_changed()  # bulk writes send no signals
    return report


def _copy_image(source: Path, image_dir: Path) -> str:
    if not source.exists():
        return ""
    target = image_dir / source.name
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        shutil.copyfile(source, target)
    return f"catalog/{source.name}"


def _product_from_row(row, dataset_id, image, taxonomy: _Taxonomy, sellers) -> Product:
    article = taxonomy.article_type(row[MASTER], row[SUB], row[ARTICLE])
    gender = taxonomy.gender(row[GENDER])
    usage = "" if row.get(USAGE, "") == "NA" else row.get(USAGE, "")
    colour = row.get(COLOUR, "")
    name = row[DATASET_NAME_COLUMN]
    product = Product(
        dataset_id=dataset_id,
        seller=sellers[dataset_id % len(sellers)],
        name=name,
        gender=gender,
        article_type=article,
        sub_category=article.sub_category,
        master_category=article.sub_category.master_category,
        base_colour=colour,
        season=row.get(SEASON, ""),
        usage=usage,
        year=int(row["year"]) if row.get("year") else None,
        price=demo_price(dataset_id, row[MASTER]),
        stock=demo_stock(dataset_id),
        image=image,
    )
    product.search_text = search_text_for(product)
    return product


def demo_sizes(product: Product) -> list[ProductSize]:
    """The sizes of an imported product, its demo stock spread over them (see the module doc)."""
    sizes = product.size_scale
    stock = split_stock(total=product.stock, sizes=sizes, seed=product.dataset_id)
    return [ProductSize(product=product, label=label, position=i, stock=stock[label])
            for i, label in enumerate(sizes)]


def _save(batch: list[Product]) -> int:
    with transaction.atomic():
        Product.objects.bulk_create(batch)
        ProductSize.objects.bulk_create([size for product in batch for size in demo_sizes(product)])
    return len(batch)
