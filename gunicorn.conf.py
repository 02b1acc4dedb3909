"""Gunicorn settings, for the container (Dockerfile CMD) and the loopback stack (scripts/stack.sh).

Everything is overridable from the environment; the defaults are the container's.

    GUNICORN_BIND            where to listen                     (0.0.0.0:8000)
    WEB_CONCURRENCY          worker processes                    (2 × cores + 1, at most 8)
    GUNICORN_THREADS         threads per worker (gthread if > 1) (1: sync workers)
    GUNICORN_TIMEOUT         seconds before a stuck worker is killed and replaced (30)
    GUNICORN_ACCESS_LOG      access log file, "-" for stdout, "" for none ("")
    GUNICORN_MAX_REQUESTS    recycle a worker after this many requests, 0 for never (10000)
    FORWARDED_ALLOW_IPS      proxies trusted for X-Forwarded-Proto (127.0.0.1; "*" in compose,
                             where only nginx can reach the web container)

The application's own structured access log (one JSON line per request, with the request id
and user) comes from ``marketplace.middleware``; gunicorn's access log is the server's view.
"""

import multiprocessing
import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _env_int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = _env_int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

# nginx in front buffers slow clients, so a sync worker only ever waits on the app itself.
timeout = _env_int("GUNICORN_TIMEOUT", 30)  # nginx's proxy_read_timeout is the same
graceful_timeout = 20
keepalive = 5  # only used by gthread workers; sync workers close after each response
backlog = 2048

# Recycle workers now and then so that slow leaks never add up; jitter avoids a stampede.
# 10,000: every few minutes at a busy shop's 50 requests/s per worker (2,000 was every 40 s).
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = max_requests // 10

# One math thread per worker (set before the app, and so numpy, is loaded): a request is too
# small to split, the workers already fill the cores, and idle BLAS / OpenMP threads spin-wait
# after every dense product (the photo index's), which cost a product page 2.5x its CPU.
MATH_THREADS = "1"
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, MATH_THREADS)

# Load Django (and the ML models, see marketplace/wsgi.py) once in the master: workers fork
# with them already in memory, so a replaced worker serves within milliseconds.
preload_app = True

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}i)s ua="%(a)s"'
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
capture_output = True  # anything printed by the app lands in the error log, not lost
proc_name = "marketplace"

# The heartbeat file of each worker: tmpfs when there is one (containers), else the default.
if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
    worker_tmp_dir = "/dev/shm"


def when_ready(server):
    # Everything loaded so far (Django, the models) lives as long as the process: out of the
    # garbage collector's sight, it is neither scanned again nor copied into each worker.
    import gc

    gc.collect()
    gc.freeze()


def pre_fork(server, worker):
    # With preload_app the master imported Django; a database connection it might have opened
    # (none in normal use) must not be inherited and shared by the workers.
    from django.db import connections

    connections.close_all()


def post_fork(server, worker):
    # Each worker follows the model registry from its first moment (a thread started in the
    # master would not survive the fork); started on the first request instead, an idle worker
    # would answer that request with the version it was forked with.
    from django.conf import settings

    from serving.registry import start_polling

    start_polling(settings.MODEL_POLL_SECONDS)
