"""Retraining the models: ``train_models`` for the kinds asked, in this process."""

from __future__ import annotations

import io

from django.core.management import call_command

KINDS = ("categorizer", "recommenders", "search", "photo")  # train_models --only's choices


def models_retrain(*, kinds: list[str], by: str) -> dict:
    """Train each kind (``KINDS``) on today's data, seller corrections and audited labels
    included; what was trained, and the command's output (the gate's verdicts among it).

    ``train_models`` registers each new version as a candidate in the model registry
    (``serving``), which promotes it only past the gate; every web worker then swaps it in
    within ``MODEL_POLL_SECONDS``, without a restart. ``by`` says who asked (the move history
    shows it)."""
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise ValueError(f"Unknown model kinds {unknown}: choose from {list(KINDS)}")
    output: dict[str, str] = {}
    for kind in kinds:
        out = io.StringIO()
        call_command("train_models", only=[kind], by=by, stdout=out)
        output[kind] = out.getvalue().strip()
    return {"trained": list(kinds), "output": output}
