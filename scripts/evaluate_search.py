#!/usr/bin/env python
"""The shop's search on the query set, dev and test (``make evaluate-search``).

Each query of ``ml/evaluate/search_queries.csv`` goes through the search exactly as the
catalog page runs it (``CatalogFilterForm({"q": query, "sort": order}).filters()``, then
``catalog_page(..., number=1, size=24)``), in best-match order and sorted by price low to
high; the page's products are judged by their catalog labels in :mod:`ml.evaluate.search`,
which prints mean precision@24 and the queries with no result per split and order, and the
dev queries per kind and the worst of them. The relevant products of each query are
counted on the configured database's listed products (for a freshly imported shop, the
dataset catalog).

Also printed: the server time of ``catalog_page`` per query (median and 95th percentile), with
the caches cleared before every query, so each is timed as its first shopper meets it. The
first query of the process (model loading, empty caches) is run once beforehand and not timed.

    DEBUG=1 .venv/bin/python scripts/evaluate_search.py [--queries path.csv]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("ACCESS_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import reset_queries  # noqa: E402

from main.catalog_table import clear_caches_but_the_table  # noqa: E402
from main.ml_fields import catalog_frame  # noqa: E402
from main.models import Product  # noqa: E402
from ml.catalog.schema import ARTICLE, COLOUR, GENDER, NAME  # noqa: E402
from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER  # noqa: E402
from ml.evaluate import search as search_evaluation  # noqa: E402
from search import listing  # noqa: E402
from search.forms import CatalogFilterForm  # noqa: E402
from search.query import forget_parses  # noqa: E402
from serving.registry import loaded  # noqa: E402

PAGE_SIZE = search_evaluation.TOP
CLEARED_CACHES = ("default", "local")


def clear_caches() -> None:
    """Every cache a search fills, and the parses and matches kept in the process; not the
    catalog table (it is read again when the catalog changes, not per query)."""
    clear_caches_but_the_table(CLEARED_CACHES)
    forget_parses()


def labelled(ids: list[int]) -> list[dict]:
    """The products of ``ids``, in that order, as the label dicts ml.evaluate.search judges."""
    found = Product.objects.filter(pk__in=ids).select_related("gender", "article_type")
    by_id = {
        p.pk: {GENDER: p.gender.name, ARTICLE: p.article_type.name, COLOUR: p.base_colour, NAME: p.name}
        for p in found
    }
    return [by_id[i] for i in ids if i in by_id]


class ShopSearch:
    """The catalog page's search as a function of the query text; keeps each call's time."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        # this process's CPU time (SQLite's work included): steadier than wall time on a busy machine
        self.cpu_seconds: list[float] = []

    def page_ids(self, query: str, order: str = "relevance") -> tuple[list[int], float]:
        clear_caches()
        reset_queries()
        started, cpu = time.perf_counter(), time.process_time()
        filters = CatalogFilterForm({"q": query, "sort": order}).filters()
        page, _facets = listing.catalog_page(filters=filters, number=1, size=PAGE_SIZE)
        ids = [product.pk for product in page.object_list]
        self.last_cpu = time.process_time() - cpu
        return ids, time.perf_counter() - started

    def __call__(self, query: str, order: str = "relevance") -> list[dict]:
        ids, seconds = self.page_ids(query, order)
        if order == "relevance":  # the time of a query's first page as a search opens it
            self.seconds.append(seconds)
            self.cpu_seconds.append(self.last_cpu)
        return labelled(ids)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    products = Product.objects.filter(is_active=True)
    total = products.count()
    if not total:
        sys.exit("No products in the database: run `make setup-db` first.")
    if loaded(CATEGORIZER) is None:
        sys.exit(f"No trained categorizer in {settings.MODELS_DIR}: run `manage.py train_models` first.")
    database = settings.DATABASES["default"]
    print(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']} · {total:,} listed products")
    catalog = catalog_frame(products=products)
    search = ShopSearch()
    _ids, cold = search.page_ids("men tshirt")  # model loading and first queries: not timed
    print(f"First search of the process (untimed warm-up): {cold * 1000:.0f} ms\n")
    status = search_evaluation.main(search=search, catalog=catalog, argv=argv)
    ms = [s * 1000 for s in search.seconds]
    print(
        f"Server time of catalog_page per query, caches cleared ({len(ms)} queries): "
        f"median {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, max {max(ms):.1f} ms"
    )
    cpu = [s * 1000 for s in search.cpu_seconds]
    print(
        f"CPU time of this process per query: median {statistics.median(cpu):.1f} ms, "
        f"p95 {percentile(cpu, 0.95):.1f} ms (load average {os.getloadavg()[0]:.1f})"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
