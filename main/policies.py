"""What the shop promises every buyer on a product page: delivery and returns."""

DELIVERY_DAYS_MIN = 3
DELIVERY_DAYS_MAX = 7
FREE_DELIVERY_FROM_RUPEES = 499
RETURN_DAYS = 15

# Size charts by slug (``main.sizes.SIZE_CHARTS``): the body measurement of each size. The
# ranges are contiguous (one ends where the next starts; the smallest reads "up to", the
# largest "from"), so every measurement has a size; on a boundary, the larger one.
SIZE_CHARTS = {
    "apparel": (
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
    "kids-apparel": (
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
    "footwear": ("Foot length (cm)", [(f"UK {n}", f"{22.9 + 0.85 * (n - 5):.1f}") for n in range(5, 13)]),
    "kids-footwear": (
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
