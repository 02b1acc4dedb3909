"""Hot-swap fixtures for the load test: register what the stack serves, and make a candidate.

``python scripts/loadtest/swap.py`` (with the stack's environment, as run.py runs it) registers
the versions the stack's store names (a store trained before the registry existed: the first
version of each kind serves), then saves a candidate categorizer, the serving one's files
copied into a fresh version folder (the serving folder is never touched), and registers it
without gating; prints ``{"kind": …, "serving": …, "candidate": …}`` as JSON. run.py then
promotes the candidate under load (``manage.py models promote``) and rolls it back.
"""

from __future__ import annotations

import json
import shutil

import _django

KIND = "categorizer"  # the slowest model to load (its sentence encoder warms up too)


def main() -> None:
    _django.setup()
    from ml.embed.text import ARTIFACT_NAME as TEXT_ENCODER
    from ml.store import METADATA_FILE
    from serving import registry, selectors, services

    services.versions_register_new(names=[TEXT_ENCODER, *registry.SERVED], trained_by="command:loadtest")
    store = registry.store()
    serving = selectors.serving_versions()[KIND]
    source = store.folder(KIND, serving)
    metadata = store.metadata(KIND, serving)

    def copy(folder):
        for path in source.iterdir():
            if path.name != METADATA_FILE:
                shutil.copy2(path, folder / path.name)

    candidate = store.save(
        KIND, None, data_fingerprint=metadata["data_fingerprint"], training_rows=metadata["training_rows"],
        metrics=metadata.get("metrics"), writer=copy, extra={"copied_from": serving},
    )
    services.version_register(metadata=candidate, trained_by="command:loadtest", run_gate=False)
    store.point(KIND, serving)  # the manifest names what serves
    print(json.dumps({"kind": KIND, "serving": serving, "candidate": candidate["version"]}))


if __name__ == "__main__":
    main()
