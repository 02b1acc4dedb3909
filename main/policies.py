"""What the shop promises every buyer on a product page: delivery and returns."""

DELIVERY_DAYS_MIN = 3
DELIVERY_DAYS_MAX = 7
FREE_DELIVERY_FROM_RUPEES = 499
RETURN_DAYS = 15
