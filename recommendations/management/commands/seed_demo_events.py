"""Give a fresh demo shop some behaviour, so that the feed's collaborative part has data.

The events are SIMULATED (``ml.simulation.shoppers``): anonymous visitors whose keys start with
``sim-``, never real users. `make run` seeds them once, into an empty event log only.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from main.ml_fields import catalog_frame
from ml.simulation.shoppers import SimulationConfig, simulate_shoppers
from recommendations.models import ProductEvent

SIMULATED_PREFIX = "sim-"


class Command(BaseCommand):
    help = "Log the views, carts and purchases of simulated shoppers (demo only; skipped if events exist)."

    def add_arguments(self, parser):
        parser.add_argument("--shoppers", type=int, default=1500)
        parser.add_argument("--force", action="store_true", help="seed even if events exist")

    def handle(self, *args, shoppers=1500, force=False, **options):
        if ProductEvent.objects.exists() and not force:
            self.stdout.write("The event log is not empty: no simulated events added.")
            return
        catalog = catalog_frame()
        if catalog.empty:
            self.stdout.write("The catalog is empty: import it first.")
            return
        events, _ = simulate_shoppers(catalog, SimulationConfig(n_shoppers=shoppers))
        # The simulation's clock, moved so that its last event is now: trending decays by age.
        shift = timezone.now() - events["timestamp"].max().tz_localize("UTC")
        rows = [
            ProductEvent(
                session_key=f"{SIMULATED_PREFIX}{user}"[:40],
                product_id=int(item),
                kind=kind,
                created_at=timestamp.tz_localize("UTC") + shift,
            )
            for user, item, kind, timestamp in events[["user", "item", "event", "timestamp"]].itertuples(
                index=False
            )
        ]
        with transaction.atomic():
            ProductEvent.objects.bulk_create(rows, batch_size=5000)
        self.stdout.write(
            self.style.SUCCESS(
                f"Logged {len(rows):,} events of {shoppers:,} SIMULATED shoppers (keys {SIMULATED_PREFIX}…)."
            )
        )
