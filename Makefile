# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FASHION_DATA ?= $(abspath ../shared/fashion-dataset)
export FASHION_DATA
DEV_ENV := DEBUG=1

.PHONY: run worker beat test lint bench evaluate evaluate-audit evaluate-photo evaluate-vocabulary evaluate-recs evaluate-search system-deps serve setup-shop setup-db stack stack-down loadtest clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

## The marketplace on the real catalog, at http://127.0.0.1:8000, served as soon as the catalog and
## the models pages need are ready; the categorizer and the photo models train in the background
## (var/log/train-background.log) and serve without a restart when they are ready
run: venv setup-shop
	bash scripts/run.sh

## A Celery worker and the beat, for a CELERY_BROKER_URL you set (without one, make run runs
## tasks in its own process and needs neither)
worker: venv
	$(DEV_ENV) $(PY) -m celery -A marketplace worker --queues celery,long --pool threads --concurrency 2 --loglevel INFO

beat: venv
	$(DEV_ENV) $(PY) -m celery -A marketplace beat --loglevel INFO

## The catalog, demo events and accounts, and the models the pages need (recommenders, search)
setup-shop: venv
	@test -f "$(FASHION_DATA)/styles.csv" || { echo "No catalog at $(FASHION_DATA): set FASHION_DATA to your Fashion Product Images folder (styles.csv + images/)."; exit 1; }
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py import_catalog "$(FASHION_DATA)"
	$(DEV_ENV) $(PY) manage.py seed_demo_events
	$(DEV_ENV) $(PY) manage.py train_models --if-missing --only recommenders search
	$(DEV_ENV) $(PY) manage.py create_demo_users

## setup-shop, then every other model too (categorizer, photo model and index), waiting for them
setup-db: setup-shop
	$(DEV_ENV) $(PY) manage.py train_models --if-missing

## The whole test suite (installs Chromium, PostgreSQL and nginx from Debian if missing)
test: venv system-deps
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

system-deps:
	bash scripts/install-system-deps.sh

lint: venv
	$(VENV)/bin/ruff check .

## Server-time benchmark of the main pages on the full catalog (SQLite)
bench: venv setup-db
	$(DEV_ENV) $(PY) scripts/bench_pages.py

## Categorization accuracy and speed on a held-out split (name only, photo only, name + photo), then on
## names in words the catalog never uses
evaluate: venv evaluate-photo
	$(PY) -m ml.evaluate.categorization
	$(PY) -m ml.evaluate.vocabulary

## Categorization of names in words the catalog never uses: accuracy, wrong fill-ins, calibration, before/after
evaluate-vocabulary: venv
	$(PY) -m ml.evaluate.vocabulary

## Photo model: accuracy, similarity, throughput, upload time (trains it into models/evaluate-photo once)
evaluate-photo: venv
	$(PY) -m ml.evaluate.photo

## Catalog audit: precision/recall of its top suspects for 1% planted sibling-type errors, and the real suspects per confusion pair
evaluate-audit: venv
	$(PY) -m ml.evaluate.audit

## Recommendation quality on simulated shoppers, and similar-items coherence
evaluate-recs: venv
	$(PY) -m ml.evaluate.similarity
	$(PY) -m ml.evaluate.recommendations

## Search quality (precision@24 by the catalog labels) on the development query set, and its server time
evaluate-search: venv setup-db
	$(DEV_ENV) $(PY) scripts/evaluate_search.py

## The production stack on loopback (PostgreSQL + gunicorn + nginx, all under ./var): http://127.0.0.1:8080
stack: venv system-deps
	bash scripts/stack.sh start

stack-down:
	bash scripts/stack.sh stop

## 50 shoppers for 60 s through nginx, then a gunicorn worker killed and PostgreSQL restarted under load
loadtest: venv system-deps
	$(PY) scripts/loadtest/run.py

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles var
	rm -rf models/*
