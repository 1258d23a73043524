#!/usr/bin/env python
"""Fire simultaneous registrations at one event on the production server and check the capacity holds.

    .venv/bin/python scripts/bench/event_registration_race.py [--requests 200] [--seats 50] [--members 100]

1. Creates a temporary PostgreSQL database beside DATABASE_URL's (default
   postgres://postgres@127.0.0.1:5432/postgres), migrates it, and in-process builds a home page, the event
   index, one event with --seats seats, --members members with a logged-in session each, and signed
   confirmation links for the remaining visitors (as the e-mail they would receive).
2. Starts the production serve command (scripts/serve: uvicorn, ASGI, WEB_CONCURRENCY workers) with mail
   written to files, opens one connection per request, waits until all are open, then releases them at
   once: members POST the one-click registration, visitors POST their confirmation link.
3. Stops the server, counts registrations in the database (confirmed, waitlisted) and the e-mails sent,
   prints the figures and the response times, drops the database. Exits 1 unless exactly --seats are
   confirmed, the rest waitlisted, and no request failed.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import http.client
import math
import os
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = (
    str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_database(base_url: str) -> tuple[str, str]:
    import psycopg

    parts = urlsplit(base_url)
    name = f"ucc_event_race_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), admin_url


def drop_database(admin_url: str, database_url: str) -> None:
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 180) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before answering")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Stop the server we started: its own process group (scripts/serve execs uvicorn, which forks)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_scenario(*, requests: int, seats: int, members: int) -> tuple[int, list[tuple[str, str, dict]]]:
    """The event and one ready-to-send POST per person: (label, path, headers)."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from events import services
    from events.factories import EventIndexPageFactory, EventPageFactory
    from portal.demo import ensure_home_page

    home = ensure_home_page()
    index = EventIndexPageFactory(parent=home, slug="events", title="Events")
    event = EventPageFactory(
        parent=index,
        slug="race",
        title="UserCentriCities annual summit (race test)",
        capacity=seats,
        start_date=timezone.localdate() + dt.timedelta(days=30),
        time_zone="Europe/Lisbon",
    )
    event.save_revision().publish()
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(email=f"race-member-{n}@example.org", first_name="Member", last_name=str(n), password="!")
            for n in range(members)
        ]
    )
    alphabet = string.ascii_letters + string.digits
    planned = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        csrf = "".join(secrets.choice(alphabet) for _ in range(32))
        cookies = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
        headers = {"Cookie": cookies, "X-CSRFToken": csrf}
        planned.append(("member", event.url + "register/", headers))
    for n in range(requests - members):
        token = services.confirmation_token(
            event=event, name=f"Visitor {n}", email=f"race-visitor-{n}@example.org"
        )
        csrf = "".join(secrets.choice(alphabet) for _ in range(32))
        headers = {"Cookie": f"{settings.CSRF_COOKIE_NAME}={csrf}", "X-CSRFToken": csrf}
        planned.append(("visitor", f"/registrations/confirm/{token}/", headers))
    return event.pk, planned


