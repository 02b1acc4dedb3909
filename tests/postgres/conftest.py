"""A real, throwaway PostgreSQL for the tests of this package.

``postgres_server`` runs initdb in a tmp dir and starts the server on a free loopback port (as
the ``postgres`` system user when the tests run as root: PostgreSQL refuses root); it is
stopped and deleted when the package is done. ``django_db_setup`` is overridden for this
package only: the ``default`` database points at that server while these tests run (the test
database is created with migrations), and back at the suite's own database afterwards.

Skipped, with the reason, only when the PostgreSQL server binaries are not installed.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.network import free_port


def _pg_bin() -> Path | None:
    candidates = [os.environ.get("PG_BIN", "")] + sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


@pytest.fixture(scope="package")
def postgres_server():
    """``{"host", "port", "user"}`` of a fresh PostgreSQL cluster, for this package's tests."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    run_as: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="marketplace-pgtest-"))
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = os.environ.get("PG_OS_USER", "postgres")
        try:
            shutil.chown(base, user=user)
        except LookupError:
            pytest.skip(f"running as root and there is no '{user}' system user to run PostgreSQL as")
        run_as = ["runuser", "-u", user, "--"]
    data, log = base / "data", base / "postgres.log"
    port = free_port()
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
         "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    # Durability is not what these tests are about: no fsync, so the cluster is fast.
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c full_page_writes=off -c max_connections=60"
    )
    started = subprocess.run(
        [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options,
         "start"],
        capture_output=True, text=True,
    )  # fmt: skip
    if started.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError(
            f"PostgreSQL did not start: {started.stderr}\n{log.read_text() if log.exists() else ''}"
        )
    try:
        yield {"host": "127.0.0.1", "port": port, "user": "postgres", "data": data}
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
        )
        time.sleep(0.1)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="package")
def django_db_setup(request, django_test_environment, django_db_blocker, postgres_server):
    """The ``default`` database on ``postgres_server`` for this package, then back as it was."""
    from django.conf import settings
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    previous = connections.settings["default"]
    with django_db_blocker.unblock():
        connections["default"].close()
    configured = connections.configure_settings(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "marketplace",
                "USER": postgres_server["user"],
                "HOST": postgres_server["host"],
                "PORT": str(postgres_server["port"]),
                "CONN_MAX_AGE": 0,
                "OPTIONS": dict(settings.POSTGRES_OPTIONS),  # as the shop's own connections
                "TEST": {"NAME": "test_marketplace"},
            }
        }
    )
    connections.settings["default"] = configured["default"]
    _forget_connection(connections)
    try:
        with django_db_blocker.unblock():
            config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        yield
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=0)
    finally:
        with django_db_blocker.unblock():
            connections["default"].close()
        connections.settings["default"] = previous
        _forget_connection(connections)


def _forget_connection(connections) -> None:
    """This thread's next use of ``default`` opens a connection with the current settings."""
    try:
        del connections["default"]
    except AttributeError:  # never opened in this thread
        pass
