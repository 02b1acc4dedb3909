import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from main.catalog_import import ImportFileError, import_catalog


class Command(BaseCommand):
    help = "Import a Fashion Product Images folder (styles.csv + images/). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=None, help="dataset folder (default FASHION_DATA)")
        parser.add_argument("--limit", type=int, default=None, help="import at most N good rows")
        parser.add_argument("--show-rejected", type=int, default=20, help="how many rejected rows to list")

    def handle(self, *args, path=None, limit=None, show_rejected=20, **options):
        data_dir = Path(path) if path else settings.FASHION_DATA
        started = time.perf_counter()
        self.stdout.write(f"Importing catalog from {data_dir}")
        try:
            report = import_catalog(data_dir=data_dir, limit=limit, progress=self.stdout.write)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        elapsed = time.perf_counter() - started
        for rejected in report.rejected[:show_rejected]:
            self.stderr.write(f"line {rejected.line}: {rejected.reason}")
        if len(report.rejected) > show_rejected:
            self.stderr.write(f"… and {len(report.rejected) - show_rejected} more rejected rows")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.created:,} new products, {report.already_present:,} already present, "
                f"{len(report.rejected):,} rows rejected, {report.missing_images:,} without image, "
                f"in {elapsed:.1f} s"
            )
        )
        if report.unlisted:
            self.stdout.write(
                f"Unlisted {report.unlisted} products imported earlier from rows that are not products."
            )
