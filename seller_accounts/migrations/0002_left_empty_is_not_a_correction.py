"""Records saved before the fix flagged a level the seller left empty (or the model left
empty) as corrected; only a value the seller changed is a correction. Clears those flags."""

from django.db import migrations

LEVELS = ("gender", "sub_category", "article_type", "base_colour", "usage")


def clear_empty_corrections(apps, schema_editor):
    ListingCategorization = apps.get_model("seller_accounts", "ListingCategorization")
    for level in LEVELS:
        for side in ("predicted", "chosen"):
            ListingCategorization.objects.filter(**{f"{side}_{level}": "", f"{level}_corrected": True}).update(
                **{f"{level}_corrected": False}
            )


class Migration(migrations.Migration):
    dependencies = [("seller_accounts", "0001_initial")]

    operations = [migrations.RunPython(clear_empty_corrections, migrations.RunPython.noop)]
