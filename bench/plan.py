"""What a benchmark run does: the targets (server, async mode, processes), the ramp of meetings,
and the pace at which people act. Plain data, shared by the controller and the load workers."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

App = Literal["kreds", "baseline"]
MODES = ("eventlet", "gevent", "threading")
MEMBERS_PER_MEETING = 7  # a facilitator and six participants
# The ramp past its fixed steps: each step this much larger than the one before, up to the cap.
GROWTH = 1.25


def ramp_to(cap_members: int, steps: list[int], growth: float = GROWTH) -> list[int]:
    """``steps`` (meetings), then steps growing ``growth`` times from the last one, the last
    the meetings that hold ``cap_members``: the ramp goes on until a step fails or the cap is
    reached. Geometric steps find a ceiling in a few of them, each as precise as the step
    before it."""
    cap = math.ceil(cap_members / MEMBERS_PER_MEETING)
    found = [step for step in steps if step <= cap]
    at = found[-1] if found else 0
    while at < cap:
        at = min(cap, max(at + 1, round(at * growth)))
        found.append(at)
    return found


@dataclass(frozen=True)
class Pace:
    """How often people act, in seconds of a real meeting; ``speed`` compresses all of them.

    The realistic rates come from the issue: "next speaker" about every 30 s, about one chat
    message per person per 20 s; reactions and raised hands are rarer. A short check-in round
    (one sentence each) runs in some meetings during each measured window."""

    speed: float = 2.0
    chat_every: float = 20.0
    react_every: float = 60.0
    hand_every: float = 45.0
    next_speaker_every: float = 30.0
    round_turn: float = 8.0
    round_chance: float = 0.3  # per meeting and measured window
    pass_chance: float = 0.2  # a round turn is a pass
    chat_length: int = 80  # characters, a short message

    def every(self, seconds: float) -> float:
        return seconds / self.speed

    def chat_per_member_per_second(self) -> float:
        return self.speed / self.chat_every


@dataclass(frozen=True)
class Target:
    """One server set-up under test. Several processes share Redis; one process uses it when
    ``redis`` says so (the soak, bench/soak.py), else keeps its rooms in memory."""

    app: App
    mode: str
    processes: int = 1
    redis: bool = False

    @property
    def on_redis(self) -> bool:
        return self.redis or self.processes > 1

    @property
    def name(self) -> str:
        shared = "-redis" if self.on_redis and self.processes == 1 else ""
        return f"{self.app}-{self.mode}-{self.processes}p{shared}"

    @property
    def label(self) -> str:
        shared = " + Redis" if self.on_redis else ""
        app = "Kreds" if self.app == "kreds" else "bare relay"
        processes = "1 process" if self.processes == 1 else f"{self.processes} processes"
        return f"{app}, {self.mode}, {processes}{shared}"


@dataclass
class Plan:
    targets: list[Target]
    steps: list[int]  # meetings (of 7) connected at each step of the ramp
    window: float = 20.0  # measured seconds per step (at least)
    # Chat deliveries a window should hold at least: small steps measure longer (window_at).
    min_deliveries: int = 0
    # A step's window is played in this many parts per target, the targets taking turns
    # (Kreds, relay, relay, Kreds): both are then measured in the same minute (bench/ramp.py).
    parts: int = 2
    # A part in which other programs took more than this share of a core (%) is played again,
    # up to ``replays`` times, whichever target it was (0: never); the one set aside is kept.
    busy_other_cpu: float = 0.0
    replays: int = 2
    # The step (meetings) measured long, for the ratio at the target's load: ``long_window``
    # seconds per target in ``long_parts`` parts, no part played again (0: none). A short
    # window's p99 is a handful of the machine's stalls, so the ratio is measured over long
    # ones (docs/benchmarks.md, "One run").
    long_step: int = 0
    long_window: float = 150.0
    long_parts: int = 10
    settle: float = 1.0  # quiet seconds after joining, before measuring
    drain: float = 2.0  # seconds to wait for late deliveries after the window
    limit_ms: float = 100.0  # chat fan-out p99 that ends the ramp
    workers: int = 2  # load-generator processes
    join_concurrency: int = 6  # meetings joining at once per worker
    pace: Pace = field(default_factory=Pace)
    redis_url: str = "redis://127.0.0.1:6379/0"
    profile_dir: str | None = None  # py-spy profiles of the servers, per step, go here
    server_root: str | None = None  # serve Kreds from this checkout instead (before/after)

    def window_at(self, meetings: int) -> float:
        """The measured seconds at a step: ``window``, or longer when that would hold fewer than
        ``min_deliveries`` chat deliveries. A p99 is only as good as the deliveries behind it:
        15 s at 105 members hold about 1,100, which are about 155 messages of 7 deliveries each,
        so one message that came late moves the whole p99."""
        if self.is_long(meetings):
            return self.long_window
        members = meetings * MEMBERS_PER_MEETING
        per_second = members * self.pace.chat_per_member_per_second() * MEMBERS_PER_MEETING
        if self.min_deliveries <= 0 or per_second <= 0:
            return self.window
        return max(self.window, float(math.ceil(self.min_deliveries / per_second)))

    def is_long(self, meetings: int) -> bool:
        return self.long_step > 0 and meetings == self.long_step

    def parts_at(self, meetings: int) -> int:
        """How many parts per target a step's window is played in."""
        return self.long_parts if self.is_long(meetings) else self.parts

    def replays_at(self, meetings: int) -> int:
        """How many times a busy part may be played again: never at the long step, whose length
        averages the machine's noise."""
        return 0 if self.is_long(meetings) else self.replays

    @property
    def max_meetings(self) -> int:
        return max(self.steps)

    def to_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["targets"] = [t.name for t in self.targets]
        return found


def default_targets(modes: list[str], redis: bool, apps: list[App]) -> list[Target]:
    """Kreds and the bare relay side by side, per async mode, then two processes on Redis."""
    targets = [Target(app, mode) for mode in modes for app in apps]
    if redis:
        targets += [Target(app, "eventlet", 2) for app in apps]
    return targets
