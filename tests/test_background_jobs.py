"""The production job queue: django-tasks' database backend and its worker."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from events.tasks import send_event_reminders

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the worker opens its own transactions
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_job_waits_in_the_database_until_the_worker_runs_it():
    result = send_event_reminders.enqueue()

    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == "READY"

    call_command("db_worker", batch=True, verbosity=0)

    stored.refresh_from_db()
    assert stored.status == "SUCCESSFUL"
    assert stored.return_value == 0  # no event starts within 24 hours
