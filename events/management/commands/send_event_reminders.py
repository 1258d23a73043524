"""Send the reminder e-mail to everyone confirmed for an event starting within 24 hours.

Run it from cron (every 15 minutes is plenty); it never sends a reminder twice, even when two runs
overlap. `--enqueue` hands the work to the django-tasks backend instead (TASKS_BACKEND) and returns.
"""

from django.core.management.base import BaseCommand

from events.tasks import send_event_reminders


class Command(BaseCommand):
    help = "E-mail reminders for events starting within 24 hours (idempotent: never twice)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the job on the django-tasks backend instead of running it.",
        )

    def handle(self, *args, enqueue: bool, **options):
        if enqueue:
            result = send_event_reminders.enqueue()
            self.stdout.write(f"Queued reminder job {result.id}.")
            return
        sent = send_event_reminders.call()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder(s)."))
