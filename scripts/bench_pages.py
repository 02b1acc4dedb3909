#!/usr/bin/env python
"""Server time of the main pages on the real catalog (``make bench``).

Measured in-process with the Django test Client against the configured database (by default
the full-catalog ``db.sqlite3``): no network, no browser, just the time Django takes to
answer. Each page is requested ``--warmup`` times, then ``--requests`` times; the table shows
median and 90th percentile. The catalog's facet counts are cached for 120 s per filter set,
so the catalog is measured twice: as a shopper browsing meets it (cached) and with the cache
cleared before every request (uncached: what the first visitor of a filter set waits). The
very first catalog request of the process (imports, template compilation, empty caches) is
reported on its own.

Product pages log a view event (and the anonymous client gets a session); the rows this
benchmark writes are deleted at the end, so the shop's data is left as it was.

    DEBUG=1 .venv/bin/python scripts/bench_pages.py [--requests 50] [--warmup 5]

``--cpu`` measures CPU time instead (``time.process_time``, medians), with one BLAS/OpenMP
thread as gunicorn workers run: product pages on a carousel miss (the caches are cleared
once, then every request opens another product, as most shoppers do on 40k products) and
``GET /api/v1/category-prediction`` for catalog names; then what most requests of a shop cost:
the same few product pages and catalog pages again (for anonymous shoppers, served from the
shared page cache), catalog pages with every cache cleared, and names asked of the API again.
``--profile FILE`` writes a cProfile of the product pages on a carousel miss (read it with
``python -m pstats FILE``).

    DEBUG=1 .venv/bin/python scripts/bench_pages.py --cpu [--requests 200] [--profile page.prof]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
if "--cpu" in sys.argv:  # before numpy is imported: one math thread, as in a gunicorn worker
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    os.environ.setdefault("API_RATE_LIMIT", "1000000/min")  # the benchmark is one client
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("ACCESS_LOG_LEVEL", "WARNING")  # no log line per benchmark request

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count, Max  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from main.catalog_table import clear_caches_but_the_table  # noqa: E402
from main.models import Product  # noqa: E402
from recommendations.models import ProductEvent  # noqa: E402
from recommendations.services import views_flush  # noqa: E402
from recommendations.visitors import VISITOR_COOKIE, visitor_key  # noqa: E402
from search.query import forget_parses  # noqa: E402

SHOPPER_QUERIES = (
    "jeens", "t+shirt+for+men", "women+floral+summer+dress", "kurta+for+men", "reebok+running+shoes",
    "black+watch+for+men", "coat", "parka", "navy+blue+shirt", "zzqxv",
)


class Bench:
    def __init__(self, requests: int, warmup: int) -> None:
        self.requests = requests
        self.warmup = warmup
        self.client = Client(HTTP_HOST="localhost")
        self.rows: list[tuple[str, list[float], int]] = []

    def get(self, url: str, *, clear_cache: bool = False) -> tuple[float, int]:
        """Request ``url``; return (milliseconds, queries) for the request alone. Clearing the
        cache clears the process's own too, and the searches kept there (not the catalog table,
        which is read again only when the catalog changes)."""
        if clear_cache:
            clear_caches_but_the_table()
            forget_parses()
        reset_queries()
        started = time.perf_counter()
        response = self.client.get(url, secure=settings.SECURE_SSL_REDIRECT)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}; is the catalog imported (make setup-db)?")
        return elapsed, len(connection.queries)

    def measure(self, label: str, urls: list[str], *, clear_cache: bool = False) -> None:
        for i in range(self.warmup):
            self.get(urls[i % len(urls)], clear_cache=clear_cache)
        times, queries = [], 0
        for i in range(self.requests):
            elapsed, queries = self.get(urls[i % len(urls)], clear_cache=clear_cache)
            times.append(elapsed)
        self.rows.append((label, times, queries))

    def report(self, cold_ms: float, cold_queries: int) -> None:
        row = "{:<46} {:>4} {:>10} {:>8} {:>8} {:>8} {:>8}"
        queries = (lambda n: n) if settings.DEBUG else (lambda n: "-")
        print(row.format("page", "n", "median ms", "p90 ms", "min ms", "max ms", "queries"))
        print("-" * 98)
        cold = "catalog, first request of the process (cold)"
        print(row.format(cold, 1, f"{cold_ms:.1f}", "", "", "", queries(cold_queries)))
        for label, times, count in self.rows:
            p90 = statistics.quantiles(times, n=10)[8] if len(times) >= 2 else times[0]
            cells = [statistics.median(times), p90, min(times), max(times)]
            print(row.format(label, len(times), *(f"{t:.1f}" for t in cells), queries(count)))
        if not settings.DEBUG:
            print("(query counts need DEBUG=1)")


def leave_as_it_was(*, client: Client, events_before: int) -> None:
    """Leave the shop's data as it was: the views this run made (under its visitor cookie,
    written from this process's queue first) and its session."""
    views_flush()
    if visitor := client.cookies.get(VISITOR_COOKIE):
        probe = HttpRequest()  # the cookie read as the shop reads it (signed)
        probe.COOKIES[VISITOR_COOKIE] = visitor.value
        ProductEvent.objects.filter(id__gt=events_before, session_key=visitor_key(request=probe)).delete()
    if session := client.cookies.get(settings.SESSION_COOKIE_NAME):
        Session.objects.filter(session_key=session.value).delete()


