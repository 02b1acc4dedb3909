"""What the shop promises every buyer on a product page: delivery and returns."""

DELIVERY_DAYS_MIN = 3
DELIVERY_DAYS_MAX = 7
FREE_DELIVERY_FROM_RUPEES = 499
RETURN_DAYS = 15

# Size charts by slug (``main.sizes.SIZE_CHARTS``): the body measurement of each size.
SIZE_CHARTS = {
    "apparel": (
        "Chest (cm)",
        [
            ("XS", "81-86"),
            ("S", "86-91"),
            ("M", "96-101"),
            ("L", "106-111"),
            ("XL", "116-121"),
            ("XXL", "126-131"),
        ],
    ),
    "kids-apparel": (
        "Height (cm)",
        [
            ("2-3Y", "92-98"),
            ("3-4Y", "98-104"),
            ("4-5Y", "104-110"),
            ("5-6Y", "110-116"),
            ("7-8Y", "122-128"),
            ("9-10Y", "134-140"),
            ("11-12Y", "146-152"),
            ("13-14Y", "158-164"),
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
