"""What the serving app tells the others: apps holding state derived from a model (a search's
cached query parses) reset it on ``models_reloaded`` rather than being called from here."""

from django.dispatch import Signal

# Sent by :func:`serving.registry.reload_all` once every loaded model is forgotten.
models_reloaded = Signal()
