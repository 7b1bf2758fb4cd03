"""The controller: start Kreds and the bare relay side by side with the load processes, then
ramp them together.

Each step adds meetings to each target (their members join through the real path), waits a
moment, then plays ``window`` seconds of meeting traffic on every meeting of one target connected
so far while its server's CPU time and memory are read, then the same on the other. The ramp
stops after the first step whose chat fan-out p99 passes the limit (or that lost, duplicated or
misrouted a message, failed a join, dropped a socket, or whose server exited): the capacity is
the members of the last step that held (bench/records.py)."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import psutil

from bench.logins import LogIn, log_in_all
from bench.plan import Plan, Target
from bench.records import (
    add_slope,
    brief,
    describe,
    latency_only,
    result,
    server_exited,
    step_record,
)
from bench.servers import ROOT, Deployment, Workspace, redis_server_process
from bench.tally import Tally, summary_ms
from bench.worker import run_worker

ANSWER_TIMEOUT = 600.0
T = TypeVar("T")
Say = Callable[[str], None]


class LoadPool:
    """The load-generator processes (spawned: nothing of the controller is inherited)."""

    def __init__(self, plan: Plan) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes = []
        self.processes = []
        for number in range(plan.workers):
            ours, theirs = context.Pipe()
            process = context.Process(
                target=run_worker,
                args=(theirs, number, plan.pace, plan.join_concurrency),
                daemon=True,
            )
            process.start()
            self.pipes.append(ours)
            self.processes.append(process)
        self.ps = [psutil.Process(p.pid) for p in self.processes]

    def ask(self, commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for pipe, command in zip(self.pipes, commands, strict=True):
            pipe.send(command)
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(ANSWER_TIMEOUT):
                raise RuntimeError("a load worker did not answer")
            answers.append(pipe.recv())
        return answers

    def cpu_seconds(self) -> float:
        return sum(float(t.user + t.system) for t in (p.cpu_times() for p in self.ps))

    def rss(self) -> int:
        return sum(int(p.memory_info().rss) for p in self.ps)

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError, EOFError):
            self.ask([{"kind": "close"}] * len(self.pipes))
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


def _merged(answers: list[dict[str, Any]]) -> Tally:
    tally = Tally()
    for answer in answers:
        tally.merge(Tally.from_wire(answer["tally"]))
    return tally


class CookieJar:
    """One log-in per person for the whole run (every Kreds server shares the secret)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.found: dict[str, LogIn] = {}

    def cookies_for(self, url: str, meetings: list[dict[str, Any]]) -> dict[str, str]:
        logins = [p["login"] for m in meetings for p in m["people"]]
        missing = [login for login in logins if login not in self.found]
        if missing:
            self.found.update(asyncio.run(log_in_all(url, missing, self.workspace.password)))
        return {login: self.found[login].cookie for login in logins}

    def summary(self) -> dict[str, Any]:
        return summary_ms([found.seconds for found in self.found.values()])


def _cpu_percent(before: list[float], after: list[float], seconds: float) -> list[float]:
    return [round(100 * (b - a) / seconds, 1) for a, b in zip(before, after, strict=True)]


