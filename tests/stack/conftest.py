"""The loopback stack, started by the real ``scripts/stack.sh`` in a tmp dir for this package.

A lighter variant than ``make stack``: SQLite instead of PostgreSQL, 300 products, no model
training, two gunicorn workers; nginx, gunicorn and memcached on free loopback ports. Stopped and deleted
when the package is done. Its modules share it (one start instead of one per module: ~30 s
each) and run one after the other on one pytest-xdist worker (``SHARED_SERVER_UNITS`` in
tests/conftest.py): the loopback module first, then the lock-out module (its logins lock the
demo buyer; the loopback module logs nobody in).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.network import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="package")
def light_stack():
    missing = [
        tool
        for tool in ("nginx", "curl", "flock", "memcached")
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists()
    ]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (scripts/install-system-deps.sh)")
    if not (Path(settings.FASHION_DATA) / "styles.csv").exists():
        pytest.fail(f"No dataset at {settings.FASHION_DATA}: set FASHION_DATA", pytrace=False)
    var = Path(tempfile.mkdtemp(prefix="marketplace-stack-test-"))
    var.chmod(0o755)  # nginx's worker (nobody, when root) serves static files and media from it
    http_port, app_port, memcached_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "STACK_VAR": str(var),
        "STACK_DB": "sqlite",
        "CATALOG_LIMIT": "300",
        "STACK_TRAIN": "0",
        "WEB_CONCURRENCY": "2",
        "HTTP_PORT": str(http_port),
        "APP_PORT": str(app_port),
        "MEMCACHED_PORT": str(memcached_port),
        # No task queue here (tasks run eagerly in gunicorn): tests/tasks starts a real worker.
        "STACK_QUEUE": "none",
        "REDIS_PORT": str(free_port()),
        "FASHION_DATA": str(settings.FASHION_DATA),
    }
    script = [str(ROOT / "scripts" / "stack.sh")]
    started = subprocess.run(["bash", *script, "start"], env=env, capture_output=True, text=True, timeout=300)
    try:
        assert started.returncode == 0, f"stack.sh start failed:\n{started.stdout}\n{started.stderr}"
        yield {
            "base": f"http://127.0.0.1:{http_port}",
            "host": "127.0.0.1",
            "port": http_port,
            "var": var,
            "env": env,
            "script": script,
        }
    finally:
        subprocess.run(["bash", *script, "destroy"], env=env, capture_output=True, text=True, timeout=120)
        shutil.rmtree(var, ignore_errors=True)
