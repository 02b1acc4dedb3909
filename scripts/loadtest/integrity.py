"""After the run and its faults: do orders, lines, totals, stock and payments agree? Prints
one JSON object; ``ok`` is false if anything disagrees.

- every Order has at least one line and a total equal to the sum of its lines;
- every line's size is a size of its product;
- no size's stock is negative, and each product's stock is the sum of its sizes';
- no unit was created or lost: stock + units in orders not cancelled is what it was when
  ``prepare.py`` counted it (``--data`` names its JSON; seller edits would change it);
- payments: a paid card order has a succeeded payment for its checkout, whose amount is the
  checkout's card orders' total; a cancelled card order with a succeeded payment is refunded;
  no cash order is refunded and no cancelled order stays paid;
- reviews: every review is a verified buyer's (a delivered order of the product), and every
  product's rating (average and count, kept on the product) is its visible reviews'.

Run with the stack's environment.
"""

from __future__ import annotations

import argparse
import json

import _django

EXAMPLES = 5


def units_total() -> int:
    """Units the shop holds: every size's stock plus the units of orders not cancelled."""
    from django.db.models import Sum

    from main.models import ProductSize
    from orders.models import Order, OrderItem

    stock = ProductSize.objects.aggregate(n=Sum("stock"))["n"] or 0
    sold = OrderItem.objects.exclude(order__status=Order.Status.CANCELLED).aggregate(n=Sum("quantity"))["n"]
    return stock + (sold or 0)


def _ids(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True)[: EXAMPLES * 4])


def check(*, expected_units: int | None) -> dict:
    from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum

    from main.models import Product, ProductSize
    from orders.models import Order, OrderItem
    from payments.models import Payment

    line = ExpressionWrapper(F("items__unit_price") * F("items__quantity"), output_field=DecimalField())
    orders = Order.objects.annotate(lines=Count("items"), lines_total=Sum(line))
    sizes_total = (
        ProductSize.objects.filter(product=OuterRef("pk")).values("product").annotate(n=Sum("stock"))
    )
    card = Order.objects.filter(payment_method=Order.PaymentMethod.CARD)
    succeeded = Payment.objects.filter(status=Payment.Status.SUCCEEDED)
    paid_without_payment = card.filter(payment_status=Order.PaymentStatus.PAID).exclude(
        checkout_token__in=succeeded.values("checkout_token")
    )
    unrefunded = card.filter(
        status=Order.Status.CANCELLED,
        checkout_token__in=succeeded.values("checkout_token"),
    ).exclude(payment_status=Order.PaymentStatus.REFUNDED)
    wrong_amount = [
        p.pk
        for p in succeeded
        if p.amount
        != (
            card.filter(checkout_token=p.checkout_token, buyer_id=p.buyer_id).aggregate(t=Sum("total"))["t"]
            or 0
        )
    ][: EXAMPLES * 4]
    problems = {
        "orders_without_items": _ids(orders.filter(lines=0)),
        "orders_with_wrong_total": _ids(orders.filter(lines__gt=0).filter(~Q(total=F("lines_total")))),
        "lines_of_another_products_size": _ids(OrderItem.objects.exclude(size__product=F("product"))),
        "negative_stock": _ids(ProductSize.objects.filter(stock__lt=0))
        + _ids(Product.objects.filter(stock__lt=0)),
        "products_whose_stock_is_not_their_sizes": _ids(
            Product.objects.annotate(by_size=Subquery(sizes_total.values("n"))).exclude(stock=F("by_size"))
        ),
        "card_orders_paid_without_a_payment": _ids(paid_without_payment),
        "payments_whose_amount_is_not_their_orders": wrong_amount,
        "cancelled_card_orders_not_refunded": _ids(unrefunded),
        "cash_orders_refunded": _ids(
            Order.objects.filter(
                payment_method=Order.PaymentMethod.COD, payment_status=Order.PaymentStatus.REFUNDED
            )
        ),
        "cancelled_orders_still_paid": _ids(
            Order.objects.filter(status=Order.Status.CANCELLED, payment_status=Order.PaymentStatus.PAID)
        ),
    }
    problems.update(review_problems())
    units = units_total()
    report = {
        "orders": Order.objects.count(),
        "card_orders": card.count(),
        "payments": Payment.objects.count(),
        "units": units,
        "units_expected": expected_units,
        **{name: len(ids) for name, ids in problems.items()},
        "examples": {name: ids[:EXAMPLES] for name, ids in problems.items() if ids},
    }
    report["units_lost_or_created"] = 0 if expected_units is None else units - expected_units
    report["ok"] = not any(problems.values()) and report["units_lost_or_created"] == 0
    return report


def review_problems() -> dict[str, list[int]]:
    from decimal import ROUND_HALF_UP, Decimal

    from django.db.models import Count, Exists, OuterRef, Q, Sum

    from main.models import Product
    from orders.models import Order, OrderItem
    from reviews.models import Review

    delivered = OrderItem.objects.filter(
        order__buyer=OuterRef("author"), product=OuterRef("product"), order__status=Order.Status.DELIVERED
    )
    visible = Q(hidden=False)
    counted = Review.objects.values("product").annotate(
        n=Count("id", filter=visible), stars=Sum("rating", filter=visible))
    found = {row["product"]: (row["n"], row["stars"] or 0) for row in counted}
    wrong = []
    for pk, average, count in Product.objects.filter(
        Q(rating_count__gt=0) | Q(pk__in=list(found))
    ).values_list("pk", "rating_average", "rating_count"):
        n, stars = found.get(pk, (0, 0))
        expected = (Decimal(stars) / n).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if n else None
        if count != n or average != expected:
            wrong.append(pk)
    return {
        "reviews_without_a_delivered_order": _ids(Review.objects.filter(~Exists(delivered))),
        "products_whose_rating_is_not_their_reviews": wrong[: EXAMPLES * 4],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", help="prepare.py's JSON, for the unit count before the run")
    args = parser.parse_args()
    _django.setup()
    expected = None
    if args.data:
        with open(args.data) as handle:
            expected = json.load(handle).get("units_total")
    print(json.dumps(check(expected_units=expected)))


if __name__ == "__main__":
    main()
