"""Which sizes a product comes in: the one place that maps an article type to its size scale.

A listing is sold per size (``main.models.ProductSize``), each with its own stock. The scale
follows from what the product is: apparel XS–XXL, footwear UK 5–12, one size for
accessories, personal care and the few garments sold unsized (sarees, dupattas...); kids'
apparel by age, kids' footwear in kids' UK sizes. Pure Python: the import, the listing form,
the bulk CSV and the data migration all ask here.
"""

from __future__ import annotations

from dataclasses import dataclass

ONE_SIZE = "One size"
APPAREL = ("XS", "S", "M", "L", "XL", "XXL")
KIDS_APPAREL = ("2-3Y", "3-4Y", "4-5Y", "5-6Y", "7-8Y", "9-10Y", "11-12Y", "13-14Y")
FOOTWEAR = tuple(f"UK {n}" for n in range(5, 13))
KIDS_FOOTWEAR = ("UK 10K", "UK 11K", "UK 12K", "UK 13K", "UK 1", "UK 2", "UK 3", "UK 4")

KIDS_GENDERS = frozenset({"Boys", "Girls"})
# Garments of the Apparel master category that are sold unsized.
UNSIZED_APPAREL = frozenset(
    {"Sarees", "Dupatta", "Salwar and Dupatta", "Stockings", "Belts", "Suspenders", "Booties"}
)

# Demo catalog: about one size in OUT_OF_STOCK_EVERY of a sized product is sold out.
OUT_OF_STOCK_EVERY = 5

@dataclass(frozen=True)
class SizeChart:
    """A scale's size chart: the body measurement of each size (its page is ``main:size_chart``)."""

    scale: tuple[str, ...]
    measure: str
    rows: list[tuple[str, str]]


# The size charts by slug; the product page links the one of its product's scale. The ranges are
# contiguous (one ends where the next starts; the smallest reads "up to", the largest "from"), so
# every measurement has a size; on a boundary, the larger one.
SIZE_CHARTS = {
    "apparel": SizeChart(
        APPAREL,
        "Chest (cm)",
        [
            ("XS", "up to 86"),
            ("S", "86-96"),
            ("M", "96-106"),
            ("L", "106-116"),
            ("XL", "116-126"),
            ("XXL", "from 126"),
        ],
    ),
    "kids-apparel": SizeChart(
        KIDS_APPAREL,
        "Height (cm)",
        [
            ("2-3Y", "up to 98"),
            ("3-4Y", "98-104"),
            ("4-5Y", "104-110"),
            ("5-6Y", "110-116"),
            ("7-8Y", "116-128"),  # no 6-7Y in the scale: a growing child takes the larger
            ("9-10Y", "128-140"),
            ("11-12Y", "140-152"),
            ("13-14Y", "from 152"),
        ],
    ),
    "footwear": SizeChart(
        FOOTWEAR, "Foot length (cm)", [(f"UK {n}", f"{22.9 + 0.85 * (n - 5):.1f}") for n in range(5, 13)]
    ),
    "kids-footwear": SizeChart(
        KIDS_FOOTWEAR,
        "Foot length (cm)",
        [
            ("UK 10K", "17.1"),
            ("UK 11K", "18.0"),
            ("UK 12K", "18.8"),
            ("UK 13K", "19.7"),
            ("UK 1", "20.5"),
            ("UK 2", "21.4"),
            ("UK 3", "22.2"),
            ("UK 4", "23.0"),
        ],
    ),
}
_SLUG_OF_SCALE = {chart.scale: slug for slug, chart in SIZE_CHARTS.items()}


def size_scale(*, master_category: str, article_type: str, gender: str) -> tuple[str, ...]:
    """The sizes a product of this article type and gender is sold in, smallest first."""
    kids = gender in KIDS_GENDERS
    if master_category == "Apparel" and article_type not in UNSIZED_APPAREL:
        return KIDS_APPAREL if kids else APPAREL
    if master_category == "Footwear":
        return KIDS_FOOTWEAR if kids else FOOTWEAR
    return (ONE_SIZE,)


def size_chart(*, sizes: tuple[str, ...]) -> str:
    """The size chart's slug for a scale ("" for one size: nothing to measure)."""
    return _SLUG_OF_SCALE.get(tuple(sizes), "")


def split_stock(*, total: int, sizes: tuple[str, ...], seed: int | None = None) -> dict[str, int]:
    """Spread ``total`` units over ``sizes``; the sum is always ``total``.

    With a ``seed`` (the demo catalog's dataset id, or a pk in the data migration) size ``i``
    is sold out when ``(seed + i) % OUT_OF_STOCK_EVERY == 0`` (never every size of a product);
    the others share the total evenly, the remainder going to the smallest sizes.
    """
    stocked = [i for i in range(len(sizes)) if seed is None or (seed + i) % OUT_OF_STOCK_EVERY != 0] or list(
        range(len(sizes))
    )
    share, remainder = divmod(total, len(stocked))
    stock = dict.fromkeys(sizes, 0)
    for rank, i in enumerate(stocked):
        stock[sizes[i]] = share + (1 if rank < remainder else 0)
    return stock


def parse_stock_by_size(*, text: str, sizes: tuple[str, ...]) -> dict[str, int]:
    """Read "S:3;M:5" for this scale (sizes not named: 0), or a bare total spread evenly over
    the sizes; raise ValueError saying what is wrong. The listing form and the bulk CSV use it."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        return split_stock(total=int(text), sizes=sizes)
    stock: dict[str, int] = dict.fromkeys(sizes, 0)
    for part in filter(None, (p.strip() for p in text.split(";"))):
        size, sep, count = part.rpartition(":")
        size, count = size.strip(), count.strip()
        if not sep or size not in sizes:
            raise ValueError(f"size {size or part!r} is not one of {', '.join(sizes)}")
        if not (count.isascii() and count.isdigit()):
            raise ValueError(f"stock {count!r} of size {size} is not a whole number")
        stock[size] = int(count)
    return stock


def format_stock_by_size(stock: dict[str, int]) -> str:
    """The inverse of :func:`parse_stock_by_size`: "S:3;M:5" (a one-size product: its count)."""
    if list(stock) == [ONE_SIZE]:
        return str(stock[ONE_SIZE])
    return ";".join(f"{size}:{count}" for size, count in stock.items())
