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


def words_match(terms: Sequence[Term], *, article_type_ids: Sequence[int] = ()) -> Q:
    """Products whose text contains any of the terms (in any of their spellings), or of one of
    ``article_type_ids``. Written as ``id IN (... UNION ...)`` so that the database starts from
    the few matching rows (index lookups) instead of checking every product of a gender."""
    forms = [form for term in terms for form in term.forms]
    parts: list[tuple[str, list]] = []
    if article_type_ids:
        marks = ", ".join(["%s"] * len(article_type_ids))
        by_type = f"SELECT id FROM main_product WHERE article_type_id IN ({marks})"
        parts.append((by_type, list(article_type_ids)))
    if forms and connection.vendor == "sqlite" and _has_fts_table():
        expression = " OR ".join('"' + form.replace('"', "") + '"' for form in forms)
        parts.append((f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression]))
    elif forms and connection.vendor == "postgresql":
        # The same expression as the GIN index, so that the planner uses it.
        query = " | ".join("(" + " <-> ".join(form.split()) + ")" for form in forms)
        parts.append((f"SELECT id FROM main_product WHERE to_tsvector('{TS_CONFIG}'::regconfig, search_text) "
                      f"@@ to_tsquery('{TS_CONFIG}'::regconfig, %s)", [query]))
    elif forms:
        like = Q()
        for form in forms:
            like |= Q(search_text__contains=f" {form} ")
        by_type = Q(article_type_id__in=list(article_type_ids)) if article_type_ids else Q(pk__in=[])
        return like | by_type
    if not parts:
        return Q(pk__in=[])
    sql = " UNION ".join(part for part, _params in parts)
    return Q(pk__in=RawSQL(sql, [param for _sql, params in parts for param in params]))


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
