"""Search on PostgreSQL: the query's words are found through the GIN-indexed tsvector, and
finds what SQLite's FTS5 and plain LIKE find."""

from __future__ import annotations

import pytest
from django.db import connection

from main.models import Product
from search.forms import CatalogFilterForm
from search.fulltext import ids_with_words, words_sql
from search.listing import search_ids

pytestmark = [pytest.mark.postgres]


def ids(q: str) -> list[int]:
    return search_ids(filters=CatalogFilterForm({"q": q}).filters())


def _like(forms: list[str]) -> set[int]:
    products = Product.objects.none()
    for form in forms:
        products = products | Product.objects.filter(search_text__contains=f" {form} ")
    return set(products.values_list("pk", flat=True))


def test_the_search_indexes_exist(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'main_product'")
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() is not None
    assert {"main_product_search_tsv", "main_product_search_trgm"} <= names


def test_full_text_finds_what_like_finds(catalog):
    assert connection.vendor == "postgresql"
    for forms in (["tshirt"], ["watch"], ["flip flop", "flipflop"], ["casual shoe"]):
        assert set(ids_with_words(forms)) == _like(forms), forms
    assert _like(["tshirt"]), "the fixture catalog has T-shirts"


def test_the_full_text_condition_uses_the_gin_index(catalog):
    sql, params = words_sql(["tshirt"])
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a 300-row table: force the planner's hand
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "main_product_search_tsv" in plan, plan


def test_a_search_reads_typos_and_spacing_on_postgres(catalog, trained_models):
    tshirts = ids("tshirts")
    assert tshirts and ids("t shirts") == tshirts
    watches = Product.objects.filter(pk__in=ids("wacthes")[:5])
    assert watches and set(watches.values_list("article_type__name", flat=True)) == {"Watches"}
    # A query read as nothing lists nothing (the page offers popular products apart, labelled).
    assert ids("zzqxv") == []
