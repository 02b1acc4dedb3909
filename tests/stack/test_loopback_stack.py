"""Through nginx, as a browser sees the stack: health, pages with request ids, static files and
media served by nginx itself, error pages without tracebacks, the upload size limit."""

from __future__ import annotations

import gzip
import http.client
import http.cookiejar
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

pytestmark = pytest.mark.stack


def request(stack, method: str, path: str, headers: dict | None = None, body: bytes | None = None):
    connection = http.client.HTTPConnection(stack["host"], stack["port"], timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def log_lines(path, request_id: str, attempts: int = 20) -> list[dict]:
    """The JSON access-log lines of a request id (the log is written as the response leaves)."""
    for _ in range(attempts):
        lines = [
            json.loads(line)
            for line in path.read_text().splitlines()
            if request_id in line and line.startswith("{")
        ]
        if lines:
            return lines
        time.sleep(0.1)
    return []


def test_the_stack_through_nginx(light_stack):
    stack, var = light_stack, light_stack["var"]

    # Liveness, and readiness that says what is missing (no models were trained here).
    status, headers, body = request(stack, "GET", "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])
    status, _, body = request(stack, "GET", "/readyz")
    ready = json.loads(body)
    assert status == 503 and ready["checks"]["database"] == "ok" and ready["checks"]["cache"] == "ok"
    assert set(ready["missing"]) == {"categorizer", "similarity", "hybrid", "search"}
    assert "train_models" in ready["reason"]

    # A product page, with the request id the client sent echoed, and logged as one JSON line.
    with sqlite3.connect(var / "db.sqlite3") as db:
        dataset_id, image = db.execute(
            "SELECT dataset_id, image FROM main_product WHERE image != '' AND is_active ORDER BY id LIMIT 1"
        ).fetchone()
    status, headers, body = request(
        stack, "GET", f"/products/{dataset_id}/", {"X-Request-ID": "stack-test-0001"}
    )
    assert status == 200 and b"<html" in body.lower()
    assert headers["x-request-id"] == "stack-test-0001"
    (line,) = log_lines(var / "log" / "gunicorn.log", "stack-test-0001")
    assert line["method"] == "GET" and line["path"] == f"/products/{dataset_id}/" and line["status"] == 200
    assert line["duration_ms"] > 0 and line["user_id"] is None and line["forwarded_for"] == "127.0.0.1"
    # A made-up id that is not an id (spaces, quotes) is replaced, never logged as sent.
    _, headers, _ = request(stack, "GET", "/healthz", {"X-Request-ID": 'evil" id'})
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])

    # A static file: fingerprinted name, served by nginx from disk (gunicorn never sees it), gzipped.
    manifest = json.loads((var / "static" / "staticfiles.json").read_text())["paths"]
    css = "/static/" + manifest["vendor/bootstrap/bootstrap.min.css"]
    status, headers, body = request(stack, "GET", css, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert headers["content-type"].startswith("text/css") and "immutable" in headers["cache-control"]
    assert b".container" in gzip.decompress(body)
    assert "x-frame-options" not in headers  # Django's header: the app was not involved
    assert css not in (var / "log" / "gunicorn.log").read_text()  # the app logs every request it sees

    # A catalog photo from MEDIA_ROOT.
    status, headers, body = request(stack, "GET", f"/media/{image}")
    assert status == 200 and headers["content-type"] == "image/jpeg" and body[:2] == b"\xff\xd8"
    assert headers["x-content-type-options"] == "nosniff"

    # Errors: the shop's own 404 page, never a traceback or a debug page.
    for path in ("/no-such-page/", "/products/999999999/"):
        status, _, body = request(stack, "GET", path)
        text = body.decode()
        assert status == 404 and "We could not find that page" in text, path
        assert "Traceback" not in text and "Django" not in text and "DEBUG" not in text, path


def test_a_body_over_the_upload_limit_is_refused_by_nginx(light_stack):
    # 7 MB: over the 5 MB photo limit plus the form's envelope (client_max_body_size 6m).
    size = 7 * 1024 * 1024
    with socket.create_connection((light_stack["host"], light_stack["port"]), timeout=30) as sock:
        sock.sendall(
            (
                "POST /seller/products/new/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/octet-stream\r\n"
                f"Content-Length: {size}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        try:
            chunk = b"x" * 65536
            for _ in range(size // len(chunk)):
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # nginx may answer and close before the whole body is sent
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except ConnectionResetError:
            pass
    status_line = answer.split(b"\r\n", 1)[0].decode()
    assert status_line.startswith("HTTP/1.1 413"), status_line
    assert b"too large" in answer


def _cart_count(browser, base: str) -> str:
    with browser.open(f"{base}/cart/", timeout=30) as response:
        body = response.read()
    return re.search(rb'data-test="cart-link">Cart <span[^>]*>(\d+)<', body).group(1).decode()


def test_a_shoppers_session_outlives_a_cache_restart(light_stack):
    """Sessions are read from memcached but written to the database too (cached_db): with
    the cache gone the shop still answers, the cart still holds its item, and readiness
    reports the cache without failing."""
    stack, var, base = light_stack, light_stack["var"], light_stack["base"]
    with sqlite3.connect(var / "db.sqlite3") as db:
        # Since sizes, a product is bought in one of its sizes in stock.
        pk, size = db.execute(
            "SELECT p.id, s.id FROM main_product p JOIN main_productsize s ON s.product_id = p.id"
            " WHERE p.is_active AND s.stock > 0 LIMIT 1"
        ).fetchone()
    cookies = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    # The product page sets the CSRF cookie; adding to the cart opens the session.
    with browser.open(f"{base}/listings/{pk}/", timeout=30) as response:
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.read()).group(1)
    fields = {"csrfmiddlewaretoken": token.decode(), "quantity": 1, "size": size}
    form = urllib.parse.urlencode(fields).encode()
    browser.open(urllib.request.Request(f"{base}/cart/add/{pk}/", data=form, headers={"Referer": base + "/"}))
    assert "sessionid" in {cookie.name for cookie in cookies}
    assert _cart_count(browser, base) == "1"

    os.kill(int((var / "run" / "memcached.pid").read_text()), signal.SIGKILL)
    time.sleep(0.3)
    assert _cart_count(browser, base) == "1"  # the session came from the database
    status, _, body = request(stack, "GET", "/readyz")
    assert json.loads(body)["checks"]["cache"] == "unreachable"

    started = subprocess.run(
        ["bash", *stack["script"], "start"], env=stack["env"], capture_output=True, text=True, timeout=120
    )
    assert started.returncode == 0, started.stderr
    assert _cart_count(browser, base) == "1"
    # Each worker tries a dead cache again after 5 s (dead_timeout).
    for _ in range(40):
        checks = [json.loads(request(stack, "GET", "/readyz")[2])["checks"]["cache"] for _ in range(4)]
        if checks == ["ok"] * 4:
            break
        time.sleep(0.5)
    assert checks == ["ok"] * 4
