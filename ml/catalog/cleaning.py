"""Product rows in the one layout of :data:`ml.catalog.schema.FRAME_COLUMNS`, cleaned."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.catalog.demo import demo_price
from ml.catalog.schema import DESCRIPTION, FRAME_COLUMNS, ID, MASTER, PRICE, USAGE

_TEXT_COLUMNS = [column for column in FRAME_COLUMNS if column not in (ID, PRICE)]


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
