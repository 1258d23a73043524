"""Browser tests: a real portal server process on its own database, driven by Debian's Chromium.

The server runs `manage.py runserver` (daphne: HTTP and WebSocket) with the test settings on a database
made for the session: a temporary SQLite file, or a fresh PostgreSQL database beside DATABASE_URL's.
It is migrated and loaded with the demo community through the real commands, exactly as `make run` does.
No Django ORM runs in the test process here, so Playwright's event loop never meets Django's.
"""

import email
import email.policy
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Debian's chromium is missing: run `make browser-tools` (apt-get install chromium).")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PortalServer:
    """A running portal: its base URL and how to run more management commands against its database."""

    url: str
    env: dict[str, str]
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    cleanup: list = field(default_factory=list)

    def manage(self, *args: str, input_text: str | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            input=input_text,
            timeout=600,
        )
        if result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    @property
    def mail_dir(self) -> Path:
        return Path(self.env["TEST_EMAIL_FILE_PATH"])

    def sent_emails(self, *, to: str | None = None) -> list[email.message.EmailMessage]:
        """E-mails the server sent so far (Django's file backend), oldest first, optionally to one address."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if raw.strip():
                    messages.append(email.message_from_bytes(raw.lstrip(), policy=email.policy.default))
        if to is not None:
            messages = [m for m in messages if to in str(m["To"])]
        return messages

    def shell(self, code: str) -> str:
        """Run Python in a Django shell against the server's database; returns what it printed."""
        return self.manage("shell", "-c", code).stdout


def _postgres_database(base_url: str) -> tuple[str, callable]:
    import psycopg

    parts = urlsplit(base_url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_browser_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


@pytest.fixture(scope="session")
def portal_server():
    workdir = Path(tempfile.mkdtemp(prefix="ucc-browser-"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # Its own cache and channel-layer prefix: the test process shares the Redis server but not the data.
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        MEDIA_ROOT=str(workdir / "media"),
        TEST_EMAIL_FILE_PATH=str(workdir / "mail"),  # read with server.sent_emails()
        REDIS_PREFIX="ucc-browser",
    )
    server = PortalServer(url="", env=env)
    base_db = os.environ.get("DATABASE_URL", "")
    if base_db.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"], drop = _postgres_database(base_db)
        server.cleanup.append(drop)
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'portal.sqlite3'}"
    server.manage("migrate", "--noinput")
    server.manage("load_demo", "--seed", "2023")
    log = start_server(server, workdir / "server.log")
    yield server
    stop_server(server, log)
    for step in server.cleanup:
        step()
    shutil.rmtree(workdir, ignore_errors=True)


def start_server(server: PortalServer, log_path: Path):
    """Run the server (runserver: daphne, HTTP and WebSocket) on a free port; returns its open log."""
    port = free_port()
    server.url = f"http://127.0.0.1:{port}"
    server.log_path = log_path
    log = open(log_path, "w")
    server.process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=server.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(server.url + "/", timeout=2)
            return log
        except Exception:
            if time.monotonic() > deadline or server.process.poll() is not None:
                server.process.kill()
                raise RuntimeError(f"portal server did not start:\n{log_path.read_text()}") from None
            time.sleep(0.3)


def stop_server(server: PortalServer, log) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page, *, exclude: tuple[str, ...] = ("wagtail-userbar",)) -> list[dict]:
    """Run axe-core on the page: every rule of WCAG 2.0, 2.1 and 2.2 at levels A and AA, and best practices.

    The tags are named on purpose: axe-core leaves its WCAG 2.2 rules (target-size) off by default.
    """
    if not AXE_PATH.exists():
        raise RuntimeError("axe-core is missing: run `make browser-tools` (npm ci).")
    page.add_script_tag(path=str(AXE_PATH))
    context = {"exclude": [[selector] for selector in exclude]}
    result = page.evaluate(
        "async ([context, tags]) => await axe.run(context, {runOnly: {type: 'tag', values: tags}})",
        [context, list(AXE_TAGS)],
    )
    return result["violations"]


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe-core violation(s) on {url}:"]
    for violation in violations:
        targets = [json.dumps(node["target"]) for node in violation["nodes"][:5]]
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} -> {', '.join(targets)}"
        )
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)


def login(page, server: PortalServer, email: str, password: str) -> None:
    """Log in through the login form, as a person would (the admin's form until members get their own)."""
    page.goto(server.url + "/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
