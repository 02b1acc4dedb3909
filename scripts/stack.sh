#!/usr/bin/env bash
# The production stack on loopback: PostgreSQL + memcached + gunicorn + nginx, and the task
# queue (Redis + a Celery worker + the one beat), with everything they write (database cluster,
# Redis's dump, media, static files, models, logs, pids, nginx temp files) under ./var.
#
#   scripts/stack.sh start     set up what is missing, then start what is not running (idempotent)
#   scripts/stack.sh stop      stop nginx, gunicorn, beat, worker, Redis, memcached and PostgreSQL (data is kept)
#   scripts/stack.sh status    what runs, and /readyz
#   scripts/stack.sh env       print the environment the app runs with (source it to use manage.py)
#   scripts/stack.sh destroy   stop, then delete the stack's directory
#   scripts/stack.sh db-stop | db-start   PostgreSQL alone (the load test's fault injection)
#
# Nothing listens beyond 127.0.0.1 and no system service is used: PostgreSQL is a throwaway
# cluster (initdb) on its own port and unix socket; as root it runs as the `postgres` system
# user (PostgreSQL refuses root), and nginx's worker, memcached and Redis as `nobody`.
#
# Settings (environment):
#   STACK_VAR=./var        where everything goes        HTTP_PORT=8080   nginx
#   STACK_DB=postgres      or sqlite (lighter, tests)   APP_PORT=8001    gunicorn
#   CATALOG_LIMIT=         import at most N products    PG_PORT=15432    PostgreSQL
#   STACK_TRAIN=1          0: do not train the models   WEB_CONCURRENCY=4 gunicorn workers
#   FASHION_DATA           the dataset folder           GUNICORN_THREADS=1
#   STACK_CACHE=memcached  or none (per-process caches) MEMCACHED_PORT=11212 MEMCACHED_MB=512
#   STACK_QUEUE=redis      or none (tasks run eagerly)  REDIS_PORT=16379
#   CELERY_CONCURRENCY=1   the mail worker's processes (the long jobs' worker runs one at a time)
#   RETRAIN_SCHEDULE, RETRAIN_KINDS   the nightly retrain (see marketplace/settings.py)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK_VAR=${STACK_VAR:-$ROOT/var}
mkdir -p "$STACK_VAR"
STACK_VAR=$(cd "$STACK_VAR" && pwd)
STACK_DB=${STACK_DB:-postgres}
HTTP_PORT=${HTTP_PORT:-8080}
APP_PORT=${APP_PORT:-8001}
PG_PORT=${PG_PORT:-15432}  # below the ephemeral range (32768-60999): a restart never finds it taken by an outgoing connection
STACK_CACHE=${STACK_CACHE:-memcached}
MEMCACHED_PORT=${MEMCACHED_PORT:-11212}
# Memory for the shared cache: shared pages, carousels and facet panels are 20-60 KB each, and
# the load test's minute draws ~220 MB of them; at 128 MB memcached evicted 14,000 items in its
# first 3.5 minutes (pages dropped before their second visitor came, sessions read back from
# the database).
MEMCACHED_MB=${MEMCACHED_MB:-512}
STACK_QUEUE=${STACK_QUEUE:-redis}
REDIS_PORT=${REDIS_PORT:-16379}  # not Redis's 6379: a system Redis may hold that one
CELERY_CONCURRENCY=${CELERY_CONCURRENCY:-1}
CATALOG_LIMIT=${CATALOG_LIMIT:-}
STACK_TRAIN=${STACK_TRAIN:-1}
WEB_CONCURRENCY=${WEB_CONCURRENCY:-4}
GUNICORN_THREADS=${GUNICORN_THREADS:-1}
FASHION_DATA=${FASHION_DATA:-$(cd "$ROOT/.." && pwd)/shared/fashion-dataset}
PY=${STACK_PYTHON:-$ROOT/.venv/bin/python}
GUNICORN=$(dirname "$PY")/gunicorn
CELERY=$(dirname "$PY")/celery

RUN=$STACK_VAR/run
LOGS=$STACK_VAR/log
PGROOT=$STACK_VAR/pg
PGDATA=$PGROOT/data
PGSOCK=$PGROOT/run
PG_APP_USER=marketplace
PG_APP_DB=marketplace
ENV_FILE=$STACK_VAR/stack.env
BASE_URL=http://127.0.0.1:$HTTP_PORT