def cpu_bench(*, requests: int, warmup: int, profile: str | None) -> None:
    """CPU medians of product pages on a carousel miss and of the category-prediction API."""
    import cProfile

    from serving.registry import warm_up

    warm_up()  # as gunicorn's master does before forking
    clear_caches_but_the_table(tuple(settings.CACHES))
    client = Client(HTTP_HOST="localhost")
    products = Product.objects.filter(is_active=True)
    ids = list(products.exclude(dataset_id=None).values_list("dataset_id", flat=True))
    sample = random.Random(7).sample(ids, min(len(ids), requests + warmup))
    events_before = ProductEvent.objects.aggregate(n=Max("id"))["n"] or 0
    profiler = cProfile.Profile() if profile else None

    def cpu_ms(url: str, *, profiled: bool = False) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as queries:
            started = time.process_time()
            if profiler and profiled:
                profiler.enable()
            response = client.get(url, secure=settings.SECURE_SSL_REDIRECT)
            if profiler and profiled:
                profiler.disable()
            elapsed = (time.process_time() - started) * 1000
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}")
        return elapsed, len(queries)

    rows = []
    try:
        for i, dataset_id in enumerate(sample):
            measured = i >= warmup
            result = cpu_ms(f"/products/{dataset_id}/", profiled=measured)
            if measured:
                rows.append(result)
        cpu_table(cpu_ms=cpu_ms, rows=rows, sample=sample, products=products,
                  requests=requests, warmup=warmup)
    finally:
        leave_as_it_was(client=client, events_before=events_before)
    if profiler:
        profiler.dump_stats(profile)
        print(f"cProfile of the product pages: {profile}")


