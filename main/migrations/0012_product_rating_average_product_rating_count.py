"""The product's rating (average and count of its visible reviews), kept by ``reviews``.

On SQLite, adding a NOT NULL column rebuilds ``main_product`` (copy, drop, rename), and
dropping the table drops the triggers that keep the full-text index in step (``0009``): they
are made again, and the index rebuilt, after the columns are added.
"""

import importlib

from django.db import migrations, models

FULLTEXT = importlib.import_module("main.migrations.0009_fulltext")


def fulltext_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL adds the columns in place: its indexes stay
    triggers = [s for s in FULLTEXT.SQLITE_BACKWARD if s.startswith("DROP TRIGGER")]
    created = [s for s in FULLTEXT.SQLITE_FORWARD if s.startswith("CREATE TRIGGER")]
    for statement in [*triggers, *created, "INSERT INTO main_product_fts(main_product_fts) VALUES ('rebuild')"]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('main', '0011_events_move_to_recommendations'),
    ]

    operations = [
        # Backwards the columns go first (the table rebuilt again): the triggers come back last.
        migrations.RunPython(migrations.RunPython.noop, fulltext_triggers_again),
        migrations.AddField(
            model_name='product',
            name='rating_average',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=3, null=True),
        ),
        migrations.AddField(
            model_name='product',
            name='rating_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fulltext_triggers_again, migrations.RunPython.noop),
    ]
