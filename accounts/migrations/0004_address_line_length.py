"""An address line holds 250 characters, as an order's address always did: both now share one
definition (``accounts.models.PostalAddress``). Widening keeps every row."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_verification_payout_sessions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="address",
            name="line1",
            field=models.CharField(max_length=250, verbose_name="address line 1"),
        ),
        migrations.AlterField(
            model_name="address",
            name="line2",
            field=models.CharField(blank=True, max_length=250, verbose_name="address line 2"),
        ),
    ]
