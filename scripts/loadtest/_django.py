"""Set Django up for the load-test helper scripts (run with the stack's environment)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
