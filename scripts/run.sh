#!/usr/bin/env bash
# `make run`: serve the shop now, and train the slow models meanwhile.
#
# `make setup-shop` has imported the catalog and built the models pages need. The categorizer
# and the photo model and index take minutes more: they train here in the background, at a
# lower priority than the server, and each is registered and promoted as it finishes; the
# server's model poller (serving.registry, every MODEL_POLL_SECONDS) swaps it in without a
# restart. Until then the seller's form and search by photo say the model is not trained yet.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
LOG=var/log/train-background.log
export DEBUG=1
mkdir -p "$(dirname "$LOG")"

# Quick first versions (the categorizer's measured trial fit, the photo model's quick recipe:
# minutes); where there were none, the full ones follow, the photo model first (its quick
# recipe is 2 points short, the quick categorizer only its train split's rows), and each
# replaces its quick version by the same hot swap when the registry's gate passes it.
full_photo=0
full_categorizer=0
[ -d "${MODELS_DIR:-models}/photo" ] || full_photo=1
[ -d "${MODELS_DIR:-models}/categorizer" ] || full_categorizer=1
(
  nice -n 10 "$PY" manage.py train_models --if-missing --only categorizer photo --quick
  if [ "$full_photo" = 1 ]; then nice -n 10 "$PY" manage.py train_models --only photo; fi
  if [ "$full_categorizer" = 1 ]; then nice -n 10 "$PY" manage.py train_models --only categorizer; fi
) >"$LOG" 2>&1 &
trainer=$!
# Stopping the server stops the training too; the next `make run` starts what is missing again.
trap 'pkill -P "$trainer" 2>/dev/null; kill "$trainer" 2>/dev/null || true' EXIT
echo "Training the categorizer and the photo models in the background (log: $LOG);"
echo "they serve as soon as each is ready, without a restart."

"$PY" manage.py runserver 127.0.0.1:8000
