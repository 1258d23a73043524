#!/usr/bin/env python
"""Live discussions under load: N WebSocket clients in R rooms against a running ASGI server with Redis.

In one command (starts the server below, runs this script, stops the server):
    createdb -h 127.0.0.1 -U postgres wsbench
    scripts/bench/benchmark_websockets.sh wsbench 8180 --clients 500 --rooms 10 --messages 20

By hand:

    # 1. the production server (uvicorn workers, Redis channel layer), with a posting limit above the load:
    SECRET_KEY=bench SECURE_SSL_REDIRECT=0 DISCUSSION_RATE_LIMIT=1000/60 \
      REDIS_URL=redis://127.0.0.1:6379/8 \
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/discuss PORT=8180 WEB_CONCURRENCY=2 \
      scripts/serve
    # 2. this script, on the same database and with the same SECRET_KEY (it writes the members' sessions
    #    itself; with another key the server reads them as corrupted and refuses every socket with 4401):
    SECRET_KEY=bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/discuss .venv/bin/python \
      scripts/bench/benchmark_websockets.py --url http://127.0.0.1:8180 \
      [--clients 500 --rooms 10 --messages 20]

Creates (idempotently) `clients` members bench-ws-<i>@example.org and `rooms` theme rooms bench-room-<r>,
logs each member in by writing a Django session (the cookie the browser would carry), then opens every
socket with that cookie and an allowed Origin (the server checks both), reading from each as soon as it
is open. Posting starts once every socket is open and the joins' presence updates have died down (no
frame for `--quiet` seconds), so the posts measure the room, not the tail of the connection storm, and
one warm-up message per room has been posted (`--warmup`, not counted: a worker's first post populates
Django's URL resolver and imports the Markdown renderer, a second or so of CPU on this machine).
Then in each room `--messages` messages are posted over the socket by rotating members, spread over
`--seconds` (`--seconds 0`: all at once, to see the throughput). Each message carries its send time;
every member of the room records when it arrives, so the delivery latency covers the whole path:
socket -> consumer -> PostgreSQL -> Redis group_send -> every socket.

Prints: connections, messages posted, deliveries expected and received (each message must reach every
member of its room, the sender included), latency p50/p95/p99/max, messages and deliveries per second,
the server's resident memory per connection (RSS of the uvicorn processes before and after connecting,
from /proc), and the CPU seconds the server processes and this client spent while posting (the client
is one asyncio process on uvloop when installed; when its CPU time nears the wall time it is the
bottleneck, and its latencies are too high). Figures only, no assertions; the machine is shared, so
report them with that caveat.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

STAMP = re.compile(r"bench (\d+) (\d+) ([0-9.]+)")


def prepare(*, clients: int, rooms: int) -> tuple[list[str], list[str]]:
    """Members, rooms and one session per member; returns (session keys, room slugs)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.utils.module_loading import import_string

    from learning.models import Room
    from portal import roles

    User = get_user_model()
    members = Group.objects.get_or_create(name=roles.MEMBERS)[0]
    existing = {u.email: u for u in User.objects.filter(email__startswith="bench-ws-")}
    new = [
        User(email=f"bench-ws-{i}@example.org", first_name="Bench", last_name=str(i), is_active=True)
        for i in range(clients)
        if f"bench-ws-{i}@example.org" not in existing
    ]
    for user in new:
        user.set_unusable_password()
    User.objects.bulk_create(new)
    users = list(User.objects.filter(email__startswith="bench-ws-").order_by("pk")[:clients])
    members.user_set.add(*users)
    slugs = []
    for r in range(rooms):
        room, _ = Room.objects.get_or_create(
            slug=f"bench-room-{r}", defaults={"title": f"Bench room {r}", "kind": Room.Kind.THEME}
        )
        slugs.append(room.slug)
    SessionStore = import_string(settings.SESSION_ENGINE + ".SessionStore")
    keys = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys, slugs


