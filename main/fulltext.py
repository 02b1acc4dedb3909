"""The database's own full-text search for the words of a query.

SQLite: the FTS5 table ``main_product_fts`` over ``search_text`` (rowid = product id, kept in
sync by triggers; migration ``0008``). PostgreSQL: ``to_tsvector('simple', search_text)``
with its GIN index. Any other database (SQL Server) matches with ``LIKE`` on
``search_text``, as before. Each answers a ``Q`` on products.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from ml.search.understand import Term

FTS_TABLE = "main_product_fts"
TS_CONFIG = "simple"  # search_text is already normalised: no stemming, no stop words


def words_match(terms: Sequence[Term]) -> Q:
    """Products whose text contains any of the terms (in any of their spellings)."""
    forms = [form for term in terms for form in term.forms]
    if not forms:
        return Q(pk__in=[])
    if connection.vendor == "sqlite" and _has_fts_table():
        expression = " OR ".join('"' + form.replace('"', "") + '"' for form in forms)
        return Q(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression]))
    if connection.vendor == "postgresql":
        # The same expression as the GIN index, so that the planner uses it.
        query = " | ".join("(" + " <-> ".join(form.split()) + ")" for form in forms)
        sql = (f"SELECT id FROM main_product WHERE to_tsvector('{TS_CONFIG}'::regconfig, search_text) "
               f"@@ to_tsquery('{TS_CONFIG}'::regconfig, %s)")
        return Q(pk__in=RawSQL(sql, [query]))
    match = Q()
    for form in forms:
        match |= Q(search_text__contains=f" {form} ")
    return match


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
