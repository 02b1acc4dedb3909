"""Reading the Fashion Product Images catalog (``styles.csv`` + ``images/``) for training.

One place knows the dataset's layout and how to split it, so every model is trained and
evaluated on the same rows. Rows come out in ``ml``'s layout (:mod:`ml.catalog.schema`):
the dataset's ``productDisplayName`` is ``name``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd

from ml.catalog.cleaning import not_product_like
from ml.catalog.schema import COLOUR, DATASET_NAME_COLUMN, ID, LEVELS, NAME, PATH_LEVELS, SEASON, USAGE, YEAR

# ../shared/fashion-dataset beside the checkout (this file is ml/catalog/dataset.py).
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "fashion-dataset"
# The columns of styles.csv that the models read (the file has no others today).
STYLE_COLUMNS = (ID, *LEVELS[:4], COLOUR, SEASON, YEAR, USAGE, DATASET_NAME_COLUMN)
HOLDOUT_FRACTION = 0.1  # the share of products kept aside for measuring, by id hash


def data_dir() -> Path:
    """The catalog folder: ``FASHION_DATA`` or ``../shared/fashion-dataset`` beside the checkout."""
    return Path(os.environ.get("FASHION_DATA") or DEFAULT_DATA_DIR)


def load_styles(path: Path | str | None = None) -> pd.DataFrame:
    """The usable rows of ``styles.csv`` as strings, ``id`` as int, the name as ``name``.

    Rows without an id, a name or a category path, and rows that are not product-like
    (:func:`ml.catalog.cleaning.not_product_like`) are dropped (the importer reports them);
    ``usage`` ``NA`` and empty seasons stay as empty strings.
    """
    folder = Path(path) if path is not None else data_dir()
    csv_path = folder / "styles.csv" if folder.is_dir() else folder
    frame = pd.read_csv(
        csv_path, dtype=str, keep_default_na=False, on_bad_lines="skip", encoding="utf-8"
    )
    frame = frame[[c for c in STYLE_COLUMNS if c in frame.columns]].copy()
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    frame = frame.rename(columns={DATASET_NAME_COLUMN: NAME})
    frame = frame[frame[ID].str.fullmatch(r"\d+")]
    frame = frame[(frame[[NAME, *PATH_LEVELS]] != "").all(axis=1)]
    rows = zip(frame[NAME], frame[list(PATH_LEVELS)].itertuples(index=False, name=None), strict=True)
    frame = frame[[not not_product_like(name, path) for name, path in rows]]
    frame[USAGE] = frame[USAGE].replace("NA", "")
    frame[ID] = frame[ID].astype(int)
    return frame.drop_duplicates(ID).reset_index(drop=True)


def is_holdout(product_id: int, fraction: float = HOLDOUT_FRACTION) -> bool:
    """Stable train/test assignment by a hash of the id (same answer on every machine)."""
    digest = hashlib.sha1(str(product_id).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < fraction


def train_test_split_by_id(
    frame: pd.DataFrame, fraction: float = HOLDOUT_FRACTION
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split rows into (train, test) by :func:`is_holdout` on their ``id``."""
    mask = frame[ID].map(lambda i: is_holdout(int(i), fraction))
    return frame[~mask].reset_index(drop=True), frame[mask].reset_index(drop=True)


def fingerprint(frame: pd.DataFrame) -> str:
    """A short hash of the rows a model was trained on, saved in its metadata."""
    hashed = pd.util.hash_pandas_object(frame, index=False).values
    return hashlib.sha256(hashed.tobytes()).hexdigest()[:16]
