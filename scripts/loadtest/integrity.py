"""After the faults: is every order whole? Prints one JSON object.

Every Order must have at least one OrderItem and a total equal to the sum of its lines; no
product's stock may be negative. Run with the stack's environment.
"""

from __future__ import annotations

import json

import _django


def main() -> None:
    _django.setup()
    from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum

    from cart.models import Order
    from main.models import Product

    line = ExpressionWrapper(F("items__unit_price") * F("items__quantity"), output_field=DecimalField())
    orders = Order.objects.annotate(lines=Count("items"), lines_total=Sum(line))
    without_items = list(orders.filter(lines=0).values_list("pk", flat=True)[:20])
    wrong_total = list(
        orders.filter(lines__gt=0).filter(~Q(total=F("lines_total"))).values_list("pk", flat=True)[:20]
    )
    report = {
        "orders": Order.objects.count(),
        "orders_without_items": len(without_items),
        "orders_with_wrong_total": len(wrong_total),
        "examples": without_items[:5] + wrong_total[:5],
        "negative_stock": Product.objects.filter(stock__lt=0).count(),
    }
    report["ok"] = not (without_items or wrong_total or report["negative_stock"])
    print(json.dumps(report))


if __name__ == "__main__":
    main()