def server_rss_kib(pattern: str) -> int:
    """Resident memory of the server processes: those whose command line has `pattern` and all their
    descendants (uvicorn's workers are spawned by multiprocessing and do not repeat it)."""
    return sum(value for _pid, (value, _cpu) in server_processes(pattern).items())


def server_cpu_seconds(pattern: str) -> float:
    return sum(cpu for _pid, (_rss, cpu) in server_processes(pattern).items())


def server_processes(pattern: str) -> dict[str, tuple[int, float]]:
    """pid -> (RSS in KiB, CPU seconds user+system) of the server's processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, rss, cpu, cmdlines = {}, {}, {}, {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdlines[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("PPid:"):
                    parents[pid] = line.split()[1]
                elif line.startswith("VmRSS:"):
                    rss[pid] = int(line.split()[1])
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu[pid] = (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            continue
    roots = {pid for pid, cmd in cmdlines.items() if pattern in cmd and "benchmark_websockets" not in cmd}

    def in_server(pid: str) -> bool:
        seen = 0
        while pid and pid != "0" and seen < 50:
            if pid in roots:
                return True
            pid, seen = parents.get(pid, ""), seen + 1
        return False

    return {pid: (value, cpu.get(pid, 0.0)) for pid, value in rss.items() if in_server(pid)}


async def run(args, keys: list[str], slugs: list[str]) -> None:
    import websockets

    base = urlsplit(args.url)
    ws_base = ("wss://" if base.scheme == "https" else "ws://") + base.netloc
    origin = f"{base.scheme}://{base.netloc}"
    latencies: list[float] = []
    received: dict[tuple[int, int], int] = {}
    errors: list[str] = []
    last_frame = [time.perf_counter()]
    frames = [0]
    rss_before = server_rss_kib(args.server_pattern)

    async def listen(socket):
        try:
            async for raw in socket:
                now = time.time()
                last_frame[0] = time.perf_counter()
                frames[0] += 1
                event = json.loads(raw)
                if event.get("type") == "message.new":
                    found = STAMP.search(event["message"]["html"])
                    if found:
                        key = (int(found.group(1)), int(found.group(2)))
                        received[key] = received.get(key, 0) + 1
                        latencies.append(now - float(found.group(3)))
                elif event.get("type") == "error":
                    errors.append(event.get("message", ""))
        except websockets.ConnectionClosed:
            pass

    gate = asyncio.Semaphore(args.connect_concurrency)
    listeners = []

    async def open_socket(i: int):
        room = i % len(slugs)
        async with gate:
            for attempt in range(5):
                try:
                    socket = await websockets.connect(
                        f"{ws_base}/ws/discussions/{slugs[room]}/",
                        additional_headers={"Cookie": f"sessionid={keys[i]}", "Origin": origin},
                        open_timeout=30,
                        max_queue=None,
                    )
                    break
                except Exception:
                    await asyncio.sleep(0.5 * (attempt + 1))
            else:
                raise RuntimeError(f"client {i} could not connect")
        listeners.append(asyncio.create_task(listen(socket)))
        return room, socket

    started = time.perf_counter()
    opened = await asyncio.gather(*(open_socket(i) for i in range(len(keys))))
    connect_seconds = time.perf_counter() - started
    sockets = [socket for _room, socket in opened]
    # The joins' presence updates settle: wait until no frame came for --quiet seconds.
    settle_started = time.perf_counter()
    while time.perf_counter() - last_frame[0] < args.quiet and time.perf_counter() - settle_started < 60:
        await asyncio.sleep(0.1)
    settle_seconds = time.perf_counter() - settle_started
    presence_frames = frames[0]
    rss_after = server_rss_kib(args.server_pattern)

    by_room: dict[int, list] = {}
    for room, socket in opened:
        by_room.setdefault(room, []).append(socket)

    async def post(room: int):
        members = by_room[room]
        pause = args.seconds / args.messages
        for seq in range(args.messages):
            socket = members[seq % len(members)]
            body = f"bench {room} {seq} {time.time():.6f}"
            await socket.send(
                json.dumps({"type": "message.post", "body": body, "client_id": f"{room}-{seq}"})
            )
            if pause:
                await asyncio.sleep(pause)

    if args.warmup:
        # Each worker's first post pays one-time costs (Django populates its URL resolver, the Markdown
        # renderer is imported...): one message per room first, not counted in the figures.
        for room, members in by_room.items():
            await members[-1].send(json.dumps({"type": "message.post", "body": f"warm-up {room}"}))
        await asyncio.sleep(args.warmup)
    expected = sum(len(by_room[room]) * args.messages for room in by_room)
    cpu_server, cpu_client = server_cpu_seconds(args.server_pattern), time.process_time()
    load_before = os.getloadavg()
    print(f"{len(sockets)} sockets open, posting", file=sys.stderr, flush=True)  # for a profiler to start
    post_started = time.perf_counter()
    await asyncio.gather(*(post(room) for room in by_room))
    deadline = time.perf_counter() + args.drain
    while sum(received.values()) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - post_started
    cpu_server = server_cpu_seconds(args.server_pattern) - cpu_server
    cpu_client = time.process_time() - cpu_client
    load_after = os.getloadavg()
    for socket in sockets:
        await socket.close()
    for task in listeners:
        task.cancel()

    delivered = sum(received.values())
    messages = len(by_room) * args.messages
    print(f"clients connected:        {len(sockets)} in {connect_seconds:.1f} s ({len(by_room)} rooms)")
    print(f"presence settled:         {settle_seconds:.1f} s after, {presence_frames} frames received")
    print(f"messages posted:          {messages} over {args.seconds:.0f} s")
    print(f"deliveries expected:      {expected}")
    print(f"deliveries received:      {delivered} ({delivered / expected:.1%}) in {elapsed:.1f} s")
    if errors:
        print(f"errors from the server:   {len(errors)} (first: {errors[0]})")
    if latencies:
        ordered = sorted(latencies)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

        print(
            f"delivery latency (ms):    p50 {pct(0.50):.0f}, p95 {pct(0.95):.0f}, p99 {pct(0.99):.0f}, "
            f"max {ordered[-1] * 1000:.0f}, mean {statistics.mean(ordered) * 1000:.0f}"
        )
    print(f"messages per second:      {messages / elapsed:.1f} posted, {delivered / elapsed:.0f} delivered")
    print(
        f"CPU while posting:        server {cpu_server:.1f} s, client {cpu_client:.1f} s "
        f"(wall {elapsed:.1f} s; load avg {load_before[0]:.2f} -> {load_after[0]:.2f})"
    )
    if rss_before:
        per = (rss_after - rss_before) / max(1, len(sockets))
        print(f"server RSS:               {rss_before / 1024:.0f} MiB -> {rss_after / 1024:.0f} MiB")
        print(f"memory per connection:    {per:.0f} KiB (RSS growth / connections)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8180")
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--messages", type=int, default=20, help="messages posted per room")
    parser.add_argument("--seconds", type=float, default=10.0, help="spread the posting over this time")
    parser.add_argument("--drain", type=float, default=20.0, help="seconds to wait for late deliveries")
    parser.add_argument("--server-pattern", default="portal.asgi:application")
    parser.add_argument("--connect-concurrency", type=int, default=50, help="handshakes in flight at once")
    parser.add_argument(
        "--warmup",
        type=float,
        default=3.0,
        help="post one uncounted message per room and wait this many seconds before measuring (0: none)",
    )
    parser.add_argument(
        "--quiet", type=float, default=1.0, help="seconds without a frame before posting starts"
    )
    args = parser.parse_args()
    keys, slugs = prepare(clients=args.clients, rooms=args.rooms)
    try:
        import uvloop
    except ImportError:
        asyncio.run(run(args, keys, slugs))
    else:
        uvloop.run(run(args, keys, slugs))


if __name__ == "__main__":
    main()
