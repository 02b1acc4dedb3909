"""Payment and WebhookEvent move here from ``cart``: only Django's idea of them changes;
their tables (``cart_payment``, ``cart_webhookevent``) and every row stay where they are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cart", "0002_sizes_payments_wishlist"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="Payment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("checkout_token", models.UUIDField(db_index=True)),
                ("provider", models.CharField(max_length=30)),
                ("reference", models.CharField(max_length=64, unique=True)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=12)),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "Pending"), ("succeeded", "Succeeded"), ("failed", "Failed"),
                                 ("refunded", "Refunded")],
                        default="pending",
                        max_length=12,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "buyer",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="payments",
                                      to=settings.AUTH_USER_MODEL),
                ),
            ],
            options={"db_table": "cart_payment", "ordering": ["-created_at"]},
        ),
        migrations.CreateModel(
            name="WebhookEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("event_id", models.CharField(max_length=64, unique=True)),
                ("kind", models.CharField(max_length=40)),
                ("received_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"db_table": "cart_webhookevent"},
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[])]
