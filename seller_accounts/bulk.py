"""Bulk listing: a seller's CSV (name, description, price, stock[, photo]) and/or a ZIP of
photos → one review table → publish.

A malformed CSV row is reported with its line and reason and the rest imports: the bad rows
wait beside the review table (with their photos) for the seller to fix and add them, so one
typo costs neither the other rows nor a second upload. Publishing creates all the reviewed
products in one transaction or none.
Photos are looked at one by one: a ZIP entry that is not a usable photo (too large, a bomb,
not an image) is reported by name and the rest imports (its CSV row, if any, without a photo).
A ZIP alone drafts one listing per photo, categorized from the photo.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from main import categorize
from main.categorize import SURE_ENOUGH
from main.images import MAX_UPLOAD_BYTES, normalise_product_photo
from main.ml_fields import LEVEL_OF_FORM_FIELD
from ml.catalog.schema import ARTICLE, COLOUR, GENDER, MASTER, SUB, category_label
from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from serving.registry import loaded, require

MAX_ROWS = 300
MAX_FILE_BYTES = 1024 * 1024
COLUMNS = ("name", "description", "price", "stock", "stock_by_size", "photo")
# A ZIP of photos: at most MAX_ROWS photos of at most 5 MB each (as a listing's photo), and at
# most this much in all, packed or unpacked. An entry whose unpacked size is far beyond its
# packed one is a compression bomb, not a photo (JPEGs hardly compress).
MAX_ZIP_BYTES = 25 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 50
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
# Staged photos wait here (as re-encoded JPEGs) between the upload and the publishing.
STAGING_FOLDER = "bulk-staging"
# A photo's file name names the product when it reads like one ("red-silk-kurta.jpg"), not like a
# camera's counter ("IMG_0412.jpg"): at least two words of letters.
NAME_WORD = re.compile(r"[A-Za-z]{2,}")
CAMERA_PREFIXES = frozenset({"img", "dsc", "dscn", "pxl", "photo", "image", "screenshot", "whatsapp"})


@dataclass
class BulkRow:
    line: int
    name: str
    description: str
    price: str
    stock: int
    stock_by_size: str = ""  # optional "S:3;M:5", checked against the sizes at publishing
    gender: str = ""
    master_category: str = ""
    sub_category: str = ""
    article_type: str = ""
    base_colour: str = ""
    usage: str = ""
    # Per form field, the model's top 3 as [value, confidence] ("article_type" values are
    # "Master / Subcategory / Type" paths); see categorize_rows.
    suggestions: dict[str, list] = field(default_factory=dict)
    photo_name: str = ""  # the file in the seller's ZIP (the CSV's photo column)
    photo: str = ""  # the staged photo's storage name (see stage_photos), "" for none
    photo_url: str = ""

    @property
    def where(self) -> str:
        """How the seller finds this row in what they uploaded."""
        return f"line {self.line}" if self.line else self.photo_name

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class RejectedRow(BulkRow):
    """A CSV row that could not be read, its values as typed (price and stock may not be
    numbers), kept with its reason and its staged photo for the seller to fix and add."""

    problem: str = ""


class BulkFileError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_bulk_csv(*, upload) -> list[BulkRow]:
    """Every row, or :class:`BulkFileError` listing all problems by line (a file or a row)."""
    rows, rejected = read_bulk_csv(upload=upload)
    if rejected:
        raise BulkFileError([f"{row.where}: {row.problem}" for row in rejected])
    return rows


def read_bulk_csv(*, upload) -> tuple[list[BulkRow], list[RejectedRow]]:
    """The good rows and the bad ones (each with its reason, for the seller to fix); raise
    :class:`BulkFileError` only when the file as a whole is unusable."""
    if upload.size > MAX_FILE_BYTES:
        raise BulkFileError(["The file is larger than 1 MB; split it into several uploads."])
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BulkFileError(["The file is not UTF-8 text; save it as 'CSV UTF-8'."]) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("name", "price", "stock") if c not in header]
    if missing:
        raise BulkFileError([f"Missing column(s): {', '.join(missing)}. Expected: {', '.join(COLUMNS)}."])
    reader.fieldnames = header
    rows, rejected = [], []
    try:
        for record in reader:
            line = reader.line_num
            problem = _problem(record)
            if problem:
                rejected.append(_rejected_row(record, line=line, problem=problem))
            else:
                rows.append(_row(record, line=line))
    except csv.Error as error:
        rejected.append(_rejected_row({}, line=reader.line_num, problem=f"malformed CSV ({error})"))
    if not rows and not rejected:
        raise BulkFileError(["The file has no product rows."])
    if len(rows) + len(rejected) > MAX_ROWS:
        raise BulkFileError(
            [f"At most {MAX_ROWS} products per upload; this file has {len(rows) + len(rejected)}."]
        )
    return rows, rejected


def _row(record: dict, *, line: int) -> BulkRow:
    """A row that passed :func:`_problem`, its values normalised."""
    return BulkRow(
        line=line,
        name=record["name"].strip(),
        description=(record.get("description") or "").strip(),
        price=str(Decimal(record["price"].strip()).quantize(Decimal("0.01"))),
        stock=int(record["stock"].strip()),
        stock_by_size=(record.get("stock_by_size") or "").strip(),
        photo_name=PurePosixPath((record.get("photo") or "").strip()).name,
    )


def _rejected_row(record: dict, *, line: int, problem: str) -> RejectedRow:
    def text(column: str) -> str:
        value = record.get(column)
        return value.strip() if isinstance(value, str) else ""

    return RejectedRow(
        line=line, problem=problem, name=text("name")[:200], description=text("description"),
        price=text("price"), stock=text("stock"), stock_by_size=text("stock_by_size"),
        photo_name=PurePosixPath(text("photo")).name,
    )


def _problem(record: dict) -> str:
    if None in record:
        return "more fields than columns"
    name = (record.get("name") or "").strip()
    if not name:
        return "name is empty"
    if len(name) > 200:
        return "name is longer than 200 characters"
    try:
        price = Decimal((record.get("price") or "").strip())
    except InvalidOperation:
        return f"price {record.get('price')!r} is not a number"
    if not price.is_finite() or price < 0 or price > Decimal("10000000"):
        return "price must be between 0 and 10,000,000"
    stock = (record.get("stock") or "").strip()
    if not (stock.isascii() and stock.isdigit()) or int(stock) > 1_000_000:
        return f"stock {stock!r} is not a whole number"
    return ""


# ---------------------------------------------------------------------- photos


def read_photo_zip(*, upload) -> tuple[dict[str, bytes], list[str]]:
    """The usable photos of a ZIP by file name, and a problem per entry refused (by name).

    Raises :class:`BulkFileError` when the archive itself is unusable. Sizes are checked on
    what the archive declares and again on what is read, so a lying header gains nothing.
    """
    if upload.size > MAX_ZIP_BYTES:
        raise BulkFileError(
            [f"The ZIP is larger than {MAX_ZIP_BYTES // 2**20} MB; split it into several uploads."]
        )
    try:
        archive = zipfile.ZipFile(upload)
        entries = [e for e in archive.infolist() if not e.is_dir() and not _hidden(e.filename)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise BulkFileError(["The photos file is not a ZIP archive we can read."]) from None
    if len(entries) > MAX_ROWS:
        raise BulkFileError([f"At most {MAX_ROWS} photos per upload; this ZIP has {len(entries)}."])
    found, problems, unpacked = {}, [], 0
    with archive:
        for entry in entries:
            name = PurePosixPath(entry.filename).name
            problem = _entry_problem(entry, name, found)
            if not problem:
                try:
                    with archive.open(entry) as handle:
                        data = handle.read(MAX_UPLOAD_BYTES + 1)
                except (zipfile.BadZipFile, RuntimeError, OSError, NotImplementedError, EOFError):
                    problem = "damaged or encrypted in the ZIP"
                else:
                    unpacked += len(data)
                    problem = _photo_problem(data)
            if unpacked > MAX_UNPACKED_BYTES:
                raise BulkFileError([f"The ZIP unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB."])
            if problem:
                problems.append(f"{name}: {problem}")
            else:
                found[name] = data
    return found, problems


def _hidden(path: str) -> bool:
    """What archivers add beside the photos (macOS resource forks, dot files)."""
    parts = PurePosixPath(path).parts
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _entry_problem(entry: zipfile.ZipInfo, name: str, found: dict) -> str:
    if PurePosixPath(name).suffix.lower() not in PHOTO_SUFFIXES:
        return "not a photo (JPEG, PNG or WebP)"
    if name in found:
        return "a second photo of this name (photo names must be unique)"
    if entry.file_size > MAX_UPLOAD_BYTES:
        return f"larger than {MAX_UPLOAD_BYTES // 2**20} MB"
    if entry.compress_size and entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO:
        return "refused: it unpacks to far more than it packs (a compression bomb)"
    return ""


def _photo_problem(data: bytes) -> str:
    if len(data) > MAX_UPLOAD_BYTES:
        return f"larger than {MAX_UPLOAD_BYTES // 2**20} MB"
    try:
        categorize.clean_photo(ContentFile(data))
    except categorize.PhotoRefused as error:
        return str(error)
    return ""


def rows_from_photos(*, found: dict[str, bytes]) -> list[BulkRow]:
    """One draft per photo of a ZIP uploaded alone: named by its file name when that reads
    like a name (else from its categories, see categorize_rows), price left for the seller."""
    return [
        BulkRow(line=0, name=_name_from_file(name), description="", price="", stock=1, photo_name=name)
        for name in sorted(found)
    ]


def _name_from_file(name: str) -> str:
    words = NAME_WORD.findall(PurePosixPath(name).stem)
    if len(words) < 2 or words[0].lower() in CAMERA_PREFIXES:
        return ""
    return " ".join(words)[:200]


def attach_photos(*, rows: list[BulkRow], found: dict[str, bytes]) -> list[str]:
    """Match the CSV's photo column with the ZIP's photos; a problem per row or photo that does
    not match (the row is then listed without a photo)."""
    problems, used = [], set()
    for row in rows:
        if row.photo_name and row.photo_name not in found:
            problems.append(
                f"line {row.line}: no usable photo {row.photo_name} in the ZIP; listed without a photo"
            )
            row.photo_name = ""
        used.add(row.photo_name)
    unused = sorted(set(found) - used)
    if unused:
        problems.append(f"{len(unused)} photo(s) of the ZIP named by no row, left out: "
                        f"{', '.join(unused[:10])}")
    return problems


def stage_photos(*, rows: list[BulkRow], found: dict[str, bytes], seller_id: int) -> None:
    """Keep each row's photo, re-encoded, until the review table is published."""
    for row in rows:
        if row.photo_name in found:
            clean = normalise_product_photo(ContentFile(found[row.photo_name]))
            row.photo = default_storage.save(f"{STAGING_FOLDER}/{seller_id}/{uuid.uuid4().hex}.jpg", clean)
            row.photo_url = default_storage.url(row.photo)


