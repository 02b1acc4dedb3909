"""A real broker and worker: redis-server on a free loopback port, and a ``celery worker``
process on a SQLite file database migrated for it (the retrain's beat entry included).

Skipped, with the reason, only when redis-server is not installed (scripts/install-system-deps.sh).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.network import free_port

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60  # a worker imports Django and the ML package: seconds on a busy machine


def _wait(predicate, seconds: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start in {seconds} s" + (f":\n{log.read_text()}" if log else ""))


@pytest.fixture(scope="package")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(server).exists():
        pytest.skip("redis-server not installed: scripts/install-system-deps.sh")
    folder, port = tmp_path_factory.mktemp("redis"), free_port()
    log = folder / "redis.log"
    process = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait(lambda: _answers(port), 10, "redis-server", log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def _answers(port: int) -> bool:
    import redis

    try:
        return redis.Redis(host="127.0.0.1", port=port, socket_timeout=1).ping()
    except redis.ConnectionError:
        return False


@pytest.fixture(scope="package")
def worker(redis_url, tmp_path_factory):
    """``{"env", "mail_dir", "database"}`` of a running worker (default and long queues)."""
    folder = tmp_path_factory.mktemp("worker")
    mail_dir, database = folder / "mail", folder / "db.sqlite3"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.queue.worker_settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{database}",
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "TEST_MAIL_DIR": str(mail_dir),
        "MODELS_DIR": str(folder / "models"),
        "THROTTLE_CACHE_DIR": str(folder / "throttle"),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    log = folder / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "marketplace", "worker", "--pool", "solo",
         "--queues", "celery,long", "--hostname", f"test-{os.getpid()}@%h", "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait(lambda: "ready." in log.read_text() or process.poll() is not None, START_SECONDS, "worker", log)
        assert process.poll() is None, log.read_text()
        yield {"env": env, "mail_dir": mail_dir, "database": database, "log": log}
    finally:
        process.terminate()  # warm shutdown
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
