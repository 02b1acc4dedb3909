"""A trigram index for catalog search on PostgreSQL.

Search filters with ``search_text LIKE '% word%'`` (see ``main.search``). Without an index
PostgreSQL reads all 40k rows for every query (~10 ms); a GIN trigram index answers rare words
in well under a millisecond. SQLite and SQL Server have no such index and keep scanning,
which is fine at their scale of use (development, tests).
"""

from django.db import migrations, models

INDEX = "main_product_search_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a "trusted" extension since PostgreSQL 13: the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON main_product USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("main", "0003_visitor_key_help")]

    operations = [
        migrations.RunPython(create_trigram_index, drop_trigram_index),
        migrations.AlterField(
            model_name="productevent",
            name="session_key",
            field=models.CharField(
                blank=True, help_text='Anonymous visitor id (the signed "visitor" cookie).', max_length=40
            ),
        ),
    ]
