"""A small made-up catalog for tests that must not depend on the dataset."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.catalog.demo import demo_price

_SYNTHETIC_TYPES = {
    # articleType: (masterCategory, subCategory, usage, genders)
    "Tshirts": ("Apparel", "Topwear", "Casual", ["Men", "Women"]),
    "Shirts": ("Apparel", "Topwear", "Formal", ["Men", "Women"]),
    "Tops": ("Apparel", "Topwear", "Casual", ["Women"]),
    "Jeans": ("Apparel", "Bottomwear", "Casual", ["Men", "Women"]),
    "Trousers": ("Apparel", "Bottomwear", "Formal", ["Men", "Women"]),
    "Dresses": ("Apparel", "Dress", "Casual", ["Women"]),
    "Casual Shoes": ("Footwear", "Shoes", "Casual", ["Men", "Women"]),
    "Formal Shoes": ("Footwear", "Shoes", "Formal", ["Men"]),
    "Heels": ("Footwear", "Shoes", "Casual", ["Women"]),
    "Belts": ("Accessories", "Belts", "Casual", ["Men", "Women"]),
    "Handbags": ("Accessories", "Bags", "Casual", ["Women"]),
    "Earrings": ("Accessories", "Jewellery", "Casual", ["Women"]),
    "Watches": ("Accessories", "Watches", "Casual", ["Men", "Women", "Unisex"]),
    "Backpacks": ("Accessories", "Bags", "Casual", ["Unisex"]),
}
_SYNTHETIC_COLOURS = [
    "Black",
    "White",
    "Blue",
    "Red",
    "Green",
    "Grey",
    "Pink",
    "Brown",
    "Navy Blue",
    "Yellow",
]
_SYNTHETIC_BRANDS = [
    "Aster",
    "Birch",
    "Cedar",
    "Dune",
    "Ember",
    "Fjord",
    "Grove",
    "Harbor",
    "Iris",
    "Juniper",
]
_SYNTHETIC_STYLES = ["Solid", "Printed", "Striped", "Slim", "Classic", "Urban", "Vintage", "Sport"]


def synthetic_catalog(n_products: int = 600, seed: int = 0) -> pd.DataFrame:
    """A made-up catalog in the shop's format (ids start at 1000), with some colour variants."""
    rng = np.random.default_rng(seed)
    rows = []
    types = list(_SYNTHETIC_TYPES)
    while len(rows) < n_products:
        article_type = types[rng.integers(len(types))]
        master, sub, usage, genders = _SYNTHETIC_TYPES[article_type]
        gender = genders[rng.integers(len(genders))]
        brand = _SYNTHETIC_BRANDS[rng.integers(len(_SYNTHETIC_BRANDS))]
        style = _SYNTHETIC_STYLES[rng.integers(len(_SYNTHETIC_STYLES))]
        model = f"{brand[:2].upper()}{rng.integers(100, 999)}"
        n_variants = 1 + (rng.random() < 0.2) * rng.integers(1, 4)  # some products come in colours
        for colour in rng.choice(_SYNTHETIC_COLOURS, size=n_variants, replace=False):
            product_id = 1000 + len(rows)
            rows.append(
                {
                    "id": product_id,
                    "name": f"{brand} {gender} {style} {model} {colour} {article_type}",
                    "description": "",
                    "gender": gender,
                    "masterCategory": master,
                    "subCategory": sub,
                    "articleType": article_type,
                    "baseColour": str(colour),
                    "usage": usage,
                    "season": ["Summer", "Winter", "Fall"][rng.integers(3)],
                    "price": float(demo_price(product_id, master)),
                }
            )
    return pd.DataFrame(rows[:n_products])
