"""The database's own full-text search for the words of a query.

SQLite: the FTS5 table ``main_product_fts`` over ``search_text`` (rowid = product id, kept in
sync by triggers; migration ``0009``). PostgreSQL: ``to_tsvector('simple', search_text)``
with its GIN index. Any other database (SQL Server) matches with ``LIKE`` on
``search_text``. Each answers with product ids.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

FTS_TABLE = "main_product_fts"
TS_CONFIG = "simple"  # search_text is already normalised: no stemming, no stop words


def ids_with_words(forms: Sequence[str], *, prefix: bool = False) -> list[int]:
    """Ids of the products whose text contains any of ``forms`` as whole words (a form may be
    several words: "t shirt"), or, with ``prefix``, words starting with them. Unlisted products
    are among them: the catalog table keeps only the listed."""
    forms = [" ".join(form.replace('"', "").split()) for form in forms]
    forms = [form for form in forms if form]
    if not forms:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*words_sql(forms, prefix=prefix))
        return [row[0] for row in cursor.fetchall()]


def words_sql(forms: Sequence[str], *, prefix: bool = False) -> tuple[str, list[str]]:
    """The query :func:`ids_with_words` runs on this database, and its parameters."""
    if connection.vendor == "sqlite" and _has_fts_table():
        star = "*" if prefix else ""
        expression = " OR ".join(f'"{form}"{star}' for form in forms)
        return f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression]
    if connection.vendor == "postgresql":
        # The same expression as the GIN index, so that the planner uses it.
        star = ":*" if prefix else ""
        query = " | ".join(f"({' <-> '.join(_lexeme(w) for w in form.split())}{star})" for form in forms)
        return (f"SELECT id FROM main_product WHERE to_tsvector('{TS_CONFIG}'::regconfig, search_text) "
                f"@@ to_tsquery('{TS_CONFIG}'::regconfig, %s)", [query])
    like = " OR ".join(["search_text LIKE %s"] * len(forms))
    end = "%" if prefix else " %"
    return f"SELECT id FROM main_product WHERE {like}", [f"% {form}{end}" for form in forms]


def _lexeme(word: str) -> str:
    """A word quoted for ``to_tsquery`` (its operators and quotes are then plain characters)."""
    return "'" + word.replace("'", "''").replace("\\", "") + "'"


_fts_known: dict[str, bool] = {}


def _has_fts_table() -> bool:
    """Whether the FTS5 table exists (a database migrated before 0008 or built without it
    still searches, with ``LIKE``)."""
    name = str(connection.settings_dict["NAME"])
    if name not in _fts_known:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
            _fts_known[name] = cursor.fetchone() is not None
    return _fts_known[name]
