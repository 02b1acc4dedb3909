"""What may import what in the project, read from the source (every import statement, those
inside functions too):

- no import cycle between modules (a cycle works only by the order modules happen to load);
- no two apps (top-level packages) import each other: dependencies between apps go one way;
- ``ml/`` imports neither Django nor any app: it is a plain Python package the apps use;
- ``core/`` imports no app: it is what every app may build on.

Tests, migrations, scripts and docs are not read (they may import anything).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Mapping
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Folders whose Python files are not project modules (or may import anything).
NOT_READ = frozenset(
    {"tests", "migrations", "scripts", "docs", ".venv", "static", "templates", "models", "media", "var"}
)
FRAMEWORK = "django"
PLAIN_PACKAGE = "ml"  # imports neither the framework nor an app
BASE_PACKAGE = "core"  # imports no app


# ---------------------------------------------------------------------------- the walker


def project_modules(root: Path) -> dict[str, Path]:
    """Dotted name -> file of every module under ``root`` (a package by its ``__init__.py``),
    outside the :data:`NOT_READ` and hidden folders."""
    modules = {}
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in NOT_READ and not d.startswith("."))
        for file in files:
            if not file.endswith(".py"):
                continue
            parts = list(Path(folder, file).relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if parts and all(part.isidentifier() for part in parts):  # not gunicorn.conf.py
                modules[".".join(parts)] = Path(folder, file)
    return modules


def imported_names(module: str, path: Path) -> set[str]:
    """Every dotted name the import statements of ``module`` (its file: ``path``) name,
    relative ones made absolute: ``from .a import b`` in ``pkg.m`` names ``pkg.a`` and
    ``pkg.a.b`` (``b`` may be a module or a name inside ``pkg.a``)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _absolute(name: str | None, level: int, package: str) -> str:
    """The absolute name of ``from <level dots><name> import ...`` inside ``package``."""
    if not level:
        return name or ""
    parts = package.split(".")
    anchor = parts[: len(parts) - (level - 1)]
    return ".".join([*anchor, name] if name else anchor)