def run_side_by_side(
    targets: list[Target],
    plan: Plan,
    steps: list[int],
    workspace: Workspace,
    jar: CookieJar,
    say: Say = print,
) -> list[dict[str, Any]]:
    """Ramp ``targets`` together through ``steps`` (meetings): Kreds and, as its reference, the
    bare relay in the same async mode and processes. The first target leads: the ramp stops
    after its first failing step, and the others have measured every step it ran.

    Every target's servers run for the whole ramp, each with its own members connected. At each
    step every target gets the new meetings, then the targets take turns: a step's window is
    played in ``plan.parts`` parts per target, in the order Kreds, relay, relay, Kreds (each
    target plays while the others sit quiet). Both targets' windows of a step then lie in the
    same minute and have the same middle in time, so a machine whose speed drifts from one
    quarter of an hour to the next (this one does) moves both alike: their ratio compares them
    at the same load. The quiet target's servers only answer their members' heartbeats
    meanwhile; their CPU time is given beside each step (``partner_cpu_percent``).

    A step at which the lead fails on latency alone is measured once more, every target again,
    before it counts: on a shared machine one window can coincide with someone else's burst.
    Both measurements are kept."""
    root = Path(plan.server_root) if plan.server_root else ROOT
    deployments = [Deployment(target, workspace, plan.redis_url, root) for target in targets]
    records: dict[str, list[dict[str, Any]]] = {target.name: [] for target in targets}
    idle_rss: dict[str, int] = {}
    pool: LoadPool | None = None
    say(" and ".join(target.label for target in targets) + ", side by side:")
    try:
        for deployment in deployments:
            deployment.start()
        pool = LoadPool(plan)
        redis = redis_server_process() if any(t.on_redis for t in targets) else None
        time.sleep(1.0)
        idle_rss = {d.target.name: d.rss() for d in deployments}
        active = list(deployments)
        lead = targets[0].name
        joined_meetings = 0
        windows = 0
        for meetings in steps:
            new = workspace.meetings[joined_meetings:meetings]
            joins = {d.target.name: join(plan, pool, d, new, jar) for d in active}
            joined_meetings = meetings
            time.sleep(plan.settle)
            step: dict[str, dict[str, Any]] = {}
            for attempt in range(2):
                played, windows = _play_step(
                    plan, pool, active, deployments, redis, windows, meetings
                )
                first, step = step, {}
                for name, (tally, measured) in played.items():
                    joined, join_cpu = joins[name]
                    measured.update(idle_rss=idle_rss[name], join_cpu_seconds=join_cpu)
                    record = step_record(plan, meetings, joined, tally, measured)
                    if name in first:
                        record["first_window"] = brief(first[name])
                    add_slope(record, records[name][-1] if records[name] else None)
                    again = " (measured again)" if attempt else ""
                    say(f"  {name}:{describe(record)[1:]}{again}")
                    step[name] = record
                if step[lead]["ok"] or not latency_only(step[lead]):
                    break
            for deployment in active:
                if not deployment.alive():
                    server_exited(step[deployment.target.name])
            for name, record in step.items():
                records[name].append(record)
            if not step[lead]["ok"]:
                break
            active = [d for d in active if d.alive()]
    finally:
        if pool is not None:
            pool.close()
        for deployment in deployments:
            deployment.stop()
    return [result(t, records[t.name], idle_rss.get(t.name)) for t in targets]


def _play_step(
    plan: Plan,
    pool: LoadPool,
    active: list[Deployment],
    everyone: list[Deployment],
    redis: psutil.Process | None,
    window: int,
    meetings: int,
) -> tuple[dict[str, tuple[Tally, dict[str, Any]]], int]:
    """One step's window for each active target, played in parts, the targets taking turns
    (A B B A for two parts): what each counted and measured, its parts together, and the next
    window number."""
    seconds = plan.window_at(meetings) / plan.parts_at(meetings)
    parts: dict[str, list[tuple[Tally, dict[str, Any]]]] = {d.target.name: [] for d in active}
    set_aside: dict[str, list[dict[str, Any]]] = {d.target.name: [] for d in active}
    for deployment in turns(active, plan.parts_at(meetings)):
        partners = [other for other in everyone if other is not deployment]
        for attempt in range(plan.replays + 1):
            found = play(plan, pool, deployment, partners, redis, window, seconds)
            window += 1
            if not play_again(plan, *found, attempt, meetings):
                break
            set_aside[deployment.target.name].append(part_brief(*found))
        parts[deployment.target.name].append(found)
    played = {name: together(found) for name, found in parts.items()}
    for name, (_, measured) in played.items():
        measured["set_aside"] = set_aside[name]
    return played, window


