"""CPU per request of each load-test endpoint, in this process and in PostgreSQL, on the stack's
database: where `make loadtest`'s "CPU per request" goes, endpoint by endpoint.

    .venv/bin/python scripts/loadtest/cpu_by_endpoint.py [--requests 150] [--cold]

Run with the stack up (`make stack`) and after one `make loadtest` (it reads the URLs' data,
var/loadtest/data.json). The URLs are drawn as the load test's shoppers draw them; each is
requested through Django's test client (no nginx, no gunicorn), one math thread, as in a
worker. ``--cold`` clears the shared and local caches first (not the catalog table), so pages
are measured as their first visitor meets them. PostgreSQL's CPU is read from its processes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import sys
import time

import psutil
import traffic
from _django import STACK_VAR, setup, stack_env

MATH_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")  # one each, as in a worker


def postgres_cpu_seconds() -> float:
    total = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] and "postgres" in process.info["name"] and process.info["cpu_times"]:
            total += process.info["cpu_times"].user + process.info["cpu_times"].system
    return total


def endpoints(data: dict) -> dict:
    """URL makers, as the load test's shoppers draw them (scripts/loadtest/traffic.py)."""
    return {
        "home": lambda: "/",
        "catalog (facets)": lambda: traffic.catalog_url(data),
        "search": lambda: traffic.search_url(data),
        "product": lambda: traffic.product_url(random.choice(data["products"])),
        "api category-prediction": lambda: traffic.category_prediction_url(data),
        "reviews": lambda: traffic.reviews_url(random.choice(data["products"])),
        "cart add": lambda: traffic.cart_add(random.choice(data["products"])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=150, help="requests per endpoint")
    parser.add_argument("--cold", action="store_true", help="clear the caches first (not the catalog table)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(stack_env(), ALLOWED_HOSTS="*", **{variable: "1" for variable in MATH_THREADS})
    setup()
    from django.test import Client

    from main.catalog_table import clear_caches_but_the_table
    from search.query import forget_parses

    logging.disable(logging.CRITICAL)
    data = json.loads((STACK_VAR / "loadtest" / "data.json").read_text())
    random.seed(args.seed)
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/")  # models and the catalog table, as a worker has them before its first request
    if args.cold:
        clear_caches_but_the_table()
        forget_parses()
    print(f"{'endpoint':26} {'this process':>14} {'median':>8} {'PostgreSQL':>12}   (CPU ms per request)")
    for name, make_url in endpoints(data).items():
        urls = [make_url() for _ in range(args.requests)]
        own, started_pg = [], postgres_cpu_seconds()
        for url in urls:
            path, form = url if isinstance(url, tuple) else (url, None)
            started = time.process_time()
            status = (client.get(path) if form is None else client.post(path, form)).status_code
            own.append((time.process_time() - started) * 1000)
            if status != (200 if form is None else 302):
                sys.exit(f"{'GET' if form is None else 'POST'} {path} answered {status}")
        pg_ms = (postgres_cpu_seconds() - started_pg) * 1000 / len(urls)
        print(f"{name:26} {statistics.mean(own):14.1f} {statistics.median(own):8.1f} {pg_ms:12.1f}")


if __name__ == "__main__":
    main()
