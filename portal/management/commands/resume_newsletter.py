"""Resume sending an issue after a worker stopped: queue batches for the deliveries still queued."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from portal.newsletter.models import NewsletterIssuePage
from portal.newsletter.selectors import issue_delivery_counts
from portal.newsletter.services import issue_enqueue_batches, issue_release_interrupted


class Command(BaseCommand):
    help = (
        "Queue the remaining batches of a newsletter issue that is being sent. Deliveries already sent are "
        "never sent again. With --release-interrupted MINUTES, deliveries left half-way by a dead worker for "
        "longer than that are marked failed (not retried, so nobody can get the issue twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument("issue", type=int, help="The issue page's id.")
        parser.add_argument("--release-interrupted", type=int, metavar="MINUTES", default=None)

    def handle(self, *args, issue: int, release_interrupted: int | None, **options):
        page = NewsletterIssuePage.objects.filter(pk=issue).first()
        if page is None:
            raise CommandError(f"No newsletter issue with id {issue}.")
        if page.send_status != NewsletterIssuePage.SendStatus.SENDING:
            raise CommandError(
                f"“{page.title}” is not being sent (status: {page.get_send_status_display()})."
            )
        if release_interrupted is not None:
            released = issue_release_interrupted(
                issue_id=page.pk, older_than=timedelta(minutes=release_interrupted)
            )
            self.stdout.write(f"Marked {released} interrupted deliveries as failed.")
        batches = issue_enqueue_batches(issue_id=page.pk)
        self.stdout.write(f"Queued {batches} batches.")
        counts = issue_delivery_counts(issue=page)
        self.stdout.write(", ".join(f"{status}: {n}" for status, n in counts.items()))
