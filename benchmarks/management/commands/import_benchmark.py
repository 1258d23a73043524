"""python manage.py import_benchmark --framework ucc --edition 2023 FILE.csv [--dry-run]"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benchmarks import selectors
from benchmarks.importing import FORMAT_ANSWERS, BenchmarkImportError, ImportReport, benchmark_import
from benchmarks.models import Edition, Framework

FORMAT_LABELS = {
    FORMAT_ANSWERS: "answers (one row per authority and indicator)",
    "points": "points (the published yes/n per sub-pillar, one row per authority)",
}


def find_edition(*, framework_key: str, revision: str) -> Edition:
    """The edition, or a CommandError that says what exists."""
    edition = selectors.edition_get(framework_key=framework_key, revision=revision)
    if edition is not None:
        return edition
    if not Framework.objects.filter(key=framework_key).exists():
        known = ", ".join(Framework.objects.values_list("key", flat=True)) or "none"
        raise CommandError(f"unknown framework {framework_key!r} (known frameworks: {known})")
    known = ", ".join(e.revision for e in selectors.editions_of(framework_key=framework_key)) or "none"
    raise CommandError(f"framework {framework_key!r} has no edition {revision!r} (editions: {known})")


class Command(BaseCommand):
    help = (
        "Import benchmark results from a CSV file (answers or published points per sub-pillar; the format "
        "is detected from the header). All or nothing: any error changes nothing. Imported results are "
        "published, scored and ranked."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="UTF-8 CSV file to import ('-' reads standard input).")
        parser.add_argument("--framework", default="ucc", help="Framework key (default: ucc).")
        parser.add_argument("--edition", required=True, help="Edition (revision) to import into, e.g. 2023.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and show what would happen, then roll back."
        )
        parser.add_argument("--top", type=int, default=10, help="Ranking lines to show (default 10, 0 all).")

    def handle(self, *args, file: str, framework: str, edition: str, dry_run: bool, top: int, **options):
        target = find_edition(framework_key=framework, revision=edition)
        if file == "-":
            data, name = sys.stdin.buffer.read(), "<stdin>"
        else:
            path = Path(file)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from exc
            name = path.name
        try:
            report = benchmark_import(edition=target, data=data, filename=name, dry_run=dry_run)
        except BenchmarkImportError as exc:
            count = len(exc.errors)
            raise CommandError(
                f"{name}: nothing imported, {count} error{'s' if count != 1 else ''}:\n"
                + "\n".join(f"  {error}" for error in exc.errors)
            ) from exc
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        self.print_report(report, top=top)

    def print_report(self, report: ImportReport, *, top: int) -> None:
        write = self.stdout.write
        if report.dry_run:
            write(self.style.NOTICE("Dry run: nothing was saved. The import would do this:"))
        write(f"file: {report.filename}")
        write(f"format: {FORMAT_LABELS[report.format]}")
        write(f"edition: {report.framework} {report.revision}")
        write(f"rows read: {report.rows}")
        created = report.created
        write(
            f"authorities: {len(report.submissions)} ({len(created)} created"
            + (f": {', '.join(created)}" if created else "")
            + ")"
        )
        write(
            f"published: {len(report.submissions)} new version{'s' if len(report.submissions) != 1 else ''}"
            f", {report.superseded} previous version{'s' if report.superseded != 1 else ''} superseded"
        )
        if report.warnings:
            write(f"warnings: {len(report.warnings)} (see above)")
        shown = report.ranking if top <= 0 else report.ranking[:top]
        write(f"ranking {report.framework} {report.revision} (top {len(shown)} of {len(report.ranking)}):")
        width = max((len(line.authority) for line in shown), default=9)
        write(f"  {'rank':>4}  {'authority':<{width}}  percent")
        for line in shown:
            write(f"  {line.rank:>4}  {line.authority:<{width}}  {line.percent:>5} %")
        verb = "would be imported" if report.dry_run else "imported"
        write(self.style.SUCCESS(f"{len(report.submissions)} authorities {verb}."))