def play_again(
    plan: Plan, tally: Tally, measured: dict[str, Any], attempt: int, meetings: int = 0
) -> bool:
    """Whether a part is set aside and played again: other programs took more than
    ``plan.busy_other_cpu`` of a core meanwhile (on a shared machine they compete with the
    server and the load alike, whichever target plays), and it has been played fewer than
    ``plan.replays_at(meetings)`` times again (none at the long step). The rule looks at the
    machine, never at the part's latency, so it favours neither target. A part that lost,
    doubled or misrouted a delivery, or dropped a socket, always counts."""
    if plan.busy_other_cpu <= 0 or attempt >= plan.replays_at(meetings):
        return False
    wrong = tally.chat_lost + tally.chat_duplicated + tally.chat_misrouted + tally.chat_unexpected
    if wrong or tally.disconnects:
        return False
    return float(measured["other_cpu"]) > plan.busy_other_cpu


def turns(players: list[T], parts: int) -> list[T]:
    """Who plays when: ``parts`` rounds, every other one in reverse (A B, B A, A B …), so that
    with an even number of parts each player's windows have the same middle in time."""
    return [p for part in range(parts) for p in (players if part % 2 == 0 else players[::-1])]


def together(parts: list[tuple[Tally, dict[str, Any]]]) -> tuple[Tally, dict[str, Any]]:
    """The parts of a step's window as one window: counts and samples pooled, CPU shares
    averaged over the measured time, memory as it was at the end."""
    tally = Tally()
    for played, _ in parts:
        tally.merge(played)
    tally.members = parts[-1][0].members
    measures = [measured for _, measured in parts]
    seconds = sum(m["seconds"] for m in measures)

    def mean(values: Iterable[float]) -> float:
        """Weighted by each part's length."""
        weighted = sum(v * m["seconds"] for v, m in zip(values, measures, strict=True))
        return round(weighted / seconds, 1)

    whole = {**measures[-1], "seconds": seconds, "parts": [part_brief(*found) for found in parts]}
    for name in ("loadgen_cpu", "partner_cpu", "other_cpu", "steal_cpu", "redis_cpu"):
        if name in whole:
            whole[name] = mean(m[name] for m in measures)
    per_process = zip(*(m["server_cpu"] for m in measures), strict=True)
    whole["server_cpu"] = [mean(shares) for shares in per_process]
    return tally, whole


def part_brief(tally: Tally, measured: dict[str, Any]) -> dict[str, Any]:
    """One part of a window, in the order played: whether a step's tail came from one moment
    (one part far out) or from all of it."""
    chat = summary_ms(tally.chat_latencies)
    lag = summary_ms(tally.loop_lag)
    return {
        "started_at": measured.get("started_at"),
        "seconds": measured["seconds"],
        "chat_p50_ms": chat["p50_ms"],
        "chat_p99_ms": chat["p99_ms"],
        "deliveries": chat["n"],
        "loop_lag_p99_ms": lag["p99_ms"],
        "server_cpu_percent": round(sum(measured["server_cpu"]), 1),
        "other_cpu_percent": measured["other_cpu"],
        "steal_cpu_percent": measured.get("steal_cpu"),
    }


def join(
    plan: Plan, pool: LoadPool, deployment: Deployment, new: list[dict[str, Any]], jar: CookieJar
) -> tuple[Tally, float]:
    """The new meetings join ``deployment`` through the real path: the join tally and the
    server's CPU seconds for it."""
    target = deployment.target
    cookies: dict[str, str] = {}
    if target.app == "kreds":
        cookies = jar.cookies_for(deployment.urls[0], new)
    cpu_before = deployment.cpu_seconds()
    shares = [new[n :: plan.workers] for n in range(plan.workers)]
    answers = pool.ask(
        [
            {
                "kind": "add",
                "target": target.name,
                "meetings": share,
                "app": target.app,
                "urls": deployment.urls,
                "cookies": cookies,
            }
            for share in shares
        ]
    )
    return _merged(answers), round(sum(deployment.cpu_seconds()) - sum(cpu_before), 2)


