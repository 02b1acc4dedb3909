"""Retraining the models: ``train_models`` for the kinds asked, in this process."""

from __future__ import annotations

import io

from django.core.management import call_command

KINDS = ("categorizer", "recommenders", "search", "photo")  # train_models --only's choices


def models_retrain(*, kinds: list[str]) -> dict:
    """Train each kind (``KINDS``) on today's data; what was trained, and the command's output.

    The new artifacts replace the old ones in MODELS_DIR (the artifact store, shared by every
    machine); the processes that serve them load them as the registry says (see its gate).
    """
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise ValueError(f"Unknown model kinds {unknown}: choose from {list(KINDS)}")
    output: dict[str, str] = {}
    for kind in kinds:
        out = io.StringIO()
        call_command("train_models", only=kind, stdout=out)
        output[kind] = out.getvalue().strip()
    return {"trained": list(kinds), "output": output}
