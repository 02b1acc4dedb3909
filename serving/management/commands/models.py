from django.core.management.base import BaseCommand, CommandError

from serving import selectors, services
from serving.models import ModelVersion

# Columns of the listing, wide enough for a version name (kind-YYYYmmddHHMMSSffffff-fingerprint).
VERSION_WIDTH = 52


class Command(BaseCommand):
    help = (
        "The model registry: `models` lists every registered version (* = serving) and the gate's "
        "decision; `models promote VERSION`, `models rollback KIND`, `models diff A B` (metrics side "
        "by side), `models history [KIND]` (every move of the serving alias)."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action")
        listing = actions.add_parser("list", help="registered versions (the default)")
        listing.add_argument("--kind")
        promote = actions.add_parser("promote", help="make VERSION its kind's serving version")
        promote.add_argument("version")
        rollback = actions.add_parser("rollback", help="serve KIND's previous version again")
        rollback.add_argument("kind")
        for action in (promote, rollback):
            action.add_argument("--reason", required=True, help="recorded in the alias history")
            action.add_argument("--by", default="command:models", help='who: "person:<name>" …')
        diff = actions.add_parser("diff", help="two versions' metrics side by side")
        diff.add_argument("a")
        diff.add_argument("b")
        history = actions.add_parser("history", help="every move of the serving alias")
        history.add_argument("kind", nargs="?")

    def handle(self, *args, action=None, **options):
        try:
            getattr(self, f"_{action or 'list'}")(**options)
        except services.RegistryError as error:
            raise CommandError(str(error)) from None

    def _list(self, kind=None, **options):
        serving = selectors.serving_versions()
        rows = selectors.versions(kind=kind)
        if not rows:
            self.stdout.write("No registered versions: run `python manage.py train_models`.")
        for row in rows:
            mark = "*" if serving.get(row.kind) == row.version else " "
            state = "retired" if row.retired_at else row.gate
            self.stdout.write(
                f"{mark} {row.version:{VERSION_WIDTH}} {state:8} {row.training_rows:>7,} rows  "
                f"{row.trained_by}  {row.gate_reason}"
            )

    def _promote(self, version, reason, by, **options):
        move = services.version_promote(version=version, reason=reason, by=by)
        self.stdout.write(self.style.SUCCESS(f"{move.kind}: {move.from_version} -> {move.to_version} serves"))

    def _rollback(self, kind, reason, by, **options):
        move = services.alias_rollback(kind=kind, reason=reason, by=by)
        rolled = f"{move.kind}: rolled back {move.from_version} -> {move.to_version}"
        self.stdout.write(self.style.SUCCESS(rolled))

    def _diff(self, a, b, **options):
        try:
            rows = selectors.version_diff(a=a, b=b)
        except ModelVersion.DoesNotExist:
            raise CommandError("Both versions must be registered (see `python manage.py models`).") from None
        width = max(len(name) for name, *_ in rows)
        self.stdout.write(f"{'':{width}}  {'A':>12}  {'B':>12}  {'B - A':>10}")
        for name, left, right, delta in rows:
            change = "" if delta is None else f"{delta:+10,}" if isinstance(delta, int) else f"{delta:+10.4f}"
            self.stdout.write(f"{name:{width}}  {_cell(left):>12}  {_cell(right):>12}  {change}")
        self.stdout.write(f"A = {a}\nB = {b}")

    def _history(self, kind=None, **options):
        for move in selectors.alias_history(kind=kind):
            self.stdout.write(
                f"{move.moved_at:%Y-%m-%d %H:%M:%S} {move.kind} {move.action}: {move.from_version or '-'} -> "
                f"{move.to_version} by {move.by}: {move.reason}"
            )


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return "-" if value is None else str(value)
