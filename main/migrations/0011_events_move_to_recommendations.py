"""ProductEvent and ProductNeighbours now belong to ``recommendations`` (its ``0001`` takes them
over with their tables): main only forgets them. No table is dropped, no row touched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("main", "0010_brands_relearn"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ProductEvent"),
                migrations.DeleteModel(name="ProductNeighbours"),
            ],
        ),
    ]
