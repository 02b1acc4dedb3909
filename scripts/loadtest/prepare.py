"""Load-test fixtures, written straight through the ORM (no management command needed).

Creates (or reuses) the load-test buyers ``loadtest-buyer-NN``, opens one logged-in session
for each (as the login form would: same session keys), empties their carts, and samples
products (with their sizes in stock) and search terms, and the shop's unit count (stock +
units in orders not cancelled), which the after-run check (integrity.py) expects unchanged.
Each buyer gets ``--reviewable`` products to review: delivered cash orders of products they
have not reviewed yet (made here, as a seller would have shipped them, one unit each), so
that the run's review writes are a verified buyer's.
Prints the JSON the locustfile reads. Run with the stack's environment (scripts/loadtest/run.py
does it): ``python scripts/loadtest/prepare.py --buyers 20 > var/loadtest/data.json``.
"""

from __future__ import annotations

import argparse
import json
import random

import _django

LOGIN_PASSWORD = "loadtest-pass-2026"
LOADTEST_ADDRESS = {"full_name": "Load Test", "line1": "1 Benchmark Road", "city": "Bengaluru",
                    "state": "Karnataka", "pin_code": "560001", "phone": "9876543210"}


def reviewable(*, buyer, candidates: list[tuple[int, int]], wanted: int, rng) -> list[int]:
    """``wanted`` products ``buyer`` received and has not reviewed: their earlier delivered
    orders first, then new delivered orders (``candidates``: (product pk, size pk) in stock)."""
    import uuid

    from django.utils import timezone

    from main.models import Product
    from orders.models import Order, OrderItem
    from reviews.models import Review

    reviewed = set(Review.objects.filter(author=buyer).values_list("product_id", flat=True))
    received = OrderItem.objects.filter(order__buyer=buyer, order__status=Order.Status.DELIVERED)
    ready = [pk for pk in dict.fromkeys(received.values_list("product_id", flat=True)) if pk not in reviewed]
    fresh = [c for c in candidates if c[0] not in reviewed and c[0] not in set(ready)]
    for product_pk, size_pk in rng.sample(fresh, max(0, min(wanted - len(ready), len(fresh)))):
        product = Product.objects.select_related("seller").get(pk=product_pk)
        now = timezone.now()
        order = Order.objects.create(
            buyer=buyer, seller=product.seller, checkout_token=uuid.uuid4(), total=product.price,
            status=Order.Status.DELIVERED, payment_status=Order.PaymentStatus.PAID,
            packed_at=now, shipped_at=now, delivered_at=now, tracking_number="LOADTEST", **LOADTEST_ADDRESS,
        )
        OrderItem.objects.create(order=order, product=product, size_id=size_pk, size_label="",
                                 product_name=product.name, unit_price=product.price, quantity=1)
        ready.append(product_pk)
    return ready[:wanted]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--buyers", type=int, default=20)
    parser.add_argument("--products", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reviewable", type=int, default=10, help="products each buyer may review")
    args = parser.parse_args()
    _django.setup()

    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from integrity import units_total

    from accounts.models import User
    from cart.models import CartItem
    from main.models import Gender, MasterCategory, Product, ProductSize

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # as the login view would
    rng = random.Random(args.seed)
    # One real hash shared by every load-test account: hashing is deliberately slow.
    password = make_password(LOGIN_PASSWORD)
    buyers = []
    for n in range(args.buyers):
        user, created = User.objects.get_or_create(
            username=f"loadtest-buyer-{n:02d}",
            defaults={"email": f"loadtest-buyer-{n:02d}@example.com", "role": User.Role.BUYER},
        )
        if created or not user.has_usable_password():
            user.password = password
            user.save(update_fields=["password"])
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        buyers.append({"username": user.username, "sessionid": session.session_key})

    # Every run starts with the load-test buyers' carts empty, as a run before may have left them.
    CartItem.objects.filter(cart__user__username__startswith="loadtest-buyer-").delete()
    in_stock = list(
        Product.objects.filter(is_active=True, stock__gt=0, dataset_id__isnull=False).values_list(
            "pk", "dataset_id", "name"
        )
    )
    sample = rng.sample(in_stock, min(args.products, len(in_stock)))
    sizes: dict[int, list[int]] = {}
    for size_pk, product_pk in ProductSize.objects.filter(
        product_id__in=[pk for pk, _, _ in sample], stock__gt=0
    ).values_list("pk", "product_id"):
        sizes.setdefault(product_pk, []).append(size_pk)
    candidates = [(pk, sizes[pk][0]) for pk, _, _ in sample if pk in sizes]
    for buyer in buyers:
        user = User.objects.get(username=buyer["username"])
        buyer["reviewable"] = reviewable(buyer=user, candidates=candidates, wanted=args.reviewable, rng=rng)
    words = sorted({w.lower() for _, _, name in sample for w in name.split() if w.isalpha() and len(w) > 3})
    data = {
        "buyers": buyers,
        "login": {"username": buyers[0]["username"] if buyers else "", "password": LOGIN_PASSWORD},
        "products": [
            {"pk": pk, "dataset_id": dataset_id, "sizes": sizes[pk]}
            for pk, dataset_id, _ in sample
            if pk in sizes
        ],
        "units_total": units_total(),
        "names": [name for _, _, name in sample[:500]],
        "search_words": rng.sample(words, min(300, len(words))),
        "genders": list(Gender.objects.values_list("pk", flat=True)),
        "masters": list(MasterCategory.objects.values_list("pk", flat=True)),
    }
    print(json.dumps(data))


if __name__ == "__main__":
    main()