def fire(port: int, planned: list[tuple[str, str, dict]]) -> list[dict]:
    """One connection per request, all opened first; a barrier releases every request at the same moment."""
    barrier = threading.Barrier(len(planned))
    results: list[dict] = [{} for _ in planned]

    def one(i: int, label: str, path: str, headers: dict) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.connect()
            barrier.wait()
            started = time.perf_counter()
            conn.request(
                "POST",
                path,
                body=b"",
                headers={**headers, "Host": "127.0.0.1", "Content-Type": "application/x-www-form-urlencoded"},
            )
            response = conn.getresponse()
            response.read()
            results[i] = {
                "label": label,
                "status": response.status,
                "location": response.getheader("Location", ""),
                "ms": (time.perf_counter() - started) * 1000,
                "end": time.perf_counter(),
            }
        except Exception as error:  # reported, not raised: the count of errors is a result
            results[i] = {
                "label": label,
                "status": 0,
                "error": repr(error),
                "ms": 0.0,
                "end": time.perf_counter(),
            }
        finally:
            conn.close()

    threads = [threading.Thread(target=one, args=(i, *item)) for i, item in enumerate(planned)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def count_mail(mail_dir: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in mail_dir.glob("*.log"):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                message = email.message_from_bytes(raw.lstrip(), policy=email.policy.default)
                subject = str(message["Subject"]).split(":", 1)[0]
                counts[subject] = counts.get(subject, 0) + 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="simultaneous registrations (default 200)")
    parser.add_argument("--seats", type=int, default=50, help="the event's capacity (default 50)")
    parser.add_argument("--members", type=int, default=100, help="how many are members, the rest visitors")
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary directory")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        base_url = "postgres://postgres@127.0.0.1:5432/postgres"

    tmp = Path(tempfile.mkdtemp(prefix="ucc-race-"))
    database_url, admin_url = create_database(base_url)
    port = free_port()
    server_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(args.workers),
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp / "mail"),
        "SERVE_MIGRATE": "0",
        "PY": PYTHON,
    }
    process = None
    try:
        print(
            f"- migrate a temporary PostgreSQL database ({urlsplit(database_url).path[1:]}) ...", flush=True
        )
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=server_env, check=True
        )
        setup_django(
            {key: server_env[key] for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY")}
        )
        from django.db import connections

        event_id, planned = build_scenario(requests=args.requests, seats=args.seats, members=args.members)
        connections.close_all()
        print(f"- scripts/serve on 127.0.0.1:{port} with {args.workers} workers ...", flush=True)
        log = open(tmp / "server.log", "wb")
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "serve")],
            cwd=ROOT,
            env=server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_up(port, process)
        for _ in range(4 * args.workers):  # warm every worker up on the event page
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/events/race/", headers={"Host": "127.0.0.1"})
            conn.getresponse().read()
            conn.close()
        print(f"- {args.requests} simultaneous registrations for {args.seats} seats ...", flush=True)
        started = time.perf_counter()
        results = fire(port, planned)
        wall = max(r["end"] for r in results) - started
        time.sleep(1)  # the last e-mails are written after the responses
    except BaseException:
        if (tmp / "server.log").exists():
            sys.stderr.write((tmp / "server.log").read_text(errors="replace")[-3000:])
        if not args.keep:
            drop_database(admin_url, database_url)
        raise
    finally:
        if process is not None:
            stop(process)

    from django.db.models import Count

    from events.models import Registration

    by_status = dict(
        Registration.objects.filter(event_id=event_id)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    confirmed, waitlisted = by_status.get("confirmed", 0), by_status.get("waitlisted", 0)
    redirects = sum(1 for r in results if r["status"] == 302 and "/registrations/" in r["location"])
    errors = [r for r in results if not (r["status"] == 302 and "/registrations/" in r["location"])]
    times = [r["ms"] for r in results if r["status"]]
    mail = count_mail(tmp / "mail")
    from django.db import connection, connections

    vendor = connection.vendor
    connections.close_all()

    ok = confirmed == args.seats and waitlisted == args.requests - args.seats and not errors
    print()
    print(
        f"Event registration race ({vendor}, scripts/serve with {args.workers} uvicorn workers, "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]})"
    )
    print(
        f"requests: {args.requests} at once ({args.members} members one-click, "
        f"{args.requests - args.members} visitors confirming their e-mail link), seats: {args.seats}"
    )
    print(
        f"confirmed: {confirmed}   waitlisted: {waitlisted}   errors: {len(errors)}   "
        f"(responses redirecting to a registration: {redirects})"
    )
    if times:
        print(
            f"response time: median {statistics.median(times):.0f} ms, p95 {p95(times):.0f} ms, "
            f"max {max(times):.0f} ms; all {args.requests} answered in {wall:.2f} s "
            f"({args.requests / wall:.0f} registrations/s)"
        )
    print("e-mails sent: " + (", ".join(f"{subject} x{n}" for subject, n in sorted(mail.items())) or "none"))
    for error in errors[:5]:
        print(f"  error: {error}")
    print("RESULT: " + ("OK, capacity held exactly" if ok else "FAILED"))

    if args.keep:
        print(f"kept: {tmp} and database {database_url}")
    else:
        drop_database(admin_url, database_url)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
