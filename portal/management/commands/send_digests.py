"""Send the digest e-mails that are due: run it hourly from cron (safe to run as often as you like).

    python manage.py send_digests                  # every frequency
    python manage.py send_digests --frequency daily

A member gets at most one digest per period (hour for "at once", day, ISO week), and none when nothing is
new. The same job is the django-tasks task portal.notifications.tasks.send_digests.
"""

from django.core.management.base import BaseCommand

from portal.models import EmailFrequency
from portal.notifications.digests import digests_send_due


class Command(BaseCommand):
    help = "Send the digest e-mails that are due (members' daily, weekly or hourly digests)."

    def add_arguments(self, parser):
        choices = ["all", EmailFrequency.IMMEDIATE, EmailFrequency.DAILY, EmailFrequency.WEEKLY]
        parser.add_argument("--frequency", choices=choices, default="all")

    def handle(self, *args, frequency: str, **options):
        run = digests_send_due(frequency=frequency)
        self.stdout.write(f"Digests sent: {run.sent}; nothing new: {run.empty}; failed: {run.failed}.")
        for period, count in sorted(run.periods.items()):
            self.stdout.write(f"  {period}: {count}")
        if run.failed:
            self.stderr.write(self.style.ERROR(f"{run.failed} digests failed (see the log)."))