say() { printf '\033[1m[stack]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[stack] %s\033[0m\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }

stop_pidfile() {  # name signal tries(×0.25 s) signal-if-still-running: stops $RUN/<name>.pid
  if pid_alive "$RUN/$1.pid"; then
    local pid; pid=$(cat "$RUN/$1.pid")
    say "stopping $1 (pid $pid)"
    kill "-$2" "$pid"
    for _ in $(seq 1 "$3"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill "-$4" "$pid"
  fi
  rm -f "$RUN/$1.pid"
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] || die "PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)."
  echo "$dir"
}

# PostgreSQL refuses to run as root: as root, its commands run as an unprivileged system user.
pg_os_user() {
  if ! is_root; then id -un; return; fi
  local user=${PG_OS_USER:-postgres}
  if ! id "$user" >/dev/null 2>&1; then
    say "creating system user $user for PostgreSQL"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
  fi
  echo "$user"
}
as_pg() { if is_root; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }

urlencode() { "$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

write_env() {
  local secret database_url
  if [ ! -s "$STACK_VAR/secret_key" ]; then
    (umask 077; "$PY" -c 'import secrets; print(secrets.token_urlsafe(64))' >"$STACK_VAR/secret_key")
  fi
  secret=$(cat "$STACK_VAR/secret_key")
  if [ ! -s "$STACK_VAR/webhook_secret" ]; then
    (umask 077; "$PY" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$STACK_VAR/webhook_secret")
  fi
  if [ "$STACK_DB" = sqlite ]; then
    database_url="sqlite:///$STACK_VAR/db.sqlite3"
  else
    database_url="postgres://$PG_APP_USER@$(urlencode "$PGSOCK"):$PG_PORT/$PG_APP_DB"
  fi
  # Production settings (DEBUG off), except what plain HTTP on loopback cannot do: the HTTPS
  # redirect, HSTS and Secure cookies (a browser would not send them back over http).
  cat >"$ENV_FILE" <<EOF
DJANGO_SETTINGS_MODULE='marketplace.settings'
DEBUG='0'
SECRET_KEY='$secret'
PAYMENT_WEBHOOK_SECRET='$(cat "$STACK_VAR/webhook_secret")'
EMAIL_BACKEND='django.core.mail.backends.locmem.EmailBackend'
ALLOWED_HOSTS='127.0.0.1,localhost'
CSRF_TRUSTED_ORIGINS='$BASE_URL,http://localhost:$HTTP_PORT'
SECURE_SSL_REDIRECT='0'
SECURE_HSTS_SECONDS='0'
SESSION_COOKIE_SECURE='0'
CSRF_COOKIE_SECURE='0'
DATABASE_URL='$database_url'
CONN_MAX_AGE='600'
MEDIA_ROOT='$STACK_VAR/media'
STATIC_ROOT='$STACK_VAR/static'
MODELS_DIR='$STACK_VAR/models'
THROTTLE_CACHE_DIR='$STACK_VAR/throttle'
MEMCACHED_LOCATION='$([ "$STACK_CACHE" = memcached ] && echo "127.0.0.1:$MEMCACHED_PORT")'
CELERY_BROKER_URL='$([ "$STACK_QUEUE" = redis ] && echo "redis://127.0.0.1:$REDIS_PORT/0")'
FASHION_DATA='$FASHION_DATA'
API_RATE_LIMIT='${API_RATE_LIMIT:-6000/min}'
NUM_PROXIES=1
WEB_CONCURRENCY='$WEB_CONCURRENCY'
GUNICORN_THREADS='$GUNICORN_THREADS'
STACK_VAR='$STACK_VAR'
STACK_DB='$STACK_DB'
STACK_CACHE='$STACK_CACHE'
MEMCACHED_PORT='$MEMCACHED_PORT'
STACK_QUEUE='$STACK_QUEUE'
REDIS_PORT='$REDIS_PORT'
BASE_URL='$BASE_URL'
APP_PORT='$APP_PORT'
HTTP_PORT='$HTTP_PORT'
PG_PORT='$PG_PORT'
PGDATA='$PGDATA'
PGSOCK='$PGSOCK'
PG_BIN='${PG_BIN_DIR:-}'
PG_OS_USER='${PG_USER:-}'
EOF
  # The retrain's schedule and models, when given: each `start` migrates, which sets the beat's entry.
  if [ -n "${RETRAIN_SCHEDULE:-}" ]; then echo "RETRAIN_SCHEDULE='$RETRAIN_SCHEDULE'" >>"$ENV_FILE"; fi
  if [ -n "${RETRAIN_KINDS:-}" ]; then echo "RETRAIN_KINDS='$RETRAIN_KINDS'" >>"$ENV_FILE"; fi
  chmod 600 "$ENV_FILE"
}

# Run a command with the stack's environment (and nothing of the caller's Django settings).
with_env() {
  (
    unset DATABASE_URL DEBUG SECRET_KEY PAYMENT_WEBHOOK_SECRET MEDIA_ROOT STATIC_ROOT MODELS_DIR \
      CELERY_BROKER_URL CELERY_RESULT_BACKEND CELERY_TASK_ALWAYS_EAGER
    set -a; . "$ENV_FILE"; set +a
    cd "$ROOT" && "$@"
  )
}
manage() { with_env "$PY" manage.py "$@"; }

# --------------------------------------------------------------------------- PostgreSQL
pg_running() { [ -f "$PGDATA/PG_VERSION" ] && as_pg "$PG_BIN_DIR/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

pg_start() {
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    say "initdb: a new PostgreSQL cluster in $PGDATA (runs as $PG_USER)"
    mkdir -p "$PGROOT"
    is_root && chown "$PG_USER" "$PGROOT"
    chmod 700 "$PGROOT"
    as_pg mkdir -p "$PGSOCK"
    as_pg "$PG_BIN_DIR/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=reject \
      --encoding=UTF8 --locale=C.UTF-8 >"$LOGS/initdb.log" 2>&1 \
      || { tail -20 "$LOGS/initdb.log"; die "initdb failed (log: $LOGS/initdb.log)"; }
    # Loopback and the private socket only; sized for a 2-core machine shared with the app.
    as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null <<EOF

# ---- marketplace loopback stack (scripts/stack.sh)
listen_addresses = '127.0.0.1'
unix_socket_permissions = 0700
max_connections = 100
shared_buffers = 256MB
effective_cache_size = 2GB
work_mem = 8MB
maintenance_work_mem = 128MB
log_min_duration_statement = 500
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  fi
  if pg_running; then
    say "PostgreSQL already running (port $PG_PORT, socket $PGSOCK)"
  else
    port_busy "$PG_PORT" && die "port $PG_PORT is taken by something else: set PG_PORT."
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg "$PG_BIN_DIR/pg_ctl" -D "$PGDATA" -l "$PGROOT/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $PGSOCK" start >/dev/null 9>&- \
      || { tail -20 "$PGROOT/postgres.log"; die "PostgreSQL did not start (log: $PGROOT/postgres.log)"; }
  fi
  local psql=("$PG_BIN_DIR/psql" -h "$PGSOCK" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='$PG_APP_USER'")" != 1 ]; then
    "${psql[@]}" -c "CREATE ROLE $PG_APP_USER LOGIN"
  fi
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='$PG_APP_DB'")" != 1 ]; then
    say "creating database $PG_APP_DB"
    "${psql[@]}" -c "CREATE DATABASE $PG_APP_DB OWNER $PG_APP_USER"
  fi
}

pg_stop() {
  if pg_running; then
    say "stopping PostgreSQL"
    as_pg "$PG_BIN_DIR/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  fi
}

# --------------------------------------------------------------------------- memcached
memcached_start() {
  [ "$STACK_CACHE" = memcached ] || return 0
  command -v memcached >/dev/null || die "memcached not found (apt-get install memcached, or STACK_CACHE=none)."
  if pid_alive "$RUN/memcached.pid" && port_busy "$MEMCACHED_PORT"; then
    say "memcached already running (127.0.0.1:$MEMCACHED_PORT)"
    return
  fi
  rm -f "$RUN/memcached.pid"  # a killed memcached may linger as a zombie: its pid is no proof
  port_busy "$MEMCACHED_PORT" && die "port $MEMCACHED_PORT is taken by something else: set MEMCACHED_PORT."
  say "starting memcached on 127.0.0.1:$MEMCACHED_PORT"
  # Not -d: as root memcached drops to `nobody`, who could not write its pid file under var/run.
  # It runs in its own session instead, detached from this shell; the pid is the job's.
  local user=(); is_root && user=(-u nobody)
  setsid memcached "${user[@]}" -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -m "$MEMCACHED_MB" -c 1024 \
    </dev/null >>"$LOGS/memcached.log" 2>&1 9>&- &
  echo $! >"$RUN/memcached.pid"
  for _ in $(seq 1 40); do port_busy "$MEMCACHED_PORT" && return; sleep 0.1; done
  die "memcached did not start (log: $LOGS/memcached.log)"
}

memcached_stop() { stop_pidfile memcached TERM 20 KILL; }

# --------------------------------------------------------------------------- the task queue
# Redis is the broker (and keeps the tasks' results a day); its dump goes to var/redis, so
# queued tasks survive a restart. The worker and the one beat run the app's code: a code
# change needs `scripts/stack.sh restart` (as gunicorn does).
redis_start() {
  [ "$STACK_QUEUE" = redis ] || return 0
  command -v redis-server >/dev/null || die "redis-server not found (apt-get install redis-server, or STACK_QUEUE=none)."
  if pid_alive "$RUN/redis.pid" && port_busy "$REDIS_PORT"; then
    say "Redis already running (127.0.0.1:$REDIS_PORT)"
    return
  fi
  rm -f "$RUN/redis.pid"
  port_busy "$REDIS_PORT" && die "port $REDIS_PORT is taken by something else: set REDIS_PORT."
  say "starting Redis on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$STACK_VAR/redis"
  # As root, Redis runs as `nobody` (setpriv execs it: the job's pid is Redis's own).
  local user=()
  if is_root; then
    chown nobody "$STACK_VAR/redis"
    user=(setpriv --reuid nobody --regid "$(id -g nobody)" --clear-groups)
  fi
  setsid "${user[@]}" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --dir "$STACK_VAR/redis" --save "60 1" --daemonize no --logfile "" \
    </dev/null >>"$LOGS/redis.log" 2>&1 9>&- &
  echo $! >"$RUN/redis.pid"
  for _ in $(seq 1 50); do port_busy "$REDIS_PORT" && return; sleep 0.1; done
  die "Redis did not start (log: $LOGS/redis.log)"
}

redis_stop() { stop_pidfile redis TERM 40 KILL; }  # TERM: Redis saves its dump, then exits

# Two workers: one for the default queue (mail: short jobs, prefork processes) and one for the
# long queue (training, the audit, photo embeddings), so a retrain never holds the mail back.
# The long one runs its job in a thread of its main process: a pool's child process is
# daemonic, and joblib (scikit-learn's parallelism) then falls back to one core.
worker_start() {
  [ "$STACK_QUEUE" = redis ] || return 0
  local name queues pool
  for name in celery-worker celery-long; do
    if pid_alive "$RUN/$name.pid"; then
      say "$name already running (pid $(cat "$RUN/$name.pid"))"
      continue
    fi
    if [ "$name" = celery-worker ]; then
      queues=celery; pool=(--pool prefork --concurrency "$CELERY_CONCURRENCY")
    else
      queues=long; pool=(--pool threads --concurrency 1)
    fi
    rm -f "$RUN/$name.pid"  # a stale file would pass wait_pidfile before the new one is written
    say "starting $name (queue $queues; log: $LOGS/$name.log)"
    with_env "$CELERY" --workdir "$ROOT" -A marketplace worker --queues "$queues" "${pool[@]}" \
      --hostname "$queues@%h" --loglevel INFO --detach \
      --pidfile "$RUN/$name.pid" --logfile "$LOGS/$name.log" 9>&-
    wait_pidfile "$name" || die "$name did not start (log: $LOGS/$name.log)"
  done
}

# One beat for the whole deployment: two would send every scheduled task twice.
beat_start() {
  [ "$STACK_QUEUE" = redis ] || return 0
  if pid_alive "$RUN/celery-beat.pid"; then
    say "Celery beat already running (pid $(cat "$RUN/celery-beat.pid"))"
    return
  fi
  rm -f "$RUN/celery-beat.pid"  # a stale file would pass wait_pidfile before the new one is written
  say "starting Celery beat (the database's schedule; log: $LOGS/celery-beat.log)"
  with_env "$CELERY" --workdir "$ROOT" -A marketplace beat --loglevel INFO --detach \
    --pidfile "$RUN/celery-beat.pid" --logfile "$LOGS/celery-beat.log" 9>&-
  wait_pidfile celery-beat || die "Celery beat did not start (log: $LOGS/celery-beat.log)"
}

wait_pidfile() {  # name: a detached process wrote $RUN/<name>.pid and runs 2 s later
  # It writes the file once Django and the app are imported: a minute and more on a busy
  # 2-core machine while gunicorn and the workers load the models too. The file is read
  # afresh for 10 s: a busy machine once caught Celery's detached worker between the file
  # and its process (it ran, yet the start was reported failed); one that dies stays dead.
  for _ in $(seq 1 1800); do [ -s "$RUN/$1.pid" ] && break; sleep 0.1; done
  sleep 2
  for _ in $(seq 1 10); do pid_alive "$RUN/$1.pid" && return 0; sleep 1; done
  return 1
}

# Warm shutdown: a running job gets 30 s, then it is killed; acks late, so it runs again later.
worker_stop() { stop_pidfile celery-worker TERM 120 KILL; stop_pidfile celery-long TERM 120 KILL; }
beat_stop() { stop_pidfile celery-beat TERM 40 KILL; }

# --------------------------------------------------------------------------- the app's data
setup_app() {
  say "migrate"
  manage migrate --noinput >"$LOGS/migrate.log" 2>&1 || { tail -30 "$LOGS/migrate.log"; die "migrate failed"; }

  local marker="$STACK_VAR/.catalog-imported" want="limit=${CATALOG_LIMIT:-all} data=$FASHION_DATA"
  if [ "$(cat "$marker" 2>/dev/null)" = "$want" ]; then
    say "catalog already imported ($want)"
  else
    [ -f "$FASHION_DATA/styles.csv" ] || die "No catalog at $FASHION_DATA: set FASHION_DATA to the dataset folder (styles.csv + images/)."
    say "importing the catalog from $FASHION_DATA${CATALOG_LIMIT:+ (at most $CATALOG_LIMIT products)}"
    manage import_catalog "$FASHION_DATA" ${CATALOG_LIMIT:+--limit "$CATALOG_LIMIT"} --show-rejected 0 \
      >"$LOGS/import.log" 2>&1 || { tail -30 "$LOGS/import.log"; die "import_catalog failed"; }
    tail -1 "$LOGS/import.log"
    echo "$want" >"$marker"
  fi

  if [ "$STACK_TRAIN" = 1 ]; then
    if ! manage help train_models >/dev/null 2>&1; then
      say "no train_models command yet: the models are not trained (/readyz will say so)"
    elif [ -f "$STACK_VAR/models/manifest.json" ] && [ -f "$STACK_VAR/.models-trained" ] \
        && ! manage help train_models 2>/dev/null | grep -q -- --if-missing; then
      say "models already trained ($STACK_VAR/models)"
    else
      # With --if-missing an up-to-date models folder costs a look at its manifest; a model a
      # newer checkout adds (a new artifact) is built.
      say "train_models (log: $LOGS/train.log)"
      local args=()
      manage help train_models 2>/dev/null | grep -q -- --if-missing && args+=(--if-missing)
      if manage train_models "${args[@]}" >"$LOGS/train.log" 2>&1; then
        touch "$STACK_VAR/.models-trained"
      else
        tail -5 "$LOGS/train.log" | sed 's/^/    /'
        say "WARNING: train_models failed (log: $LOGS/train.log); going on without models: /readyz says 503"
      fi
    fi
  fi

  if manage help create_demo_users >/dev/null 2>&1 && [ ! -f "$STACK_VAR/.demo-users" ]; then
    manage create_demo_users >"$LOGS/demo-users.log" 2>&1 && touch "$STACK_VAR/.demo-users"
  fi

  say "collectstatic"
  manage collectstatic --noinput >"$LOGS/collectstatic.log" 2>&1 \
    || { tail -30 "$LOGS/collectstatic.log"; die "collectstatic failed"; }
}

# --------------------------------------------------------------------------- gunicorn
wait_http() {  # url seconds
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    if curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}

gunicorn_start() {
  if pid_alive "$RUN/gunicorn.pid"; then
    say "gunicorn already running (pid $(cat "$RUN/gunicorn.pid"), 127.0.0.1:$APP_PORT; code changes need scripts/stack.sh restart)"
    return
  fi
  port_busy "$APP_PORT" && die "port $APP_PORT is taken by something else: set APP_PORT."
  say "starting gunicorn on 127.0.0.1:$APP_PORT ($WEB_CONCURRENCY workers × $GUNICORN_THREADS threads)"
  with_env "$GUNICORN" -c "$ROOT/gunicorn.conf.py" marketplace.wsgi:application \
    --bind "127.0.0.1:$APP_PORT" --pid "$RUN/gunicorn.pid" --daemon \
    --error-logfile "$LOGS/gunicorn.log" 9>&-  # access: the app's JSON lines (request id, user) and nginx
  wait_http "http://127.0.0.1:$APP_PORT/healthz" 90 \
    || { tail -30 "$LOGS/gunicorn.log"; die "gunicorn did not answer /healthz (log: $LOGS/gunicorn.log)"; }
}

gunicorn_stop() { stop_pidfile gunicorn TERM 100 KILL; }  # graceful: up to 25 s for requests in flight

# --------------------------------------------------------------------------- nginx
render() {  # template output NAME=value...
  "$PY" - "$@" <<'EOF'
import re, sys
template, output, *pairs = sys.argv[1:]
values = dict(pair.split("=", 1) for pair in pairs)
text = open(template).read()
def fill(match):
    name = match.group(1)
    if name not in values:
        sys.exit(f"{template}: no value for ${{{name}}}")
    return values[name]
open(output, "w").write(re.sub(r"\$\{([A-Z_]+)\}", fill, text))
EOF
}

nginx_args() { echo -p "$STACK_VAR/nginx" -c "$STACK_VAR/nginx/nginx.conf" -e "$LOGS/nginx-error.log"; }

nginx_start() {
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || die "nginx not found (apt-get install nginx)."
  local nginx_cmd; nginx_cmd=$(command -v nginx || echo /usr/sbin/nginx)
  local user_directive=""
  if is_root; then
    user_directive="user nobody $(id -gn nobody 2>/dev/null || echo nogroup);"
    for path in "$STACK_VAR/static" "$STACK_VAR/media" "$ROOT/nginx/errors/50x.html"; do
      runuser -u nobody -- test -r "$path" \
        || say "warning: nginx's worker (nobody) cannot read $path: check the parent folders' permissions"
    done
  fi
  mkdir -p "$STACK_VAR/nginx"
  render "$ROOT/nginx/marketplace.conf.template" "$STACK_VAR/nginx/marketplace.conf" \
    "NGINX_LISTEN=127.0.0.1:$HTTP_PORT" "NGINX_SERVER_NAME=127.0.0.1 localhost" \
    "NGINX_UPSTREAM=127.0.0.1:$APP_PORT" "NGINX_STATIC_ROOT=$STACK_VAR/static" \
    "NGINX_MEDIA_ROOT=$STACK_VAR/media" "NGINX_ERRORS_ROOT=$ROOT/nginx/errors" \
    "NGINX_ACCESS_LOG=$LOGS/nginx-access.log"
  render "$ROOT/nginx/stack.nginx.conf.template" "$STACK_VAR/nginx/nginx.conf" \
    "NGINX_USER_DIRECTIVE=$user_directive" "STACK_VAR=$STACK_VAR" "NGINX_MIME_TYPES=/etc/nginx/mime.types"
  # shellcheck disable=SC2046
  "$nginx_cmd" -q -t $(nginx_args) || die "nginx configuration invalid ($STACK_VAR/nginx/nginx.conf)"
  if pid_alive "$RUN/nginx.pid"; then
    say "nginx already running: configuration reloaded"
    # shellcheck disable=SC2046
    "$nginx_cmd" $(nginx_args) -s reload 9>&-
  else
    port_busy "$HTTP_PORT" && die "port $HTTP_PORT is taken by something else: set HTTP_PORT."
    say "starting nginx on $BASE_URL"
    # shellcheck disable=SC2046
    "$nginx_cmd" $(nginx_args) 9>&-
  fi
  wait_http "$BASE_URL/healthz" 20 || die "nginx does not answer $BASE_URL/healthz (log: $LOGS/nginx-error.log)"
}

nginx_stop() { stop_pidfile nginx QUIT 40 TERM; }  # QUIT: graceful shutdown, up to 10 s

# --------------------------------------------------------------------------- commands
prepare() {
  [ -x "$PY" ] || die "No Python at $PY: run \`make venv\` first (or set STACK_PYTHON)."
  mkdir -p "$RUN" "$LOGS" "$STACK_VAR/media" "$STACK_VAR/static" "$STACK_VAR/models" "$STACK_VAR/throttle"
  touch "$STACK_VAR/.marketplace-stack"
  # PostgreSQL's and nginx's unprivileged users must reach their folders inside.
  chmod 755 "$STACK_VAR"
  if [ "$STACK_DB" = postgres ]; then
    PG_BIN_DIR=$(pg_bin)
    PG_USER=$(pg_os_user)
  fi
  write_env
}

start() {
  prepare
  exec 9>"$STACK_VAR/.lock"
  flock -w 600 9 || die "another stack.sh holds $STACK_VAR/.lock"
  local started=$SECONDS
  [ "$STACK_DB" = postgres ] && pg_start
  memcached_start
  redis_start
  setup_app
  gunicorn_start
  worker_start
  beat_start
  nginx_start
  say "up in $((SECONDS - started)) s: $BASE_URL  (gunicorn 127.0.0.1:$APP_PORT$([ "$STACK_DB" = postgres ] && echo ", PostgreSQL 127.0.0.1:$PG_PORT"))"
  say "readyz: $(curl -s --max-time 10 "$BASE_URL/readyz" || true)"
  say "logs: $LOGS   environment: $ENV_FILE   stop: make stack-down"
}

stop() {
  nginx_stop
  gunicorn_stop
  beat_stop
  worker_stop
  redis_stop
  memcached_stop
  if [ -f "$PGDATA/PG_VERSION" ]; then
    PG_USER=$(is_root && echo "${PG_OS_USER:-postgres}" || id -un)
    PG_BIN_DIR=$(pg_bin)
    pg_stop
  fi
  say "stopped (data kept in $STACK_VAR; \`scripts/stack.sh destroy\` deletes it)"
}

status() {
  local code=0
  if pid_alive "$RUN/nginx.pid"; then say "nginx     running (pid $(cat "$RUN/nginx.pid")) $BASE_URL"; else say "nginx     stopped"; code=1; fi
  if pid_alive "$RUN/gunicorn.pid"; then
    say "gunicorn  running (pid $(cat "$RUN/gunicorn.pid"), workers: $(pgrep -P "$(cat "$RUN/gunicorn.pid")" | tr '\n' ' '))"
  else say "gunicorn  stopped"; code=1; fi
  if [ "$STACK_CACHE" = memcached ]; then
    if pid_alive "$RUN/memcached.pid"; then say "memcached running (127.0.0.1:$MEMCACHED_PORT)"; else say "memcached stopped"; code=1; fi
  fi
  if [ "$STACK_QUEUE" = redis ]; then
    if pid_alive "$RUN/redis.pid"; then say "redis     running (127.0.0.1:$REDIS_PORT)"; else say "redis     stopped"; code=1; fi
    for name in celery-worker celery-long; do
      if pid_alive "$RUN/$name.pid"; then say "$name running (pid $(cat "$RUN/$name.pid"))"; else say "$name stopped"; code=1; fi
    done
    if pid_alive "$RUN/celery-beat.pid"; then say "beat      running (pid $(cat "$RUN/celery-beat.pid"))"; else say "beat      stopped"; code=1; fi
  fi
  if [ -f "$PGDATA/PG_VERSION" ]; then
    PG_USER=$(is_root && echo "${PG_OS_USER:-postgres}" || id -un); PG_BIN_DIR=$(pg_bin)
    if pg_running; then say "postgres  running (127.0.0.1:$PG_PORT, socket $PGSOCK)"; else say "postgres  stopped"; code=1; fi
  fi
  pid_alive "$RUN/nginx.pid" && say "readyz: $(curl -s --max-time 10 "$BASE_URL/readyz" || true)"
  return $code
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop; start ;;
  db-stop) prepare; pg_stop ;;     # fault injection (scripts/loadtest/run.py)
  db-start) prepare; pg_start ;;
  env) [ -f "$ENV_FILE" ] || die "no $ENV_FILE yet: run \`make stack\`"; cat "$ENV_FILE" ;;
  destroy)
    stop
    [ -f "$STACK_VAR/.marketplace-stack" ] || die "$STACK_VAR does not look like a stack directory; not deleting it"
    rm -rf "$STACK_VAR"
    say "deleted $STACK_VAR" ;;
  *) echo "usage: $0 start|stop|status|restart|env|destroy|db-stop|db-start" >&2; exit 2 ;;
esac
