# syntax=docker/dockerfile:1.7
#
# The marketplace's images, from one file:
#   docker build -t marketplace-web .                       gunicorn + Django (the default, last stage)
#   docker build --target nginx -t marketplace-nginx .       nginx with the collected static files
# docker-compose.yml builds both. Configuration comes only from the environment (.env.example).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------------------- build
# Compilers live here only: wheels are built (if a package has none) into /opt/venv,
# which is all the final image takes, with the application and its collected static files.
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements.txt .
# torch from the CPU wheel index: the default Linux wheel pulls gigabytes of CUDA
RUN pip install --upgrade pip && pip install --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.txt
COPY . .
# collectstatic needs settings, not secrets: a throwaway key, for this command only.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput \
 && python -m compileall -q -x '/(var|media|staticfiles)/' /app

# ---------------------------------------------------------------------------- nginx
# The official image fills /etc/nginx/templates/*.template from the environment (envsubst)
# into /etc/nginx/conf.d/ at start; the NGINX_* defaults below suit docker-compose.yml.
FROM nginx:1.27-alpine AS nginx
COPY nginx/marketplace.conf.template /etc/nginx/templates/default.conf.template
COPY nginx/errors /srv/errors
COPY --from=build /app/staticfiles /srv/static
ENV NGINX_LISTEN=80 \
    NGINX_SERVER_NAME=_ \
    NGINX_UPSTREAM=web:8000 \
    NGINX_STATIC_ROOT=/srv/static \
    NGINX_MEDIA_ROOT=/srv/media \
    NGINX_ERRORS_ROOT=/srv/errors \
    NGINX_ACCESS_LOG=/dev/stdout \
    NGINX_ENVSUBST_FILTER=^NGINX_
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1/nginx-health || exit 1

# ---------------------------------------------------------------------------- web
FROM ${PYTHON_IMAGE} AS web
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=marketplace.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/srv/media \
    MODELS_DIR=/srv/models \
    FASHION_DATA=/srv/data \
    THROTTLE_CACHE_DIR=/srv/cache/throttle \
    GUNICORN_BIND=0.0.0.0:8000
# A system user without a shell or a password; it owns only what the app writes.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
 && mkdir -p /srv/media /srv/models /srv/cache/throttle /srv/data \
 && chown -R app:app /srv/media /srv/models /srv/cache
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER app
EXPOSE 8000
# Liveness: /healthz answers without touching the database. It is sent with an allowed Host.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.') or 'localhost'; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=3)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "marketplace.wsgi:application"]
