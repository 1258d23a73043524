"""CPU time of this process and of its PostgreSQL backend, beside the wall-clock time.

The machine the benchmarks run on is shared: with other jobs running, wall-clock times stretch with the
load while CPU time stays close to what the work costs. The backend's CPU time is read from
/proc/<pid>/stat, so only when PostgreSQL runs on this machine and its processes are readable; otherwise
it is None.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def backend_pid(connection) -> int | None:
    """The PostgreSQL backend's process id of a Django connection (None on other databases)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def process_cpu(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime


@dataclass
class Measure:
    wall: float = 0.0
    python_cpu: float = 0.0
    postgres_cpu: float | None = None

    @property
    def cpu(self) -> float:
        return self.python_cpu + (self.postgres_cpu or 0.0)

    def describe(self) -> str:
        postgres = "" if self.postgres_cpu is None else f" + PostgreSQL {self.postgres_cpu:.2f} s"
        return f"{self.wall:.2f} s wall; CPU: Python {self.python_cpu:.2f} s{postgres}"


class Meter:
    """with Meter(pid) as m: ...  then m.result is a Measure."""

    def __init__(self, pid: int | None):
        self.pid = pid
        self.result = Measure()

    def __enter__(self) -> Meter:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        self._backend = process_cpu(self.pid)
        return self

    def __exit__(self, *exc) -> None:
        backend = process_cpu(self.pid)
        self.result = Measure(
            wall=time.perf_counter() - self._wall,
            python_cpu=time.process_time() - self._cpu,
            postgres_cpu=None if backend is None or self._backend is None else backend - self._backend,
        )
