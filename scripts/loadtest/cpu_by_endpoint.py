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
import os
import random
import shlex
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parents[2]
STACK_VAR = Path(os.environ.get("STACK_VAR", ROOT / "var"))
for line in (STACK_VAR / "stack.env").read_text().splitlines():
    if "=" in line and not line.lstrip().startswith("#"):
        key, value = line.split("=", 1)
        os.environ[key.strip()] = shlex.split(value)[0] if value.strip() else ""
os.environ["ALLOWED_HOSTS"] = "*"
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()
import logging  # noqa: E402

import psutil  # noqa: E402
from django.test import Client  # noqa: E402

from main.catalog_table import clear_caches_but_the_table  # noqa: E402
from main.search import forget_parses  # noqa: E402

SORTS = ["newest", "price_asc", "price_desc", "name"]


def postgres_cpu_seconds() -> float:
    total = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] and "postgres" in process.info["name"] and process.info["cpu_times"]:
            total += process.info["cpu_times"].user + process.info["cpu_times"].system
    return total


def endpoints(data: dict) -> dict:
    """URL makers, as scripts/loadtest/locustfile.py draws them."""

    def catalog() -> str:
        params = {"sort": random.choice(SORTS)}
        if random.random() < 0.6:
            params["gender"] = random.choice(data["genders"])
        if random.random() < 0.6:
            params["master"] = random.choice(data["masters"])
        if random.random() < 0.3:
            params["page"] = random.randint(2, 4)
        return "/catalog/?" + "&".join(f"{k}={v}" for k, v in params.items())

    return {
        "home": lambda: "/",
        "catalog (facets)": catalog,
        "search": lambda: "/catalog/?q=" + quote_plus(
            " ".join(random.sample(data["search_words"], random.choice([1, 1, 2])))),
        "product": lambda: f"/products/{random.choice(data['products'])['dataset_id']}/",
        "api category-prediction": lambda: "/api/v1/category-prediction?name="
        + quote_plus(random.choice(data["names"])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=150, help="requests per endpoint")
    parser.add_argument("--cold", action="store_true", help="clear the caches first (not the catalog table)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
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
            started = time.process_time()
            status = client.get(url).status_code
            own.append((time.process_time() - started) * 1000)
            if status != 200:
                sys.exit(f"GET {url} answered {status}")
        pg_ms = (postgres_cpu_seconds() - started_pg) * 1000 / len(urls)
        print(f"{name:26} {statistics.mean(own):14.1f} {statistics.median(own):8.1f} {pg_ms:12.1f}")


if __name__ == "__main__":
    main()
