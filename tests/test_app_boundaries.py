"""Arrows between apps point one way: accounts imports no other app of the project (it
announces with signals), and payments does not import orders (it announces outcomes)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_APPS = {"accounts", "main", "cart", "orders", "payments", "seller_accounts", "catalog_audit"}


def _imported_apps(app: str) -> set[str]:
    """The project apps any module of ``app`` imports (function-local imports included)."""
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found |= {name.split(".")[0] for name in names} & PROJECT_APPS
    return found - {app}


@pytest.mark.parametrize(
    ("app", "must_not_import"),
    [
        ("accounts", PROJECT_APPS - {"accounts"}),
        ("payments", {"orders", "cart", "seller_accounts", "main"}),
        ("cart", {"orders", "payments", "seller_accounts"}),
        ("orders", {"seller_accounts"}),
    ],
)
def test_an_app_imports_only_downstream(app, must_not_import):
    assert _imported_apps(app) & must_not_import == set()
