#!/usr/bin/env python
"""Send one newsletter issue to many subscribers with several workers at once; check nobody gets it twice.

    .venv/bin/python scripts/bench/newsletter_send.py [--subscribers 5000] [--workers 3] [--batch 100]

1. Creates a temporary PostgreSQL database beside DATABASE_URL's (default
   postgres://postgres@127.0.0.1:5432/postgres), migrates it, builds --subscribers confirmed subscribers
   and one published issue, and starts sending it with the django-tasks dummy backend (the batches are
   queued, nobody runs them yet).
2. Starts --workers processes at once; each runs `issue_send_batch` until no delivery is queued (as
   several django-tasks workers would). Mail goes to Django's file backend, one directory per worker.
3. Counts the e-mails per recipient in the files and the send log, prints the figures, drops the database.
   Exits 1 unless every subscriber got exactly one e-mail and the issue is marked sent.

Figures are wall-clock times on a shared machine: read them as an order of magnitude.
"""

from __future__ import annotations

import argparse
import collections
import email
import email.policy
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from event_registration_race import PYTHON, ROOT, create_database, drop_database  # noqa: E402

SETUP = """
from django.contrib.auth.models import Group
from portal.demo import ensure_home_page
from portal.models import User
from portal.newsletter.factories import NewsletterIndexPageFactory, NewsletterIssuePageFactory
from portal.newsletter.models import Subscriber
from portal.newsletter.services import issue_send
Subscriber.objects.bulk_create(
    [Subscriber(email=f"reader-{{n}}@example.org", status="confirmed") for n in range({subscribers})],
    batch_size=2000,
)
home = ensure_home_page()
index = NewsletterIndexPageFactory(parent=home, slug="newsletter-archive")
issue = NewsletterIssuePageFactory(
    parent=index, slug="bench", title="Benchmark issue",
    body=[("paragraph_block", "<p>Hello</p>"),
          ("latest_pages_block", {{"heading": "Pages", "page_type": "portal.standardpage", "count": 3}})],
)
editor = User.objects.create_user("bench-editor@example.org", "x")
editor.groups.add(Group.objects.get(name="Editors"))
print("QUEUED", issue_send(issue=issue, by=editor), issue.pk)
"""

WORKER = """
from portal.newsletter.models import NewsletterDelivery
from portal.newsletter.services import issue_send_batch
sent = 0
while NewsletterDelivery.objects.filter(issue_id={issue}, status="queued").exists():
    sent += issue_send_batch(issue_id={issue})
print("SENT", sent)
"""

REPORT = """
from django.db.models import Count
from portal.newsletter.models import NewsletterIssuePage
issue = NewsletterIssuePage.objects.get(pk={issue})
print("STATUS", issue.send_status)
print("LOG", dict(issue.deliveries.values_list("status").annotate(n=Count("pk"))))
"""


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def count_recipients(mail_root: Path) -> collections.Counter:
    counts: collections.Counter = collections.Counter()
    for path in mail_root.rglob("*.log"):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                counts[str(email.message_from_bytes(raw.lstrip(), policy=email.policy.default)["To"])] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()

    database_url, admin_url = create_database(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    mail_root = Path(tempfile.mkdtemp(prefix="ucc-newsletter-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")},
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "NEWSLETTER_BATCH_SIZE": str(args.batch),
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "TEST_EMAIL_FILE_PATH": str(mail_root / "setup"),
    }
    try:
        print(f"Migrating a temporary database ({urlsafe(database_url)})...", flush=True)
        manage(env, "migrate", "--noinput")
        started = time.perf_counter()
        out = manage(env, "shell", "-c", SETUP.format(subscribers=args.subscribers))
        queued, issue = next(line.split()[1:] for line in out.splitlines() if line.startswith("QUEUED"))
        print(f"{queued} deliveries queued in {time.perf_counter() - started:.1f} s (subscribers included)")

        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [PYTHON, "manage.py", "shell", "-c", WORKER.format(issue=issue)],
                cwd=ROOT,
                env={**env, "TEST_EMAIL_FILE_PATH": str(mail_root / f"worker-{n}")},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(args.workers)
        ]
        per_worker = []
        for process in workers:
            stdout, stderr = process.communicate(timeout=3600)
            if process.returncode:
                raise RuntimeError(f"a worker failed:\n{stderr}")
            per_worker.append(
                int(next(line.split()[1] for line in stdout.splitlines() if line.startswith("SENT")))
            )
        elapsed = time.perf_counter() - started

        report = manage(env, "shell", "-c", REPORT.format(issue=issue))
        counts = count_recipients(mail_root)
        twice = sum(1 for n in counts.values() if n > 1)
        print(f"workers: {args.workers}, batch size: {args.batch}, e-mails per worker: {per_worker}")
        print(
            f"sent {sum(counts.values())} e-mails to {len(counts)} addresses in {elapsed:.1f} s "
            f"({sum(counts.values()) / elapsed:.0f} e-mails/s, process start-up included)"
        )
        print(f"addresses that got the issue more than once: {twice}")
        print(report.strip())
        ok = twice == 0 and len(counts) == args.subscribers and "STATUS sent" in report
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        drop_database(admin_url, database_url)
        shutil.rmtree(mail_root, ignore_errors=True)


def urlsafe(url: str) -> str:
    return url.split("@")[-1]


if __name__ == "__main__":
    sys.exit(main())