def cpu_table(*, cpu_ms, rows, sample, products, requests: int, warmup: int) -> None:
    """The API's and the shop's other requests, then the table of every CPU median."""
    names = random.Random(7).sample(list(products.values_list("name", flat=True)), len(sample))
    api = [cpu_ms(f"/api/v1/category-prediction?name={quote_plus(name)}")[0] for name in names][warmup:]

    def again(urls: list[str], *, clear: bool = False) -> tuple[list[float], object]:
        """CPU of ``urls`` in turn, after a warm-up; ``clear``: every cache cleared before each."""
        measured = []
        for i in range(warmup + requests):
            if clear:
                clear_caches_but_the_table()
                forget_parses()
            measured.append(cpu_ms(urls[i % len(urls)]))
        kept = measured[warmup:]
        return [ms for ms, _ in kept], statistics.median(q for _, q in kept) if settings.DEBUG else "-"

    few = [f"/products/{dataset_id}/" for dataset_id in sample[:5]]
    listings = ["/catalog/", "/catalog/?q=men+tshirt", "/catalog/?sort=price_asc&page=3"]
    asked = [f"/api/v1/category-prediction?name={quote_plus(name)}" for name in names[:5]]
    line = "{:<52} {:>4} {:>14} {:>8} {:>8}"
    print(line.format("request", "n", "median CPU ms", "p90 ms", "queries"))
    print("-" * 90)
    page_ms = [ms for ms, _ in rows]
    for label, times, queries in (
        ("product page, carousel miss (a new product each time)", page_ms,
         statistics.median(q for _, q in rows) if settings.DEBUG else "-"),
        ("GET /api/v1/category-prediction?name=<catalog name>", api, "-"),
        ("product page, the same 5 products again", *again(few)),
        ("catalog and search, the same 3 pages again", *again(listings)),
        ("catalog and search, every cache cleared", *again(listings, clear=True)),
        ("category-prediction API, the same 5 names again", *again(asked)),
    ):
        p90 = statistics.quantiles(times, n=10)[8]
        print(line.format(label, len(times), f"{statistics.median(times):.2f}", f"{p90:.2f}", queries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=None,
                        help="measured requests per page (default 50, 200 with --cpu)")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests per page first")
    parser.add_argument("--cpu", action="store_true", help="CPU time of product pages and the prediction API")
    parser.add_argument("--profile", help="with --cpu: write a cProfile of the product pages here")
    args = parser.parse_args()
    if args.cpu:
        cpu_bench(requests=args.requests or 200, warmup=args.warmup, profile=args.profile)
        return
    args.requests = args.requests or 50

    products = Product.objects.filter(is_active=True)
    total = products.count()
    if not total:
        sys.exit("No products in the database: run `make setup-db` first.")
    events_before = ProductEvent.objects.aggregate(n=Max("id"))["n"] or 0
    database = settings.DATABASES["default"]
    print(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']} · {total:,} listed products")
    print(
        f"DEBUG={settings.DEBUG} · {args.requests} requests per page after {args.warmup} warm-up requests\n"
    )

    bench = Bench(args.requests, args.warmup)
    cold_ms, cold_queries = bench.get("/catalog/")

    # The most common gender / category / subcategory path: a shopper's typical drill-down.
    path = (
        products.values("gender_id", "master_category_id", "sub_category_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    facets = "/catalog/?gender={gender_id}&master={master_category_id}&sub={sub_category_id}".format(**path)
    search = "/catalog/?q=men+tshirt"
    # Shoppers' queries of every kind the search reads: typo, spacing, stop words, colour,
    # brand, a word the catalog never uses, and nothing at all.
    searches = [f"/catalog/?q={q}" for q in SHOPPER_QUERIES]
    ids = list(products.exclude(dataset_id=None).values_list("dataset_id", flat=True))
    sample = random.Random(42).sample(ids, min(len(ids), args.requests + args.warmup))
    product_urls = [f"/products/{dataset_id}/" for dataset_id in sample]

    try:
        bench.measure("home", ["/"])
        bench.measure("catalog, unfiltered (facets cached)", ["/catalog/"])
        bench.measure("catalog, gender+category+sub (cached)", [facets])
        bench.measure("catalog, search 'men tshirt' (cached)", [search])
        bench.measure("catalog, search 'men tshirt' newest first (cached)", [search + "&sort=newest"])
        bench.measure("catalog, unfiltered (uncached)", ["/catalog/"], clear_cache=True)
        bench.measure("catalog, gender+category+sub (uncached)", [facets], clear_cache=True)
        bench.measure("catalog, search 'men tshirt' (uncached)", [search], clear_cache=True)
        bench.measure("catalog, search, mixed shopper queries (uncached)", searches, clear_cache=True)
        bench.measure("catalog, page 50 sorted by price (cached)", ["/catalog/?sort=price_asc&page=50"])
        bench.measure("product page (a different product each time)", product_urls)
    finally:
        leave_as_it_was(client=bench.client, events_before=events_before)
    bench.report(cold_ms, cold_queries)


if __name__ == "__main__":
    main()
