"""The embedded SQLite default survives two requests that write at once (portal/sqlite.py).

Two threads each open a transaction, read, wait for the other, then write: what the admin's autosave and
Publish did when they met. With SQLite's default deferred transactions one of them fails with "database
is locked" (shown by the control case, so this test can fail); with the portal's SQLITE_OPTIONS the second
waits for the first and both rows are written.
"""

import threading
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, transaction
from django.db.utils import ConnectionHandler

from portal.sqlite import SQLITE_OPTIONS


def race(path, options: dict) -> list[BaseException]:
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options}}
    )
    with handler["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS visit (id INTEGER PRIMARY KEY, who TEXT)")
    handler.close_all()
    both_read = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(who: str) -> None:
        try:
            with transaction.atomic():
                with handler["default"].cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM visit")
                    try:
                        both_read.wait(timeout=1)  # with IMMEDIATE the other thread is still waiting
                    except threading.BrokenBarrierError:
                        pass
                    cursor.execute("INSERT INTO visit (who) VALUES (%s)", [who])
        except BaseException as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            handler["default"].close()

    # transaction.atomic() resolves "default" through django.db.connections: point it at this handler.
    with mock.patch("django.db.transaction.connections", handler):
        threads = [threading.Thread(target=write, args=(who,)) for who in ("autosave", "publish")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    with handler["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM visit")
        errors.append(cursor.fetchone()[0])
    handler.close_all()
    return errors


@pytest.fixture
def unblocked(django_db_blocker):
    """A database file of the test's own, outside pytest-django's test database."""
    with django_db_blocker.unblock():
        yield


def test_two_writers_both_succeed_with_the_portal_options(tmp_path, unblocked):
    *errors, rows = race(tmp_path / "portal.sqlite3", SQLITE_OPTIONS)
    assert errors == []
    assert rows == 2


def test_control_default_deferred_transactions_lose_a_write(tmp_path, unblocked):
    *errors, rows = race(tmp_path / "default.sqlite3", {"timeout": 20})
    assert len(errors) == 1 and isinstance(errors[0], OperationalError)
    assert "locked" in str(errors[0])
    assert rows == 1


@pytest.mark.parametrize("key", ["transaction_mode", "init_command", "timeout"])
def test_sqlite_settings_use_the_options(key):
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the suite runs on another database")
    assert django_settings.DATABASES["default"]["OPTIONS"][key] == SQLITE_OPTIONS[key]
