"""python manage.py rescore_edition --framework ucc --edition 2023"""

import time

from django.core.management.base import BaseCommand

from benchmarks.management.commands.import_benchmark import find_edition
from benchmarks.rescoring import edition_rescore_all


class Command(BaseCommand):
    help = (
        "Rescore every published submission of an edition from its answers (points-only imports keep their "
        "stored results) and re-rank the edition, in one transaction. Prints a summary and the timing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--framework", default="ucc", help="Framework key (default: ucc).")
        parser.add_argument("--edition", required=True, help="Edition (revision) to rescore, e.g. 2023.")

    def handle(self, *args, framework: str, edition: str, **options):
        target = find_edition(framework_key=framework, revision=edition)
        started = time.perf_counter()
        report = edition_rescore_all(edition=target)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{target}: {report.summary()}")
        self.stdout.write(self.style.SUCCESS(f"Rescored {framework} {target.revision} in {elapsed:.3f} s."))