def stage_photo(*, photo: ContentFile, seller_id: int) -> str:
    """Keep one re-encoded photo until it is saved (also a listing form sent back with errors:
    a browser cannot refill a file input); its storage name."""
    return default_storage.save(f"{STAGING_FOLDER}/{seller_id}/{uuid.uuid4().hex}.jpg", photo)


def staged_photo(*, name: str, seller_id: int) -> ContentFile | None:
    """A staged photo (only the seller's own), read back for publishing; None if gone."""
    own = name.startswith(f"{STAGING_FOLDER}/{seller_id}/") and ".." not in name
    if not own or not default_storage.exists(name):
        return None
    with default_storage.open(name) as handle:
        return ContentFile(handle.read(), name=f"{uuid.uuid4().hex}.jpg")


def unstage_photos(*, names: list[str]) -> None:
    for name in names:
        if name.startswith(f"{STAGING_FOLDER}/") and default_storage.exists(name):
            default_storage.delete(name)


def draft_rows(
    *, csv_upload=None, zip_upload=None, seller_id: int
) -> tuple[list[BulkRow], list[RejectedRow], list[str]]:
    """The review table's rows from a CSV, a ZIP of photos, or both, categorized, their photos
    staged; the CSV rows to fix (their photos staged too); and the photo problems (each by file
    name or CSV line: the rest still imports). Raises :class:`BulkFileError` for an unusable
    file, or when nothing is usable."""
    found, problems = read_photo_zip(upload=zip_upload) if zip_upload else ({}, [])
    rejected: list[RejectedRow] = []
    if csv_upload:
        rows, rejected = read_bulk_csv(upload=csv_upload)
        if zip_upload:
            problems += attach_photos(rows=[*rows, *rejected], found=found)
        elif any(row.photo_name for row in [*rows, *rejected]):
            problems.append("The CSV names photos but no ZIP of photos was uploaded: listed without photos.")
            for row in [*rows, *rejected]:
                row.photo_name = ""
    else:
        rows = rows_from_photos(found=found)
        if not rows:
            raise BulkFileError([*problems, "The ZIP has no usable photo."])
    if rows:
        categorize_rows(rows=rows, found=found)
    stage_photos(rows=[*rows, *rejected], found=found, seller_id=seller_id)
    return rows, rejected, problems


