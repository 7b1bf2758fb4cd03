"""Prometheus metrics, counted in memory by each process.

Only counts and sizes, labelled by event name, error code, timer kind or HTTP status: no ids, no
names, no addresses, nothing anyone said. Label values come from fixed sets (the registered events,
the room's error codes), so a client cannot invent new series. Each process serves its own numbers
on ``/metrics``; Prometheus scrapes every process and sums them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from flask import Flask, current_app, has_app_context

EXTENSION = "kreds_metrics"

# name -> (type, help). Rates ("events per second") are Prometheus' rate() over the counters.
DEFINITIONS: dict[str, tuple[str, str]] = {
    "kreds_sockets_connected": ("gauge", "Socket.IO connections open on this process."),
    "kreds_rooms_live": ("gauge", "Live meeting rooms held by this process."),
    "kreds_processes_live": ("gauge", "Kreds processes whose heartbeat is current (Redis only)."),
    "kreds_room_events_total": ("counter", "Client events handled by this process, by event."),
    "kreds_room_errors_total": ("counter", "Client events refused or failed, by error code."),
    "kreds_room_timers_total": ("counter", "Room timers fired by this process, by kind."),
    "kreds_room_takeovers_total": (
        "counter",
        "Meetings this process took over from their snapshot (their process stopped or let go).",
    ),
    "kreds_room_handovers_total": (
        "counter",
        "Meetings this process let go because another process asked for them.",
    ),
    "kreds_room_snapshot_failures_total": (
        "counter",
        "Times room snapshots could not be written to Redis (they are written again later).",
    ),
    "kreds_http_errors_total": ("counter", "HTTP responses with a server error, by status."),
    "kreds_process_start_time_seconds": ("gauge", "When this process started (Unix time)."),
}
Labels = tuple[tuple[str, str], ...]


class Metrics:
    """Counters of one process, plus gauges read when scraped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, Labels], float] = {}
        # Values read when scraped (gauges, and counters kept elsewhere).
        self._gauges: dict[str, Callable[[], float | None]] = {}
        self.started = time.time()

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        if DEFINITIONS.get(name, ("",))[0] != "counter":
            raise ValueError(f"undeclared counter {name!r}")
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            self._counters[key] = self._counters.get(key, 0.0) + amount

    def observe(self, name: str, read: Callable[[], float | None]) -> None:
        """``read()`` gives the value when scraped (None: not applicable to this process)."""
        if name not in DEFINITIONS:
            raise ValueError(f"undeclared metric {name!r}")
        self._gauges[name] = read

    def value(self, name: str, **labels: str) -> float:
        with self._lock:
            return self._counters.get((name, tuple(sorted(labels.items()))), 0.0)

    def samples(self) -> Iterable[tuple[str, Labels, float]]:
        with self._lock:
            counters = sorted(self._counters.items())
        for (name, labels), amount in counters:
            yield name, labels, amount
        yield "kreds_process_start_time_seconds", (), self.started
        for name, read in sorted(self._gauges.items()):
            try:
                found = read()
            except Exception:  # a gauge that cannot be read now is left out
                continue
            if found is not None:
                yield name, (), float(found)

    def render(self) -> str:
        """The Prometheus text exposition format (version 0.0.4)."""
        by_name: dict[str, list[tuple[Labels, float]]] = {}
        for name, labels, amount in self.samples():
            by_name.setdefault(name, []).append((labels, amount))
        lines: list[str] = []
        for name, (kind, text) in DEFINITIONS.items():
            lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
            for labels, amount in by_name.get(name, []):
                label_text = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
                lines.append(
                    f"{name}{{{label_text}}} {amount:g}" if labels else f"{name} {amount:g}"
                )
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def metrics_of(app: Flask) -> Metrics | None:
    found = app.extensions.get(EXTENSION)
    return found if isinstance(found, Metrics) else None


def count(name: str, amount: float = 1.0, **labels: str) -> None:
    """Count in the current app's metrics (nothing outside an app, or when metrics are off)."""
    if not has_app_context():
        return
    metrics = metrics_of(current_app._get_current_object())  # type: ignore[attr-defined]
    if metrics is not None:
        metrics.inc(name, amount, **labels)


# Sockets refused or dropped to keep the process serving everyone (server/socket_limits.py).
DEFINITIONS.update(
    {
        "kreds_connections_refused_total": (
            "counter",
            "Socket connections refused because this process held KREDS_MAX_CONNECTIONS.",
        ),
        "kreds_sockets_too_slow_total": (
            "counter",
            "Sockets closed because their client stopped reading (too much waiting to be sent).",
        ),
    }
)
