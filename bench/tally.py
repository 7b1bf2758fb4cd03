"""What the load counts in one measured window, and the statistics made from it.

Latencies are ``time.time()`` differences: the sender writes its send time into the message and
the receiver subtracts it from its own receive time. Every process reads the same machine clock,
so the difference is comparable across the load's processes (time.time() is the wall clock, not
monotonic: the run is short and the clock is not adjusted meanwhile on this machine)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Tally:
    chat_latencies: list[float] = field(default_factory=list)  # seconds, one per delivery
    floor_latencies: list[float] = field(default_factory=list)  # seconds, one per receiver
    join_seconds: list[float] = field(default_factory=list)
    loop_lag: list[float] = field(default_factory=list)  # the load's own event-loop delay
    chat_sent: int = 0
    chat_refused: int = 0
    chat_expected: int = 0  # deliveries owed: accepted messages x members of the room
    chat_delivered: int = 0  # distinct (message, receiver) pairs
    chat_lost: int = 0
    chat_duplicated: int = 0
    chat_late: int = 0  # arrived after the window's drain, or belongs to an earlier window
    chat_misrouted: int = 0  # arrived in a meeting it was not sent to
    chat_unexpected: int = 0  # refused, yet delivered
    floor_changes: int = 0
    floor_missed: int = 0  # receivers that never saw a floor change
    reactions_sent: int = 0
    reactions_received: int = 0
    disconnects: int = 0
    members: int = 0
    join_failures: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    # What the members received from the server while playing, by event ("ack": answers).
    frames: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Tally) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(mine, Counter):
                mine.update(value)
            elif isinstance(mine, list):
                mine.extend(value)
            else:
                setattr(self, name, mine + value)

    def to_wire(self) -> dict[str, Any]:
        return {
            name: dict(value) if isinstance(value, Counter) else value
            for name, value in vars(self).items()
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Tally:
        tally = cls()
        for name, value in data.items():
            if isinstance(getattr(tally, name), Counter):
                setattr(tally, name, Counter(value))
            else:
                setattr(tally, name, value)
        return tally


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0 to 100), linear between the closest ranks; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(values: list[float]) -> dict[str, Any]:
    """Count, p50, p99 and max in milliseconds."""

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 2)

    return {
        "n": len(values),
        "p50_ms": ms(percentile(values, 50)),
        "p99_ms": ms(percentile(values, 99)),
        "max_ms": ms(max(values) if values else None),
    }