def fix_rejected_row(*, rejected: dict, posted: dict, seller_id: int) -> BulkRow | RejectedRow:
    """A row to fix, with the seller's new values: a review-table row (categorized, its staged
    photo kept) if they are now good, else the row to fix again with the new reason."""
    record = {column: str(posted.get(column) or "") for column in COLUMNS if column != "photo"}
    kept_photo = {key: rejected[key] for key in ("photo_name", "photo", "photo_url")}
    problem = _problem(record)
    if problem:
        return replace(_rejected_row(record, line=rejected["line"], problem=problem), **kept_photo)
    row = replace(_row(record, line=rejected["line"]), **kept_photo)
    photo = staged_photo(name=row.photo, seller_id=seller_id) if row.photo else None
    categorize_rows(rows=[row], found={row.photo_name: photo.read()} if photo else {})
    return row


# ---------------------------------------------------------------------- categorizing


def categorize_rows(*, rows: list[BulkRow], found: dict[str, bytes] | None = None) -> list[BulkRow]:
    """Categorize every row in one batch prediction, from its name, its photo, or both.

    A level the model is sure of (:data:`SURE_ENOUGH`) is filled in; a level it is not sure
    of is left empty, for the seller to choose from its suggestions, as on the listing form.
    Without a trained photo model, rows with a name are categorized from it and photo-only
    rows are left for the seller to fill in.
    """
    found = found or {}
    require(loaded(CATEGORIZER), "categorizer")
    with_photo = loaded(PHOTO_MODEL) is not None
    asked = [r for r in rows if r.name or (with_photo and r.photo_name in found)]
    images = [found.get(r.photo_name) if with_photo else None for r in asked]
    names, descriptions = [r.name for r in asked], [r.description for r in asked]
    predictions = categorize.predict(names=names, descriptions=descriptions, images=images) if asked else []
    for row, p in zip(asked, predictions, strict=True):
        row.master_category = p.label(MASTER)
        row.sub_category = p.label(SUB)
        for attribute, level in LEVEL_OF_FORM_FIELD.items():
            answer = p.levels[level]
            setattr(row, attribute, answer.label if answer.confidence >= SURE_ENOUGH else "")
            # Article types are named by their path, as the review table's choices know them.
            row.suggestions[attribute] = [
                [category_label(row.master_category, row.sub_category, label) if level == ARTICLE else label,
                 round(confidence, 3)]
                for label, confidence in answer.alternatives
            ]
        if not row.name:
            row.name = _name_from_prediction(p)
    for row in rows:
        if not row.name:  # no photo model: the file's own name, for the seller to rewrite
            row.name = PurePosixPath(row.photo_name).stem[:200] or "Untitled"
    return rows


