"""Login lock-outs hold across gunicorn workers: axes keeps the failed attempts in the
database, so the 10 failures spread over both workers lock the account on both of them.

Through nginx, on the loopback stack (two sync workers, see conftest.py). Logins use the
production password hasher (a fraction of a second each), so two requests sent at once are
answered by the two workers; the access log's ``pid`` says which answered which.
"""

from __future__ import annotations

import http.client
import json
import re
import sqlite3
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from main.management.commands.create_demo_users import DEMO_PASSWORD

pytestmark = pytest.mark.stack
FAILURE_LIMIT = 10  # LOGIN_FAILURE_LIMIT's default
DEMO_BUYER = "buyer"  # created by scripts/stack.sh (create_demo_users)
AT_ONCE = 2  # one request per worker


def login_page(stack) -> tuple[str, str]:
    """The CSRF cookie and the form's token."""
    connection = http.client.HTTPConnection(stack["host"], stack["port"], timeout=30)
    try:
        connection.request("GET", "/accounts/login/")
        response = connection.getresponse()
        body = response.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    finally:
        connection.close()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    return cookie, token


def post_login(stack, csrf, password: str, request_id: str) -> int:
    cookie, token = csrf
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": DEMO_BUYER, "password": password}
    )
    connection = http.client.HTTPConnection(stack["host"], stack["port"], timeout=60)
    try:
        connection.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
                "X-Request-ID": request_id,
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def worker_pids(stack, request_ids: list[str]) -> dict[str, int]:
    """Request id → pid of the worker that answered it (from the JSON access log)."""
    wanted, found = set(request_ids), {}
    for line in (stack["var"] / "log" / "gunicorn.log").read_text().splitlines():
        if line.startswith("{") and '"request_id"' in line:
            record = json.loads(line)
            if record["request_id"] in wanted:
                found[record["request_id"]] = record["pid"]
    return found


def in_pairs(stack, csrf, password: str, ids: list[str]) -> list[int]:
    statuses = []
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        for start in range(0, len(ids), AT_ONCE):
            batch = ids[start : start + AT_ONCE]
            statuses += list(pool.map(lambda rid: post_login(stack, csrf, password, rid), batch))
    return statuses


def test_a_lock_out_holds_on_both_workers(light_stack):
    stack = light_stack
    csrf = login_page(stack)
    failures = [f"lockout-fail-{n:04d}" for n in range(FAILURE_LIMIT)]
    statuses = in_pairs(stack, csrf, "wrong-password-1", failures)
    # Ordinary refusals, then the lock-out at the 10th (the last pair races: either may see it).
    assert statuses[: FAILURE_LIMIT - AT_ONCE] == [200] * (FAILURE_LIMIT - AT_ONCE), statuses
    assert 429 in statuses[-AT_ONCE:] and set(statuses) <= {200, 429}, statuses
    failure_pids = set(worker_pids(stack, failures).values())
    assert len(failure_pids) == 2, "the failures were not spread over both workers"
    # Neither worker saw 10 failures itself: the count that locked is the database's.
    with sqlite3.connect(stack["var"] / "db.sqlite3") as db:
        (counted,) = db.execute(
            "SELECT SUM(failures_since_start) FROM axes_accessattempt WHERE username = ?", (DEMO_BUYER,)
        ).fetchone()
    assert counted == FAILURE_LIMIT

    # The right password is now refused, by every worker.
    refused = [f"lockout-right-{n:04d}" for n in range(6)]
    assert in_pairs(stack, csrf, DEMO_PASSWORD, refused) == [429] * len(refused)
    assert set(worker_pids(stack, refused).values()) == failure_pids
