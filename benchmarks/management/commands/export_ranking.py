"""python manage.py export_ranking --framework ucc --edition 2023 [--format csv|json] [--answers]"""

import io
import json

from django.core.management.base import BaseCommand, CommandError

from benchmarks import exports, selectors
from benchmarks.management.commands.import_benchmark import find_edition


class Command(BaseCommand):
    help = (
        "Print an edition's published ranking (or, with --answers, all its published answers) as CSV or "
        "JSON on standard output. The ranking CSV starts with rank,authority,percent, in rank order."
    )

    def add_arguments(self, parser):
        parser.add_argument("--framework", default="ucc", help="Framework key (default: ucc).")
        parser.add_argument(
            "--edition", help="Edition (revision), e.g. 2023 (default: the newest with published results)."
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv", help="Output format.")
        parser.add_argument("--answers", action="store_true", help="Export the answers, not the ranking.")

    def handle(self, *args, framework: str, edition: str | None, format: str, answers: bool, **options):
        if edition:
            target = find_edition(framework_key=framework, revision=edition)
        else:
            target = selectors.default_edition(framework_key=framework)
            if target is None:
                raise CommandError(f"framework {framework!r} has no edition")
        if format == "json":
            data = exports.answers_json(edition=target) if answers else exports.ranking_json(edition=target)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        buffer = io.StringIO()
        if answers:
            exports.write_answers_csv(edition=target, out=buffer)
        else:
            exports.write_ranking_csv(edition=target, out=buffer)
        self.stdout.write(buffer.getvalue(), ending="")
