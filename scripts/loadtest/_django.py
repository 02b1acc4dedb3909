"""Set Django up for the load-test helper scripts (run with the stack's environment), and read
that environment."""

import os
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STACK_VAR = Path(os.environ.get("STACK_VAR", ROOT / "var"))


def stack_env() -> dict[str, str]:
    """The loopback stack's environment (``var/stack.env``, written by scripts/stack.sh)."""
    env = {}
    for line in (STACK_VAR / "stack.env").read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            env[key.strip()] = shlex.split(value)[0] if value.strip() else ""
    return env


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
