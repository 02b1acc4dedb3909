"""CPU per request of the load test's anonymous traffic, against any running gunicorn: a quick
before/after of a change without the whole stack (``make loadtest`` remains the measure).

Draws the visitors' mix of ``locustfile.Shopper`` (home 2, catalog 3, search 3, product 10,
category API 3, by ``traffic.py``'s URLs; no add to cart: no session, no CSRF), ``--requests``
of them as warm-up (caches fill as a running shop's are), then as many measured, from
``--threads`` threads; prints the gunicorn workers' CPU per measured request (from /proc),
req/s and latency percentiles. The products, names and words are drawn from the database as
prepare.py draws them (read only: nothing is written but the views' events).

    DEBUG=1 .venv/bin/python scripts/loadtest/quick_cpu.py --url http://127.0.0.1:8000 \\
        --master <gunicorn master pid> [--requests 3000]

Run gunicorn with ``API_RATE_LIMIT=1000000/min`` (one client address) and, to share caches
between workers as the stack does, ``MEMCACHED_LOCATION``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import _django

sys.path.insert(0, str(Path(__file__).resolve().parent))
import traffic  # noqa: E402

MIX = (("home", 2), ("catalog", 3), ("search", 3), ("product", 10), ("api", 3))  # locustfile.Shopper
PRODUCTS = 3000  # as prepare.py's --products default


def shop_data(seed: int) -> dict:
    _django.setup()
    from main.models import Gender, MasterCategory, Product

    rng = random.Random(seed)
    listed = Product.objects.filter(is_active=True, stock__gt=0, dataset_id__isnull=False)
    in_stock = list(listed.values_list("dataset_id", "name"))
    sample = rng.sample(in_stock, min(PRODUCTS, len(in_stock)))
    words = sorted({w.lower() for _, name in sample for w in name.split() if w.isalpha() and len(w) > 3})
    return {
        "products": [{"dataset_id": dataset_id} for dataset_id, _ in sample],
        "names": [name for _, name in sample[:500]],
        "search_words": rng.sample(words, min(300, len(words))),
        "genders": list(Gender.objects.values_list("pk", flat=True)),
        "masters": list(MasterCategory.objects.values_list("pk", flat=True)),
    }


def draw(data: dict) -> str:
    kind = random.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]
    if kind == "home":
        return "/"
    if kind == "catalog":
        return traffic.catalog_url(data)
    if kind == "search":
        return traffic.search_url(data)
    if kind == "product":
        return traffic.product_url(random.choice(data["products"]))
    return traffic.category_prediction_url(data)


def workers_cpu_ms(master: int) -> float:
    """User + system CPU of the master's children (the workers), in ms."""
    ticks = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            ticks += int(fields[11]) + int(fields[12])
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--master", type=int, required=True, help="gunicorn master's pid")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args()
    data = shop_data(args.seed)
    random.seed(args.seed)
    urls = [draw(data) for _ in range(2 * args.requests)]
    latencies: list[float] = []
    errors: list[str] = []
    served: Counter = Counter()  # X-Page-Cache of the measured requests: hit, miss, or not shared

    def work(chunk: list[str], record: bool) -> None:
        for url in chunk:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(args.url + url, timeout=30) as response:
                    response.read()
                    cache = response.headers.get("X-Page-Cache", "not shared")
            except Exception as error:  # noqa: BLE001 - counted and shown, the run goes on
                errors.append(f"{url}: {error}")
                cache = "error"
            if record:
                latencies.append((time.perf_counter() - started) * 1000)
                served[f"{url.split('?')[0].split('/')[1] or 'home'} {cache}"] += 1

    def run(part: list[str], record: bool) -> None:
        threads = [
            threading.Thread(target=work, args=(part[i :: args.threads], record)) for i in range(args.threads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    run(urls[: args.requests], record=False)
    cpu_before, started = workers_cpu_ms(args.master), time.monotonic()
    run(urls[args.requests :], record=True)
    cpu_after, seconds = workers_cpu_ms(args.master), time.monotonic() - started
    p95 = statistics.quantiles(latencies, n=20)[18]
    print(
        f"{args.requests} requests after {args.requests} of warm-up: gunicorn CPU "
        f"{(cpu_after - cpu_before) / args.requests:.2f} ms/request, {args.requests / seconds:.0f} req/s, "
        f"median {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, errors {len(errors)}"
    )
    print("  pages: " + ", ".join(f"{key} {n}" for key, n in sorted(served.items())))
    for line in errors[:5]:
        print("  " + line)


if __name__ == "__main__":
    main()
