"""The shop's PostgreSQL connections bind parameters on the server (``settings.POSTGRES_OPTIONS``),
so a statement run again and again is prepared once and no longer planned on every run."""

from __future__ import annotations

import pytest
from django.db import connection

from main.models import Product

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _prepared() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


def test_a_lookup_run_again_and_again_is_prepared_once(seller, make_product):
    product = make_product(seller=seller)
    before = _prepared()
    for _ in range(8):  # psycopg prepares a statement on its fifth run on a connection
        assert Product.objects.filter(pk=product.pk, is_active=True).values_list("name", flat=True).get()
    assert _prepared() == before + 1


def test_a_lookup_of_other_values_reuses_the_same_statement(seller, make_product):
    products = [make_product(seller=seller) for _ in range(8)]
    before = _prepared()
    names = [Product.objects.filter(pk=p.pk).values_list("name", flat=True).get() for p in products]
    assert names == [p.name for p in products] and _prepared() == before + 1
