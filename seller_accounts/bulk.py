"""Bulk listing: a seller's CSV (name, description, price, stock) → one review table → publish.

Nothing is half-imported: a file with any bad row is refused with every problem listed by
line, and publishing creates all the reviewed products in one transaction or none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from main.ml_bridge import LEVEL_OF_FORM_FIELD, SURE_ENOUGH, categorizer, require
from ml.catalog.schema import ARTICLE, MASTER, SUB, category_label

MAX_ROWS = 300
MAX_FILE_BYTES = 1024 * 1024
COLUMNS = ("name", "description", "price", "stock", "stock_by_size")
# The review table's fields that the categorizer fills, and the level of its answer for each.
LEVEL_OF_FIELD = LEVEL_OF_FORM_FIELD


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

    def as_dict(self) -> dict:
        return asdict(self)


class BulkFileError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_bulk_csv(*, upload) -> list[BulkRow]:
    """Read and check every row; raise :class:`BulkFileError` listing all problems by line."""
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
    rows, problems = [], []
    try:
        for record in reader:
            line = reader.line_num
            problem = _problem(record)
            if problem:
                problems.append(f"line {line}: {problem}")
                continue
            rows.append(
                BulkRow(
                    line=line,
                    name=record["name"].strip(),
                    description=(record.get("description") or "").strip(),
                    price=str(Decimal(record["price"].strip()).quantize(Decimal("0.01"))),
                    stock=int(record["stock"].strip()),
                    stock_by_size=(record.get("stock_by_size") or "").strip(),
                )
            )
    except csv.Error as error:
        problems.append(f"line {reader.line_num}: malformed CSV ({error})")
    if not rows and not problems:
        problems.append("The file has no product rows.")
    if len(rows) > MAX_ROWS:
        problems.append(f"At most {MAX_ROWS} products per upload; this file has {len(rows)}.")
    if problems:
        raise BulkFileError(problems)
    return rows


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


def categorize_rows(*, rows: list[BulkRow]) -> list[BulkRow]:
    """Categorize every row in one batch prediction.

    A level the model is sure of (:data:`SURE_ENOUGH`) is filled in; a level it is not sure
    of is left empty, for the seller to choose from its suggestions, as on the listing form.
    """
    model = require(categorizer(), "categorizer")
    predictions = model.predict([r.name for r in rows], [r.description for r in rows])
    for row, p in zip(rows, predictions, strict=True):
        row.master_category = p.label(MASTER)
        row.sub_category = p.label(SUB)
        for attribute, level in LEVEL_OF_FIELD.items():
            answer = p.levels[level]
            setattr(row, attribute, answer.label if answer.confidence >= SURE_ENOUGH else "")
            # Article types are named by their path, as the review table's choices know them.
            row.suggestions[attribute] = [
                [category_label(row.master_category, row.sub_category, label) if level == ARTICLE else label,
                 round(confidence, 3)]
                for label, confidence in answer.alternatives
            ]
    return rows
