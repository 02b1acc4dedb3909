"""`make loadtest`: mixed shopper traffic through nginx on loopback, then faults under load.

1. the loopback stack is started if it is not answering (scripts/stack.sh start);
2. load-test buyers and their sessions are written through the ORM (prepare.py);
3. steady load: 50 users (visitors and logged-in buyers) for 60 s; req/s, p50/p95/p99 per endpoint;
4. hot swap: under the same load, a new categorizer version promoted (``manage.py models
   promote``), then rolled back: the errors, and how long until every worker serves it;
5. fault 1: under the same load, ``kill -9`` of one gunicorn worker: the error share;
6. fault 2: under load, PostgreSQL stopped and started again: how long until the site answers;
7. every order whole: ≥ 1 line each, totals equal to their lines, no negative stock;
8. (after the steady load, still under it) no cached page shows a stale price or stock, or
   another shopper's cart badge or CSRF token (stale.py).

Locust runs as a library (gevent) in this process; response times are recorded per request and
the percentiles computed exactly from them. Exit status: 1 if the harness or the integrity check
fails; the performance goals are reported, not enforced (the machine is shared).
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from _django import STACK_VAR, stack_env  # noqa: E402  (this script's folder)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

GOAL_RPS = 200
GOAL_PRODUCT_P95_MS = 100
GOAL_KILL_ERROR_SHARE = 0.001
GOAL_DB_RECOVERY_S = 5.0
GOAL_SWITCH_S = 30.0  # every worker serves a promoted version within this, with no error


@dataclass
class Sample:
    at: float
    name: str
    ms: float
    failed: bool
    error: str
    page_cache: str = ""  # the shared page cache's answer (X-Page-Cache: hit, miss; "" not shareable)


SAMPLES: list[Sample] = []


def say(text: str = "") -> None:
    print(text, flush=True)


def http_status(url: str, timeout: float = 3.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def ensure_stack() -> dict[str, str]:
    env_file = STACK_VAR / "stack.env"
    if env_file.exists():
        env = stack_env()
        if http_status(env["BASE_URL"] + "/readyz") == 200:
            say(f"stack already up at {env['BASE_URL']}")
            return env
    say("starting the stack (scripts/stack.sh start) …")
    subprocess.run(["bash", str(ROOT / "scripts" / "stack.sh"), "start"], check=True)
    env = stack_env()
    status = http_status(env["BASE_URL"] + "/readyz")
    if status != 200:
        say(f"warning: /readyz answers {status}: the load test goes on, some pages may lack models")
    return env


def django_script(env: dict[str, str], script: str, *args: str) -> str:
    full_env = {**os.environ, **env}
    result = subprocess.run(
        [sys.executable, str(HERE / script), *args],
        env=full_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


# ----------------------------------------------------------------------------------- figures
def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def window(start: float, end: float) -> list[Sample]:
    return [s for s in SAMPLES if start <= s.at < end]


def print_table(samples: list[Sample], seconds: float) -> dict:
    by_name: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_name[sample.name].append(sample)
    heads = f"{'requests':>9}{'errors':>8}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>7}"
    say(f"  {'endpoint':<26}{heads}  ms")
    figures = {}

    def row(name: str, rows: list[Sample]) -> dict:
        times = sorted(s.ms for s in rows)
        errors = sum(s.failed for s in rows)
        fig = {
            "requests": len(rows),
            "errors": errors,
            "rps": len(rows) / seconds,
            "p50": percentile(times, 0.50),
            "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99),
            "max": times[-1] if times else 0.0,
        }
        say(
            f"  {name:<26}{fig['requests']:>9}{errors:>8}{fig['rps']:>8.1f}{fig['p50']:>7.0f}"
            f"{fig['p95']:>7.0f}{fig['p99']:>7.0f}{fig['max']:>7.0f}"
        )
        return fig

    for name in sorted(by_name, key=lambda n: -len(by_name[n])):
        figures[name] = row(name, by_name[name])
    figures["TOTAL"] = row("TOTAL", samples)
    return figures


def print_page_cache(samples: list[Sample]) -> dict:
    """Per page kind the shared cache serves, how many were drawn from it, drawn afresh (a first
    visit in its key's lifetime: uniform random products are mostly first visits in a minute),
    or drawn for one shopper alone (not shareable: a buyer's own review links, a wishlist)."""
    shares = {}
    for name in sorted({s.name for s in samples if s.page_cache}):
        rows = [s for s in samples if s.name == name and not s.failed]
        counts = Counter(s.page_cache or "own" for s in rows)
        shares[name] = dict(counts)
        say(f"  page cache, {name}: " + ", ".join(
            f"{kind} {counts[kind] / len(rows):.0%}" for kind in ("hit", "miss", "own") if counts[kind]))
    return shares


def print_errors(samples: list[Sample], limit: int = 6) -> None:
    kinds = Counter(f"{s.name}: {s.error}" for s in samples if s.failed)
    for kind, count in kinds.most_common(limit):
        say(f"    {count:>6} × {kind[:150]}")


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


# ----------------------------------------------------------------------------------- CPU
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SERVING = ("gunicorn", "postgres", "nginx", "memcached")  # the stack's parts, not the load generator


def _proc_ticks(pid: int, *, reaped_children: bool = False) -> int:
    """utime + stime of a process (and, for a master, of the children it has already reaped:
    gunicorn recycles its workers, PostgreSQL's backends come and go)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])  # cutime + cstime
    return ticks


def _children(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                children.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return children


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def cpu_snapshot(env: dict[str, str]) -> dict[str, float]:
    """CPU seconds used so far by each part of the stack, by this process, and by the machine."""
    masters = {
        "gunicorn": _read_pid(STACK_VAR / "run" / "gunicorn.pid"),
        "nginx": _read_pid(STACK_VAR / "run" / "nginx.pid"),
        "postgres": _read_pid(Path(env.get("PGDATA", "/nonexistent")) / "postmaster.pid"),
        "memcached": _read_pid(STACK_VAR / "run" / "memcached.pid"),
    }
    snapshot = {}
    for name, pid in masters.items():
        if pid:
            ticks = _proc_ticks(pid, reaped_children=True) + sum(_proc_ticks(p) for p in _children(pid))
            snapshot[name] = ticks / CLOCK_TICKS
    snapshot["load generator"] = _proc_ticks(os.getpid()) / CLOCK_TICKS
    cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    busy = sum(int(v) for i, v in enumerate(cpu[:8]) if i not in (3, 4))  # all but idle, iowait
    snapshot["machine"] = busy / CLOCK_TICKS
    return snapshot


def print_cpu(before: dict[str, float], after: dict[str, float], seconds: float, requests: int) -> None:
    used = {k: (after[k] - before.get(k, 0.0)) / seconds for k in after}
    ours = sum(v for k, v in used.items() if k != "machine")
    others = max(0.0, used["machine"] - ours)
    parts = ", ".join(f"{k} {v:.2f}" for k, v in used.items() if k != "machine")
    say(f"  CPU (cores busy on average): {parts}; other processes on this machine {others:.2f}")
    if requests:
        serving = sum(v for k, v in used.items() if k in SERVING)
        per_request_ms = serving * seconds / requests * 1000
        cores = os.cpu_count() or 2
        say(
            f"  CPU per request ({' + '.join(k for k in used if k in SERVING)}): {per_request_ms:.1f} ms → "
            f"{cores} idle cores less the load generator would serve ≈ "
            f"{(cores - used['load generator']) * 1000 / per_request_ms:.0f} req/s"
        )


# ----------------------------------------------------------------------------------- faults
def gunicorn_workers(master: int) -> set[int]:
    workers = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            workers.add(int(stat.parent.name))
    return workers


def kill_one_worker(env: dict[str, str]) -> str:
    master = int((STACK_VAR / "run" / "gunicorn.pid").read_text())
    before = gunicorn_workers(master)
    victim = random.choice(sorted(before))
    killed_at = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    deadline = killed_at + 30
    while time.monotonic() < deadline:
        now = gunicorn_workers(master)
        if victim not in now and len(now) >= len(before):
            new = sorted(now - before)
            return (
                f"killed worker {victim} (1 of {len(before)}) with SIGKILL; the master had "
                f"replaced it (pid {', '.join(map(str, new))}) {time.monotonic() - killed_at:.2f} s later"
            )
        gevent.sleep(0.02)
    return f"killed worker {victim}; NOT replaced within 30 s"


def nginx_retries() -> int:
    """Requests nginx passed to a second worker after the first one failed (its access log)."""
    try:
        return (STACK_VAR / "log" / "nginx-access.log").read_text().count('"upstream_status":"502, ')
    except OSError:
        return 0


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env={**os.environ, **env},
                            cwd=ROOT, check=True, capture_output=True, text=True)
    return result.stdout.strip()


def served_version(base_url: str, kind: str) -> tuple[int, str] | None:
    """(pid, version of ``kind``) of the worker that answered ``/readyz`` (its headers say);
    None on failure."""
    try:
        with urllib.request.urlopen(base_url + "/readyz", timeout=2) as response:
            pid, versions = response.headers["X-Worker-Pid"], json.loads(response.headers["X-Model-Versions"])
    except (OSError, ValueError, TypeError):
        return None
    return int(pid), versions.get(kind)


# /readyz probes in flight at once while a switch is watched: nginx hands each to some worker,
# and under load one answer takes about a second, so one probe at a time would see the last
# worker switch long after it did.
SWITCH_PROBES = 8


def switch_time(env: dict[str, str], kind: str, target: str, since: float, limit: float = 60) -> str:
    """Ask ``/readyz`` (``SWITCH_PROBES`` at a time) until every live worker has answered with
    ``target``; say when each was first seen serving it, counted from ``since`` (an upper
    bound: a worker switched before it answered)."""
    master = int((STACK_VAR / "run" / "gunicorn.pid").read_text())
    first_seen: dict[int, float] = {}
    done = []

    def probe() -> None:
        while not done and time.monotonic() < since + limit:
            answer = served_version(env["BASE_URL"], kind)
            if answer and answer[1] == target:
                first_seen.setdefault(answer[0], time.monotonic() - since)
            gevent.sleep(0.02)

    probes = [gevent.spawn(probe) for _ in range(SWITCH_PROBES)]
    try:
        while time.monotonic() < since + limit:
            workers = gunicorn_workers(master)
            if workers and workers <= set(first_seen):
                seen = sorted(first_seen[pid] for pid in workers)
                return (f"all {len(workers)} workers served it within {seen[-1]:.2f} s of the promotion's "
                        f"commit (each first seen at {', '.join(f'{t:.2f}' for t in seen)} s) "
                        f"[goal ≤ {GOAL_SWITCH_S:g} s: {verdict(seen[-1] <= GOAL_SWITCH_S)}]")
            gevent.sleep(0.02)
        return f"NOT every worker within {limit:g} s: {len(first_seen)} seen serving it"
    finally:
        done.append(True)
        gevent.joinall(probes, timeout=5)


def stack_command(*args: str) -> float:
    started = time.monotonic()
    subprocess.run(["bash", str(ROOT / "scripts" / "stack.sh"), *args], check=True, capture_output=True)
    return time.monotonic() - started


class Prober:
    """Polls a product page and /readyz every 50 ms; remembers when each last failed/answered."""

    def __init__(self, base_url: str, product_path: str):
        self.urls = {"product page": base_url + product_path, "/readyz": base_url + "/readyz"}
        self.ok_since: dict[str, float | None] = {name: None for name in self.urls}
        self.running = True

    def run(self) -> None:
        while self.running:
            for name, url in self.urls.items():
                status = http_status(url, timeout=2)
                now = time.monotonic()
                if status == 200:
                    if self.ok_since[name] is None:
                        self.ok_since[name] = now
                else:
                    self.ok_since[name] = None
            gevent.sleep(0.05)


# ----------------------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--buyers", type=int, default=15, help="of the users, logged-in buyers")
    parser.add_argument("--duration", type=float, default=60, help="seconds of steady load")
    parser.add_argument("--user-rps", type=float, default=5.0, help="requests/s each user aims at")
    parser.add_argument("--fault-duration", type=float, default=25, help="seconds of load per fault")
    parser.add_argument("--db-down", type=float, default=3.0, help="seconds PostgreSQL stays stopped")
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--no-swap", action="store_true", help="skip the hot-swap phase")
    args = parser.parse_args()

    env = ensure_stack()
    base_url = env["BASE_URL"]
    data_file = STACK_VAR / "loadtest" / "data.json"
    data_file.parent.mkdir(parents=True, exist_ok=True)
    say("preparing load-test buyers and sessions (ORM) …")
    data_file.write_text(django_script(env, "prepare.py", "--buyers", str(max(args.buyers, 1))))
    os.environ.update(
        LOADTEST_DATA=str(data_file), LOADTEST_USER_RPS=str(args.user_rps), LOADTEST_BUYERS=str(args.buyers)
    )
    sys.path.insert(0, str(HERE))
    import locust.stats
    import locustfile
    from locust.env import Environment

    locust.stats.CSV_STATS_INTERVAL_SEC = 3600  # no console/CSV chatter: this script prints

    def on_request(request_type, name, response_time, response_length, exception=None, response=None,
                   **kwargs):
        error = (
            "" if exception is None else str(exception).splitlines()[0] if str(exception) else repr(exception)
        )
        page_cache = (response.headers.get("X-Page-Cache") or "") if response is not None else ""
        failed = exception is not None
        SAMPLES.append(Sample(time.monotonic(), name, float(response_time or 0), failed, error, page_cache))

    environment = Environment(user_classes=[locustfile.Shopper, locustfile.Buyer], host=base_url)
    environment.events.request.add_listener(on_request)
    runner = environment.create_local_runner()
    visitors = args.users - args.buyers
    say(
        f"\n{args.users} users ({visitors} visitors, {args.buyers} logged-in buyers), each at "
        f"{args.user_rps:g} req/s → offered ≈ {args.users * args.user_rps:.0f} req/s, against {base_url}"
    )
    runner.start(args.users, spawn_rate=args.users)
    gevent.sleep(5)  # warm-up: not counted
    results: dict = {}

    # ---------------------------------------------------------------- steady load
    locustfile.OUTCOMES.clear()
    cpu_before = cpu_snapshot(env)
    start = time.monotonic()
    gevent.sleep(args.duration)
    end = time.monotonic()
    cpu_after = cpu_snapshot(env)
    say(f"\n== Steady load: {end - start:.0f} s ==")
    steady = print_table(window(start, end), end - start)
    page_cache = print_page_cache(window(start, end))
    print_errors(window(start, end))
    print_cpu(cpu_before, cpu_after, end - start, len(window(start, end)))
    outcomes = dict(locustfile.OUTCOMES)
    if outcomes:
        say("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    results["steady"] = steady
    results["page_cache"] = page_cache
    product_p95 = steady.get("product", {}).get("p95", 0)
    say(
        f"  → {steady['TOTAL']['rps']:.1f} req/s "
        f"[goal ≥ {GOAL_RPS}: {verdict(steady['TOTAL']['rps'] >= GOAL_RPS)}], "
        f"product p95 {product_p95:.0f} ms [goal ≤ {GOAL_PRODUCT_P95_MS}: "
        f"{verdict(product_p95 <= GOAL_PRODUCT_P95_MS)}], errors {steady['TOTAL']['errors']} "
        f"[goal 0: {verdict(steady['TOTAL']['errors'] == 0)}]"
    )

    # ---------------------------------------------------------------- stale pages, under load
    say("\n== Cached pages under load: a price change, a size sold out, another shopper's cart ==")
    stale = json.loads(django_script(env, "stale.py", "--data", str(data_file)))
    say(
        f"  {stale['checks']} checks ({stale['cache_hits_before_change']} pages served from the shared "
        f"cache before their change): {len(stale['stale'])} stale [goal 0: {verdict(stale['ok'])}]"
    )
    for line in stale["stale"][:6]:
        say(f"    {line}")
    results["stale"] = stale

    if not args.no_swap:
        # ------------------------------------------------------------ hot swap
        swap = json.loads(django_script(env, "swap.py"))
        kind, old, new = swap["kind"], swap["serving"], swap["candidate"]
        say(f"\n== Hot swap: {kind} {new} promoted, then rolled back, under load "
            f"({args.fault_duration:.0f} s each) ==")
        start = time.monotonic()
        for action, target in (("promote", new), ("rollback", old)):
            phase_start = time.monotonic()
            gevent.sleep(args.fault_duration / 3)
            moved_at = time.monotonic()
            if action == "promote":
                output = manage(env, "models", "promote", new, "--reason", "load test: hot swap", "--by",
                                "command:loadtest")
            else:
                output = manage(env, "models", "rollback", kind, "--reason", "load test: back", "--by",
                                "command:loadtest")
            committed_at = time.monotonic()  # the command has returned: the alias has moved
            took = committed_at - moved_at
            say(f"  t+{moved_at - phase_start:.1f} s: {output} (the command took {took:.1f} s)")
            say(f"  {switch_time(env, kind, target, committed_at)}")
            gevent.sleep(max(0.0, phase_start + args.fault_duration - time.monotonic()))
        end = time.monotonic()
        samples = window(start, end)
        errors = sum(s.failed for s in samples)
        say(f"  {len(samples)} requests during both switches, {errors} errors "
            f"[goal 0: {verdict(errors == 0)}]")
        print_errors(samples)
        results["swap"] = {"requests": len(samples), "errors": errors}

    integrity_ok = True
    if not args.no_faults:
        # ------------------------------------------------------------ kill -9 a worker
        say(f"\n== Fault 1: kill -9 of one gunicorn worker, under load ({args.fault_duration:.0f} s) ==")
        retried_before = nginx_retries()
        start = time.monotonic()
        gevent.sleep(args.fault_duration / 3)
        say(f"  t+{time.monotonic() - start:.1f} s: {kill_one_worker(env)}")
        gevent.sleep(max(0.0, start + args.fault_duration - time.monotonic()))
        end = time.monotonic()
        samples = window(start, end)
        errors = sum(s.failed for s in samples)
        share = errors / max(1, len(samples))
        say(
            f"  {len(samples)} requests, {errors} errors = {share:.3%} "
            f"[goal ≤ {GOAL_KILL_ERROR_SHARE:.1%}: {verdict(share <= GOAL_KILL_ERROR_SHARE)}]"
        )
        print_errors(samples)
        gevent.sleep(1.5)  # nginx flushes its access log every second
        retried = nginx_retries() - retried_before
        if retried:
            say(
                f"  nginx passed {retried} request(s) that the killed worker had taken on to another "
                "worker (idempotent requests only; a POST in flight would have failed)"
            )
        results["kill"] = {"requests": len(samples), "errors": errors, "share": share, "retried": retried}

        # ------------------------------------------------------------ PostgreSQL restart
        say(f"\n== Fault 2: PostgreSQL stopped for {args.db_down:g} s and started again, under load ==")
        if env.get("STACK_DB", "postgres") != "postgres":
            say("  the stack runs on SQLite: skipped")
        else:
            product = json.loads(data_file.read_text())["products"][0]
            prober = Prober(base_url, f"/products/{product['dataset_id']}/")
            probe = gevent.spawn(prober.run)
            start = time.monotonic()
            gevent.sleep(args.fault_duration / 3)
            stop_at = time.monotonic()
            took = stack_command("db-stop")
            say(f"  t+{stop_at - start:.1f} s: PostgreSQL stopped (pg_ctl stop -m fast, {took:.2f} s)")
            gevent.sleep(args.db_down)
            took = stack_command("db-start")
            back_at = time.monotonic()
            say(
                f"  t+{back_at - start:.1f} s: PostgreSQL accepting connections again "
                f"(pg_ctl start -w, {took:.2f} s)"
            )
            deadline = back_at + 30
            while time.monotonic() < deadline and any(v is None for v in prober.ok_since.values()):
                gevent.sleep(0.05)
            recovery = {}
            for name, since in prober.ok_since.items():
                recovery[name] = None if since is None else max(0.0, since - back_at)
                text = (
                    "not within 30 s"
                    if since is None
                    else f"{recovery[name]:.2f} s after the database was back"
                )
                say(f"  {name} answered 200 again {text}")
            worst = max((v for v in recovery.values() if v is not None), default=None)
            ok = worst is not None and None not in recovery.values() and worst <= GOAL_DB_RECOVERY_S
            say(
                f"  → recovery {'-' if worst is None else f'{worst:.2f} s'} "
                f"[goal ≤ {GOAL_DB_RECOVERY_S:g} s: {verdict(ok)}]"
            )
            gevent.sleep(max(0.0, start + args.fault_duration + args.db_down - time.monotonic()))
            end = time.monotonic()
            prober.running = False
            probe.join(timeout=5)
            during = window(stop_at, back_at)
            after = window(back_at + GOAL_DB_RECOVERY_S, end)
            samples = window(start, end)
            say(
                f"  {len(samples)} requests: {sum(s.failed for s in during)} errors of {len(during)} "
                f"while the database was down (expected: 500 pages), "
                f"{sum(s.failed for s in after)} of {len(after)} "
                f"from {GOAL_DB_RECOVERY_S:g} s after it was back"
            )
            print_errors(samples, limit=4)
            results["db"] = {"recovery_s": recovery}

    runner.quit()
    outcomes = dict(locustfile.OUTCOMES)
    if outcomes:
        say(
            "\noutcomes since the steady phase: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        )

    # ---------------------------------------------------------------- integrity
    report = json.loads(django_script(env, "integrity.py", "--data", str(data_file)))
    integrity_ok = report["ok"]
    say(
        f"\n== Orders after the faults: {report['orders']} orders ({report['card_orders']} by card, "
        f"{report['payments']} payments), {report['orders_without_items']} without lines, "
        f"{report['orders_with_wrong_total']} with a total that differs from their lines, "
        f"{report['negative_stock']} with negative stock, "
        f"{report['products_whose_stock_is_not_their_sizes']} "
        f"products whose stock is not their sizes', {report['units_lost_or_created']} units lost or created, "
        f"payment mismatches: {report['card_orders_paid_without_a_payment']} paid without payment, "
        f"{report['payments_whose_amount_is_not_their_orders']} wrong amounts, "
        f"{report['cancelled_card_orders_not_refunded']} cancelled not refunded, "
        f"{report['cancelled_orders_still_paid']} cancelled still paid "
        f"→ {'OK' if integrity_ok else 'BROKEN'} =="
    )
    if report["examples"]:
        say(f"   examples: {report['examples']}")
    (STACK_VAR / "loadtest" / "results.json").write_text(json.dumps(results, indent=2, default=str))
    return 0 if integrity_ok and stale["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