def import_graph(imports: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """Module -> the project modules it imports, from ``imports`` (module -> the names it
    imports). A name counts as the nearest project module holding it (``main.models.Product``:
    ``main.models``); a module's own packages are left out (Python loads them before it)."""
    graph = {}
    for module, names in imports.items():
        targets = (_project_module(name, imports) for name in names)
        graph[module] = {t for t in targets if t and not _is_within(module, t)}
    return graph


def _project_module(name: str, modules: Mapping[str, object]) -> str:
    """``name`` or its nearest enclosing name that is a project module ("" if none)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name


def _is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def read_imports(root: Path) -> dict[str, set[str]]:
    """Module -> the names it imports, for every project module under ``root``."""
    return {module: imported_names(module, path) for module, path in project_modules(root).items()}


# ---------------------------------------------------------------------------- the rules


def import_cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The import cycles: strongly connected components of more than one module (Tarjan's
    algorithm), each sorted, in name order. Recursion depth is at most the module count."""
    order: dict[str, int] = {}  # when each module was first reached
    lowest: dict[str, int] = {}  # the earliest module still on the stack it leads back to
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(module: str) -> None:
        order[module] = lowest[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.get(module, ())):
            if imported not in order:
                visit(imported)
                lowest[module] = min(lowest[module], lowest[imported])
            elif imported in on_stack:
                lowest[module] = min(lowest[module], order[imported])
        if lowest[module] == order[module]:  # ``module`` roots a component: pop it whole
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return sorted(cycles)


def top_level(name: str) -> str:
    return name.partition(".")[0]


def top_level_packages(graph: Mapping[str, set[str]]) -> set[str]:
    """The apps: top-level names with modules inside (``manage`` is a module, not an app)."""
    return {top_level(module) for module in graph if "." in module}


def app_arrows(graph: Mapping[str, set[str]]) -> set[tuple[str, str]]:
    """(app, app it imports) for every import from one app into another."""
    apps = top_level_packages(graph)
    return {
        (top_level(module), top_level(imported))
        for module, targets in graph.items()
        for imported in targets
        if top_level(module) != top_level(imported) and {top_level(module), top_level(imported)} <= apps
    }


def two_way_apps(graph: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    """Pairs of apps that import each other, each pair once, in name order."""
    arrows = app_arrows(graph)
    return sorted((a, b) for a, b in arrows if a < b and (b, a) in arrows)


def imports_out_of(package: str, imports: Mapping[str, set[str]], forbidden: set[str]) -> list[str]:
    """"module imports name" for each name a module of ``package`` imports whose top-level
    package is in ``forbidden``."""
    return sorted(
        f"{module} imports {name}"
        for module, names in imports.items()
        if top_level(module) == package
        for name in names
        if top_level(name) in forbidden
    )


# ---------------------------------------------------------------------------- the project


@pytest.fixture(scope="module")
def imports() -> dict[str, set[str]]:
    return read_imports(PROJECT_ROOT)


@pytest.fixture(scope="module")
def graph(imports) -> dict[str, set[str]]:
    return import_graph(imports)


def test_the_walker_reads_the_project(imports, graph):
    assert {"ml", "core", "main"} <= top_level_packages(graph), "the project's packages were not found"
    assert not any(top_level(module) in NOT_READ for module in imports)


def test_no_import_cycle(graph):
    cycles = import_cycles(graph)
    assert not cycles, "Import cycles:\n" + "\n".join(describe_cycle(cycle, graph) for cycle in cycles)


def describe_cycle(cycle: list[str], graph: Mapping[str, set[str]]) -> str:
    """The modules of a cycle, then which of them each one imports (the arrows to cut)."""
    arrows = [f"    {module} -> {', '.join(sorted(graph[module] & set(cycle)))}" for module in cycle]
    return "  " + ", ".join(cycle) + "\n" + "\n".join(arrows)


def test_no_two_apps_import_each_other(graph):
    pairs = two_way_apps(graph)
    assert not pairs, "Apps that import each other:\n" + "\n".join(f"{a} <-> {b}" for a, b in pairs)


def test_ml_imports_neither_django_nor_an_app(imports, graph):
    apps = top_level_packages(graph) - {PLAIN_PACKAGE}
    found = imports_out_of(PLAIN_PACKAGE, imports, apps | {FRAMEWORK})
    assert not found, "ml/ must stay a plain Python package:\n" + "\n".join(found)


def test_core_imports_no_app(imports, graph):
    found = imports_out_of(BASE_PACKAGE, imports, top_level_packages(graph) - {BASE_PACKAGE})
    assert not found, "core/ must not import an app:\n" + "\n".join(found)


# The layers, as the README's Architecture section draws them: what each app may import. A lower
# app reacts to a higher one only through signals (or a function the higher one registers), so
# a new arrow upwards fails here and the README stays true. ``ml`` and ``core`` are checked above.
MAY_IMPORT = {
    "serving": {"ml"},
    "accounts": {"core"},
    "main": {"accounts", "serving", "core", "ml"},
    "search": {"main", "serving", "core", "ml"},
    "recommendations": {"main", "accounts", "serving", "core", "ml"},
    "cart": {"main", "recommendations", "accounts", "core"},
    "payments": {"accounts", "core"},
    "orders": {"cart", "main", "payments", "recommendations", "accounts", "core"},
    "reviews": {"main", "orders", "recommendations", "accounts", "core"},
    "seller_accounts": {"main", "orders", "reviews", "search", "serving", "accounts", "core", "ml"},
    "catalog_audit": {"main", "serving", "accounts", "core", "ml"},
    "experiments": {"recommendations", "seller_accounts", "serving", "accounts", "core", "ml"},
    "monitoring": {"main", "recommendations", "seller_accounts", "serving", "accounts", "core", "ml"},
    "retraining": {"core"},
}


def test_every_app_imports_only_the_layers_below_it(graph):
    arrows = app_arrows(graph)
    project_root = "marketplace"  # settings and URLs: it may import every app
    declared = {*MAY_IMPORT, PLAIN_PACKAGE, BASE_PACKAGE, project_root}
    unknown = sorted({app for app, _ in arrows} - declared)
    assert not unknown, f"Apps without a declared layer (add them to MAY_IMPORT and the README): {unknown}"
    upwards = sorted((app, imported) for app, imported in arrows
                     if app in MAY_IMPORT and imported not in MAY_IMPORT[app])
    assert not upwards, "Imports against the layers:\n" + "\n".join(f"{a} -> {b}" for a, b in upwards)


# ---------------------------------------------------------------------------- the walker, tested


def write_package(root: Path, files: Mapping[str, str]) -> Path:
    """``files``: path under ``root`` -> source; every folder on the way gets an ``__init__.py``."""
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for folder in path.relative_to(root).parents:
            if folder != Path("."):
                (root / folder / "__init__.py").touch()
        path.write_text(source)
    return root


def test_a_cycle_through_a_function_local_import_is_found(tmp_path):
    root = write_package(tmp_path, {
        "shop/orders.py": "from shop.payments import charge\n",
        "shop/payments.py": "def charge():\n    from shop.orders import Order\n    return Order\n",
        "shop/catalog.py": "import shop.orders\n",
    })
    assert import_cycles(import_graph(read_imports(root))) == [["shop.orders", "shop.payments"]]


def test_a_one_way_arrow_passes(tmp_path):
    root = write_package(tmp_path, {
        "shop/orders.py": "from shop.payments import charge\n",
        "shop/payments.py": "import json\n",
        "cart/views.py": "from shop.orders import Order\n",
        "shop/urls.py": "",
    })
    graph = import_graph(read_imports(root))
    assert graph["shop.orders"] == {"shop.payments"} and graph["shop.payments"] == set()
    assert import_cycles(graph) == [] and two_way_apps(graph) == []
    assert app_arrows(graph) == {("cart", "shop")}


def test_two_apps_importing_each_other_are_named(tmp_path):
    root = write_package(tmp_path, {
        "cart/views.py": "from accounts.models import User\n",
        "accounts/models.py": "def basket():\n    from cart import views\n",
    })
    graph = import_graph(read_imports(root))
    assert import_cycles(graph) == [["accounts.models", "cart.views"]]
    assert two_way_apps(graph) == [("accounts", "cart")]


def test_relative_imports_resolve(tmp_path):
    root = write_package(tmp_path, {
        "shop/orders/views.py": (
            "from ..payments import charge\nfrom . import forms\nfrom .forms import OrderForm\n"
        ),
        "shop/orders/forms.py": "",
        "shop/orders/__init__.py": "from .views import *\n",
        "shop/payments.py": "",
    })
    graph = import_graph(read_imports(root))
    assert graph["shop.orders.views"] == {"shop.payments", "shop.orders.forms"}
    assert graph["shop.orders"] == {"shop.orders.views"}


def test_skipped_folders_and_outside_imports_are_not_read(tmp_path):
    root = write_package(tmp_path, {
        "shop/models.py": "import django.db\nfrom numpy import array\n",
        "shop/migrations/0001_initial.py": "from shop.models import Order\n",
        "tests/test_shop.py": "from shop.models import Order\n",
    })
    imports = read_imports(root)
    assert set(imports) == {"shop", "shop.models"}
    assert import_graph(imports)["shop.models"] == set()
    assert imports_out_of("shop", imports, {FRAMEWORK}) == ["shop.models imports django.db"]
