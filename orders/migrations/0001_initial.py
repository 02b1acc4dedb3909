"""Order and OrderItem move here from ``cart``: only Django's idea of them changes; their
tables (``cart_order``, ``cart_orderitem``) and every row stay where they are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ORDER_STATUSES = [
    ("placed", "Placed"),
    ("packed", "Packed"),
    ("shipped", "Shipped"),
    ("delivered", "Delivered"),
    ("cancelled", "Cancelled"),
]
PAYMENT_STATUSES = [("pending", "Pending"), ("paid", "Paid"), ("failed", "Failed"), ("refunded", "Refunded")]


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cart", "0002_sizes_payments_wishlist"),
        ("main", "0005_product_sizes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("checkout_token", models.UUIDField(db_index=True)),
                ("status", models.CharField(choices=ORDER_STATUSES, default="placed", max_length=12)),
                ("payment_status", models.CharField(choices=PAYMENT_STATUSES, default="pending", max_length=12)),
                (
                    "payment_method",
                    models.CharField(choices=[("cod", "Cash on delivery"), ("card", "Card")], default="cod",
                                     max_length=8),
                ),
                ("total", models.DecimalField(decimal_places=2, max_digits=12)),
                ("tracking_number", models.CharField(blank=True, max_length=40)),
                ("full_name", models.CharField(max_length=120)),
                ("address", models.CharField(max_length=250)),
                ("city", models.CharField(max_length=80)),
                ("postal_code", models.CharField(max_length=20)),
                ("country", models.CharField(default="India", max_length=60)),
                ("phone", models.CharField(blank=True, max_length=10)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("packed_at", models.DateTimeField(blank=True, null=True)),
                ("shipped_at", models.DateTimeField(blank=True, null=True)),
                ("delivered_at", models.DateTimeField(blank=True, null=True)),
                ("cancelled_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "buyer",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="orders",
                                      to=settings.AUTH_USER_MODEL),
                ),
                (
                    "seller",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="sales",
                                      to=settings.AUTH_USER_MODEL),
                ),
            ],
            options={
                "db_table": "cart_order",
                "ordering": ["-created_at"],
                "indexes": [models.Index(fields=["seller", "status"], name="cart_order_seller__0cb8e0_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("checkout_token", "seller"), name="one_order_per_seller_per_checkout"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="OrderItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("size_label", models.CharField(default="", max_length=20)),
                ("product_name", models.CharField(max_length=200)),
                ("unit_price", models.DecimalField(decimal_places=2, max_digits=10)),
                ("quantity", models.PositiveIntegerField()),
                (
                    "order",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="items",
                                      to="orders.order"),
                ),
                (
                    "product",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                      to="main.product"),
                ),
                (
                    "size",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                      to="main.productsize"),
                ),
            ],
            options={"db_table": "cart_orderitem"},
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[])]
