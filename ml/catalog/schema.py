"""The product attributes the models read and predict, and the one frame layout of ``ml``.

Every DataFrame that crosses ``ml``'s boundary has the columns of :data:`FRAME_COLUMNS`
(a missing one is filled in by :func:`ml.catalog.cleaning.clean_catalog`). Adding an
attribute is one edit here, plus the model that predicts it.
"""

from __future__ import annotations

ID = "id"
NAME = "name"
DESCRIPTION = "description"
GENDER = "gender"
MASTER = "masterCategory"
SUB = "subCategory"
ARTICLE = "articleType"
COLOUR = "baseColour"
USAGE = "usage"
SEASON = "season"
YEAR = "year"
PRICE = "price"

# What the categorizer predicts, in order: the taxonomy path (with gender), then the flat ones.
LEVELS = (GENDER, MASTER, SUB, ARTICLE, COLOUR, USAGE)
PATH_LEVELS = (GENDER, MASTER, SUB, ARTICLE)
FLAT_LEVELS = (COLOUR, USAGE)
# Attributes the recommenders compare products by (the levels, plus the season).
ATTRIBUTES = (*LEVELS, SEASON)
TEXT_COLUMNS = (NAME, DESCRIPTION)
FRAME_COLUMNS = (ID, *TEXT_COLUMNS, *LEVELS, SEASON, PRICE)

# The dataset's own name for the product name column (styles.csv).
DATASET_NAME_COLUMN = "productDisplayName"

UNISEX = "Unisex"


def genders_compatible(query_gender: str, gender: str) -> bool:
    """Whether a product of ``gender`` suits someone shopping for ``query_gender``: the same
    gender, Unisex on either side, or no gender asked for."""
    return gender == query_gender or UNISEX in (gender, query_gender) or not query_gender


def category_label(master: str, sub: str, article: str) -> str:
    """The taxonomy path as people read it: "Apparel / Topwear / Tshirts"."""
    return f"{master} / {sub} / {article}"
