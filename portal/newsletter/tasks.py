"""Background jobs of the newsletter (django-tasks: immediate by default, a worker with TASKS_BACKEND)."""

from django_tasks import task


@task()
def send_newsletter_batch(issue_id: int) -> int:
    """Send one batch of an issue (NEWSLETTER_BATCH_SIZE deliveries). Idempotent; returns how many sent."""
    from .services import issue_send_batch

    return issue_send_batch(issue_id=issue_id)