def _name_from_prediction(p) -> str:
    """A draft's name from what its photo shows ("Women Black Heels"), for the seller to edit."""
    words = [p.label(level) for level in (GENDER, COLOUR) if p.levels[level].confidence >= SURE_ENOUGH]
    return " ".join([*words, p.label(ARTICLE)])


# ---------------------------------------------------------------------- review and publish


def review_suggestions(*, staged: list[dict], type_by_path: dict[str, int]) -> list[dict]:
    """Per staged row, the model's top 3 for each select it left empty (it was unsure of
    them), article types as the review table's ids."""
    return [
        {
            field: [(type_by_path.get(value) if field == "article_type" else value, confidence)
                    for value, confidence in top3]
            for field, top3 in row.get("suggestions", {}).items()
            if not row.get(field)
        }
        for row in staged
    ]


def review_initial(*, staged: list[dict], type_by_path: dict[str, int]) -> list[dict]:
    """The review table's first values: the staged rows, their article type as its id."""
    return [
        {
            **row,
            "article_type": type_by_path.get(
                category_label(row["master_category"], row["sub_category"], row["article_type"])
            ),
        }
        for row in staged
    ]


def reviewed_rows(*, reviewed: list[dict], staged: list[dict], seller_id: int) -> list[dict]:
    """The rows to publish: what the seller reviewed, with the photo staged for each row (never
    anything the posted table names)."""
    return [
        {**fields, "photo": staged_photo(name=row.get("photo", ""), seller_id=seller_id)}
        for fields, row in zip(reviewed, staged, strict=True)
    ]


def published_message(*, products: list, seller_verified: bool) -> str:
    """What the seller reads once the table is published."""
    if not seller_verified:
        return f"Saved {len(products)} products: they go live once you verify your email."
    drafts = sum(1 for product in products if not product.is_active)
    return f"Published {len(products)} products" + (
        f" ({drafts} drafts until they have a photo)." if drafts else "."
    )