def play(
    plan: Plan,
    pool: LoadPool,
    deployment: Deployment,
    partners: list[Deployment],
    redis: psutil.Process | None,
    window: int,
    seconds: float,
    share: float | None = None,
) -> tuple[Tally, dict[str, Any]]:
    """One measured window of ``deployment``'s meetings (the ``partners`` sit quiet). ``share``:
    the part of a step's window this is (the chance of a round in each meeting scales with it;
    by default one of ``plan.parts``)."""
    start = time.time() + 0.5
    end = start + seconds
    profilers = _profile(plan, deployment, window, seconds) if plan.profile_dir else []
    command = {"kind": "play", "target": deployment.target.name, "window": window}
    share = 1 / plan.parts if share is None else share
    command.update(start=start, end=end, drain=plan.drain, share=share)
    for pipe in pool.pipes:
        pipe.send(command)
    time.sleep(max(0.0, start - time.time()))
    server_before, load_before = deployment.cpu_seconds(), pool.cpu_seconds()
    partners_before = sum(sum(p.cpu_seconds()) for p in partners)
    redis_before, machine_before, steal_before = _cpu(redis), _machine_busy(), _steal()
    time.sleep(max(0.0, end - time.time()))
    server_after, load_after = deployment.cpu_seconds(), pool.cpu_seconds()
    partners_cpu = sum(sum(p.cpu_seconds()) for p in partners) - partners_before
    ours = sum(server_after) - sum(server_before) + load_after - load_before + partners_cpu
    ours += _cpu(redis) - redis_before
    measured: dict[str, Any] = {
        "started_at": round(start, 3),  # to line a part up with a server's own records
        "seconds": seconds,
        "server_cpu": _cpu_percent(server_before, server_after, seconds),
        "loadgen_cpu": round(100 * (load_after - load_before) / seconds, 1),
        "partner_cpu": round(100 * partners_cpu / seconds, 1),
        # CPU that other programs on the machine took meanwhile (it competes with the run).
        "other_cpu": round(100 * (_machine_busy() - machine_before - ours) / seconds, 1),
        # Of it, the time the hypervisor ran someone else on these cores (a virtual machine's
        # "steal"): every process here stalls meanwhile, whichever it is.
        "steal_cpu": round(100 * (_steal() - steal_before) / seconds, 1),
        "load_average": round(os.getloadavg()[0], 2),
        "rss": deployment.rss(),
        "loadgen_rss": pool.rss(),
    }
    if redis is not None:
        measured["redis_cpu"] = round(100 * (_cpu(redis) - redis_before) / seconds, 1)
    for profiler in profilers:
        profiler.wait(timeout=seconds + 60)
    answers = []
    for pipe in pool.pipes:
        if not pipe.poll(ANSWER_TIMEOUT):
            raise RuntimeError("a load worker did not answer")
        answers.append(pipe.recv())
    return _merged(answers), measured


def _machine_busy() -> float:
    """CPU seconds every core spent busy since boot (not idle, not waiting for I/O)."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def _steal() -> float:
    """CPU seconds the hypervisor took from every core since boot (0 where it is not told)."""
    return float(getattr(psutil.cpu_times(), "steal", 0.0))


def _profile(
    plan: Plan, deployment: Deployment, window: int, seconds: float
) -> list[subprocess.Popen[bytes]]:
    """py-spy on every server process for the measured window (``--profile DIR``)."""
    assert plan.profile_dir is not None
    folder = Path(plan.profile_dir)
    folder.mkdir(parents=True, exist_ok=True)
    found = []
    for number, process in enumerate(deployment.processes):
        name = f"{deployment.target.name}-step{window}-{number}"
        for form, suffix in (("raw", "txt"), ("flamegraph", "svg")):
            command = [_py_spy(), "record", "--pid", str(process.popen.pid), "--format", form]
            command += ["--duration", str(int(seconds)), "--rate", "200", "--nonblocking"]
            command += ["--output", str(folder / f"{name}.{suffix}")]
            found.append(
                subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )
    return found


def _py_spy() -> str:
    """py-spy from PATH, else the one installed beside this Python (the venv's ``bin``)."""
    beside = Path(sys.executable).parent / "py-spy"
    return shutil.which("py-spy") or str(beside)


def _cpu(process: psutil.Process | None) -> float:
    if process is None:
        return 0.0
    times = process.cpu_times()
    return float(times.user + times.system)
