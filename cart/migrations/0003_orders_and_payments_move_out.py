"""Order, OrderItem, Payment and WebhookEvent now belong to ``orders`` and ``payments``
(their 0001 migrations): ``cart`` forgets them, their tables and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cart", "0002_sizes_payments_wishlist"),
        ("orders", "0001_initial"),
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="OrderItem"),
                migrations.DeleteModel(name="Order"),
                migrations.DeleteModel(name="Payment"),
                migrations.DeleteModel(name="WebhookEvent"),
            ],
            database_operations=[],
        )
    ]
