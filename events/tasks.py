"""Background jobs of the events app (django-tasks): e-mails after a registration changes, and reminders.

With the default backend they run at once; with a django-tasks database backend and its worker they run
in the background. `send_event_reminders` is also what the `send_event_reminders` command runs for cron.
"""

from django_tasks import task

from . import services
from .emails import send_confirmation_link_email, send_registration_email
from .models import EventPage, Registration


@task()
def send_registration_message(*, registration_id: int, kind: str) -> None:
    registration = Registration.objects.select_related("event").get(pk=registration_id)
    send_registration_email(registration=registration, kind=kind)


@task()
def send_confirmation_link(*, event_id: int, name: str, email: str, token: str) -> None:
    send_confirmation_link_email(
        event=EventPage.objects.get(pk=event_id), name=name, email=email, token=token
    )


@task()
def send_event_reminders() -> int:
    """E-mail the confirmed attendees of events starting within 24 hours; never twice."""
    return services.reminders_send_due()
