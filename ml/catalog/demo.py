"""The demo shop's made-up commerce data, derived from the dataset id.

The dataset has no prices or stock, so they are derived from the id: every machine gets
the same shop, and offline evaluation prices products exactly as the shop does.
"""

from __future__ import annotations

# Base price of a master category, in rupees; other masters cost DEFAULT_BASE_PRICE.
BASE_PRICES = {"Apparel": 299, "Footwear": 799, "Accessories": 399, "Personal Care": 199}
DEFAULT_BASE_PRICE = 249
PRICE_STEP = 50  # rupees between the price points of one master category
PRICE_POINTS = 40  # price points per master category
PRICE_MULTIPLIER = 7919  # a prime: spreads neighbouring ids over the price points
STOCK_LEVELS = 50  # stock runs 0..49 (about 2% of products sold out)
STOCK_MULTIPLIER = 31


def demo_price(product_id: int, master_category: str) -> int:
    """Rupees: the master category's base + PRICE_STEP x ((id x 7919) mod PRICE_POINTS)."""
    base = BASE_PRICES.get(master_category, DEFAULT_BASE_PRICE)
    return base + PRICE_STEP * ((product_id * PRICE_MULTIPLIER) % PRICE_POINTS)


def demo_stock(product_id: int) -> int:
    """Units in stock: (id x 31) mod STOCK_LEVELS."""
    return (product_id * STOCK_MULTIPLIER) % STOCK_LEVELS
