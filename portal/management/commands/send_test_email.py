"""Send one test e-mail through the configured backend, to check that e-mail really leaves the portal."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils import timezone

from portal.mail import email_send


class Command(BaseCommand):
    help = "Send a test e-mail (HTML and plain text) to ADDRESS through the configured e-mail backend."

    def add_arguments(self, parser):
        parser.add_argument("address", help="Where to send the test e-mail.")

    def handle(self, *args, address: str, **options):
        try:
            validate_email(address)
        except ValidationError as error:
            raise CommandError(f"Not an e-mail address: {address}") from error
        backend = settings.EMAIL_BACKEND
        self.stdout.write(f"Backend: {backend}; from: {settings.DEFAULT_FROM_EMAIL}")
        try:
            sent = email_send(
                to=[address],
                template_prefix="email/test_message",
                context={
                    "backend": backend,
                    "sent_at": timezone.now().isoformat(timespec="seconds"),
                    "from_email": settings.DEFAULT_FROM_EMAIL,
                },
                tags=["test"],
            )
        except Exception as error:  # show the provider's complaint as it is: that is the point of the command
            raise CommandError(f"Sending failed: {error.__class__.__name__}: {error}") from error
        details = f" (provider message id {sent.message_id}, status {sent.status})" if sent.message_id else ""
        self.stdout.write(self.style.SUCCESS(f"Sent to {address}{details}."))
