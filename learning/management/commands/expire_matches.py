"""Expire bench-learning invitations nobody answered within MATCH_EXPIRY_DAYS (run daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from learning.match_services import matches_expire


class Command(BaseCommand):
    help = "Expire bench-learning invitations left unanswered for MATCH_EXPIRY_DAYS (default 21)."

    def handle(self, *args, **options):
        count = matches_expire()
        self.stdout.write(f"{count} invitation(s) expired.")
