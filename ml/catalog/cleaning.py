"""Product rows in the one layout of :data:`ml.catalog.schema.FRAME_COLUMNS`, cleaned."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ml.catalog.demo import demo_price
from ml.catalog.schema import DATASET_NAME_COLUMN, DESCRIPTION, FRAME_COLUMNS, ID, MASTER, PRICE, USAGE, YEAR

_TEXT_COLUMNS = [column for column in FRAME_COLUMNS if column not in (ID, PRICE)]
# Column names of the catalog's files, lower-cased: a value equal to one is a header cell
# that slipped into the data, not a product.
COLUMN_NAMES = frozenset(c.lower() for c in (*FRAME_COLUMNS, DATASET_NAME_COLUMN, YEAR))


def not_product_like(name: str, values: Iterable[str] = (), columns: Iterable[str] = ()) -> str:
    """Why a row is not a product ('' if it looks like one), from its name and its other values.

    The catalog has a product named "productDisplayName" (styles.csv line 19693, filed as
    Heels): a column's name where the product's name belongs. Such a row passes every
    field check (all columns filled, valid id), so it is caught here: a name or a category
    that is a column name (the catalog's, or the file's own ``columns``), or a name with no
    letter at all.
    """
    headers = COLUMN_NAMES | {c.strip().lower() for c in columns}
    if name.strip().lower() in headers:
        return f"not a product: its name {name.strip()[:40]!r} is a column name"
    for value in values:
        if value.strip().lower() in headers:
            return f"not a product: its category {value.strip()[:40]!r} is a column name"
    if not any(char.isalpha() for char in name):
        return f"not a product: its name {name.strip()[:40]!r} has no letters"
    return ""


def catalog_from_styles(styles: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`ml.catalog.dataset.load_styles` priced as the shop prices them (no
    description), for evaluation and tests."""
    catalog = styles.assign(
        **{
            DESCRIPTION: "",
            PRICE: [float(demo_price(int(i), m)) for i, m in zip(styles[ID], styles[MASTER], strict=True)],
        }
    )
    return catalog[list(FRAME_COLUMNS)].reset_index(drop=True)


def clean_catalog(catalog: pd.DataFrame) -> pd.DataFrame:
    """Columns we need, as stripped strings (missing text becomes ``''``), ids as int64.

    Plain Python per value: a single product row is cleaned in microseconds, not in the
    milliseconds that a dozen pandas string operations would cost.
    """
    n = len(catalog)
    data: dict[str, object] = {ID: pd.to_numeric(catalog[ID]).to_numpy(np.int64)}
    for column in _TEXT_COLUMNS:
        values = catalog[column].tolist() if column in catalog.columns else [""] * n
        data[column] = [_clean_text(v) for v in values]
    data[USAGE] = ["" if v == "NA" else v for v in data[USAGE]]  # type: ignore[union-attr]
    prices = catalog[PRICE] if PRICE in catalog.columns else pd.Series(np.nan, index=catalog.index)
    data[PRICE] = pd.to_numeric(prices, errors="coerce").to_numpy(float)
    return pd.DataFrame(data)[list(FRAME_COLUMNS)]


def _clean_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()
