"""An order's address takes the fields and names of a saved address (``PostalAddress``):
``address`` becomes ``line1`` and ``postal_code`` becomes ``pin_code`` (renamed columns, the
data stays), ``line2`` and ``state`` are new (empty for older orders)."""

from django.db import migrations, models

import accounts.validators


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="order", old_name="address", new_name="line1"),
        migrations.RenameField(model_name="order", old_name="postal_code", new_name="pin_code"),
        migrations.AlterField(
            model_name="order",
            name="line1",
            field=models.CharField(max_length=250, verbose_name="address line 1"),
        ),
        migrations.AlterField(
            model_name="order",
            name="pin_code",
            field=models.CharField(
                max_length=6, validators=[accounts.validators.validate_pin_code], verbose_name="PIN code"
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="line2",
            field=models.CharField(blank=True, max_length=250, verbose_name="address line 2"),
        ),
        migrations.AddField(
            model_name="order",
            name="state",
            field=models.CharField(default="", max_length=80),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="order",
            name="phone",
            field=models.CharField(
                help_text="10-digit mobile number.",
                max_length=10,
                validators=[accounts.validators.validate_indian_mobile],
            ),
        ),
    ]
