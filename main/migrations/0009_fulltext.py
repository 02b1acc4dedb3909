"""The database's own full-text index over ``Product.search_text`` (see ``search.fulltext``).

SQLite: an FTS5 table whose rowid is the product id, kept in sync by triggers whatever
writes the product (``save``, ``bulk_create``, ``bulk_update``, raw SQL). PostgreSQL: a GIN
index on ``to_tsvector('simple', search_text)`` and the ``pg_trgm`` extension with a trigram
index for similar words. Any other database gets nothing: search falls back to ``LIKE``.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE main_product_fts USING fts5("
    "search_text, content='main_product', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER main_product_fts_insert AFTER INSERT ON main_product BEGIN "
    "INSERT INTO main_product_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER main_product_fts_delete AFTER DELETE ON main_product BEGIN "
    "INSERT INTO main_product_fts(main_product_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER main_product_fts_update AFTER UPDATE OF search_text ON main_product BEGIN "
    "INSERT INTO main_product_fts(main_product_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO main_product_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO main_product_fts(main_product_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS main_product_fts_insert",
    "DROP TRIGGER IF EXISTS main_product_fts_delete",
    "DROP TRIGGER IF EXISTS main_product_fts_update",
    "DROP TABLE IF EXISTS main_product_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS main_product_search_tsv ON main_product "
    "USING GIN (to_tsvector('simple'::regconfig, search_text))",
    "CREATE INDEX IF NOT EXISTS main_product_search_trgm ON main_product "
    "USING GIN (search_text gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS main_product_search_tsv",
    "DROP INDEX IF EXISTS main_product_search_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("main", "0008_product_brand")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
