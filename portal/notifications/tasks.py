"""Background jobs of notifications (django-tasks: run at once by default, by a worker when configured)."""

from django_tasks import task


@task()
def email_notification(*, notification_id: int) -> bool:
    from .services import notification_email_now

    return notification_email_now(notification_id=notification_id)


@task()
def send_digests(*, frequency: str = "all") -> dict:
    """Send every digest that is due now; safe to run as often as you like."""
    from .digests import digests_send_due

    return digests_send_due(frequency=frequency).as_dict()
