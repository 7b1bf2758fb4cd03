"""The controller: start Kreds and the bare relay side by side with the load processes, then
ramp them together.

Each step adds meetings to each target (their members join through the real path), waits a
moment, then plays ``window`` seconds of meeting traffic on every meeting of one target connected
so far while its server's CPU time and memory are read, then the same on the other. The ramp
stops after the first step whose chat fan-out p99 passes the limit (or that lost, duplicated or
misrouted a message, or failed a join): the capacity is the members of the last step that
passed."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psutil

from bench.logins import LogIn, log_in_all
from bench.plan import Plan, Target
from bench.servers import ROOT, Deployment, Workspace, redis_server_process
from bench.tally import Tally, percentile, summary_ms
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


def _step_record(
    plan: Plan,
    meetings: int,
    joined: Tally,
    played: Tally,
    measured: dict[str, Any],
) -> dict[str, Any]:
    members = played.members
    window = measured["seconds"]
    chat = summary_ms(played.chat_latencies)
    chat.update(
        sent=played.chat_sent,
        refused=played.chat_refused,
        expected=played.chat_expected,
        delivered=played.chat_delivered,
        lost=played.chat_lost,
        duplicated=played.chat_duplicated,
        late=played.chat_late,
        misrouted=played.chat_misrouted,
        unexpected=played.chat_unexpected,
        sent_per_s=round(played.chat_sent / window, 1),
        deliveries_per_s=round(played.chat_delivered / window, 1),
    )
    floor = summary_ms(played.floor_latencies)
    floor.update(changes=played.floor_changes, missed=played.floor_missed)
    join = summary_ms(joined.join_seconds)
    join.update(failures=dict(joined.join_failures))
    rss, idle = measured["rss"], measured["idle_rss"]
    events = sum(played.events.values())
    frames = sum(played.frames.values())
    server_cpu_seconds = sum(measured["server_cpu"]) * window / 100
    lag = percentile(played.loop_lag, 99)
    record = {
        "meetings": meetings,
        "members": members,
        "window_s": window,
        "join": join,
        "chat": chat,
        "floor": floor,
        "reactions": {"sent": played.reactions_sent, "received": played.reactions_received},
        "events_per_s": round(events / window, 1),
        # What the server sent the members: every event and answer is one WebSocket frame.
        "frames_per_s": round(frames / window, 1),
        "frames": dict(played.frames),
        "events": dict(played.events),
        "errors": dict(played.errors),
        "disconnects": played.disconnects + joined.disconnects,
        "server": {
            "cpu_percent": round(sum(measured["server_cpu"]), 1),
            "cpu_percent_per_process": measured["server_cpu"],
            # What one client event costs the server, its fan-out included: unlike latency,
            # this hardly depends on what else the machine is doing.
            "cpu_ms_per_event": round(1000 * server_cpu_seconds / events, 2) if events else None,
            "cpu_ms_per_frame": round(1000 * server_cpu_seconds / frames, 3) if frames else None,
            "join_cpu_seconds": measured["join_cpu_seconds"],
            "rss_bytes": rss,
            "rss_mb": round(rss / 2**20, 1),
            "rss_per_member_kb": round(rss / max(members, 1) / 1024, 1),
            "rss_added_per_member_kb": round((rss - idle) / max(members, 1) / 1024, 1),
        },
        "machine": {
            "other_cpu_percent": measured["other_cpu"],
            # The quiet target's servers meanwhile (they answer their members' heartbeats).
            "partner_cpu_percent": measured["partner_cpu"],
            "load_average": measured["load_average"],
        },
        "loadgen": {
            "cpu_percent": measured["loadgen_cpu"],
            "rss_mb": round(measured["loadgen_rss"] / 2**20, 1),
            "loop_lag_p99_ms": None if lag is None else round(lag * 1000, 1),
        },
    }
    if measured.get("redis_cpu") is not None:
        record["redis_cpu_percent"] = measured["redis_cpu"]
    problems = []
    if chat["p99_ms"] is None or chat["p99_ms"] > plan.limit_ms:
        problems.append(f"chat p99 {chat['p99_ms']} ms > {plan.limit_ms:g} ms")
    for name in ("lost", "duplicated", "misrouted", "unexpected"):
        if chat[name]:
            problems.append(f"{chat[name]} chat deliveries {name}")
    if sum(joined.join_failures.values()) or members < meetings * 7:
        problems.append(f"{members} of {meetings * 7} members joined")
    if record["disconnects"]:
        problems.append(f"{record['disconnects']} unexpected disconnects")
    record["ok"] = not problems
    record["problems"] = problems
    return record


def _describe(record: dict[str, Any]) -> str:
    chat, floor, server = record["chat"], record["floor"], record["server"]
    return (
        f"  {record['members']:>5} members: join p99 {record['join']['p99_ms']} ms, "
        f"chat p50/p99/max {chat['p50_ms']}/{chat['p99_ms']}/{chat['max_ms']} ms "
        f"({chat['deliveries_per_s']}/s, lost {chat['lost']}, dup {chat['duplicated']}), "
        f"floor p99 {floor['p99_ms']} ms, server CPU {server['cpu_percent']}% "
        f"RSS {server['rss_mb']} MB ({server['rss_added_per_member_kb']} KB/member added, "
        f"{server['rss_slope_per_member_kb']} KB/member slope), "
        f"load CPU {record['loadgen']['cpu_percent']}% lag p99 "
        f"{record['loadgen']['loop_lag_p99_ms']} ms, other programs' CPU "
        f"{record['machine']['other_cpu_percent']}%" + ("" if record["ok"] else " — STOP")
    )


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
        redis = redis_server_process() if any(t.processes > 1 for t in targets) else None
        time.sleep(1.0)
        idle_rss = {d.target.name: d.rss() for d in deployments}
        active = list(deployments)
        lead = targets[0].name
        joined_meetings = 0
        windows = 0
        for meetings in steps:
            new = workspace.meetings[joined_meetings:meetings]
            joins = {d.target.name: _join(plan, pool, d, new, jar) for d in active}
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
                    record = _step_record(plan, meetings, joined, tally, measured)
                    if name in first:
                        record["first_window"] = _brief(first[name])
                    _add_slope(record, records[name][-1] if records[name] else None)
                    again = " (measured again)" if attempt else ""
                    say(f"  {name}:{_describe(record)[1:]}{again}")
                    step[name] = record
                if step[lead]["ok"] or not _latency_only(step[lead]):
                    break
            for name, record in step.items():
                records[name].append(record)
            if not deployments[0].alive() or not step[lead]["ok"]:
                break
            active = [d for d in active if d.alive()]
    finally:
        if pool is not None:
            pool.close()
        for deployment in deployments:
            deployment.stop()
    return [_result(t, records[t.name], idle_rss.get(t.name)) for t in targets]


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
    seconds = plan.window_at(meetings) / plan.parts
    parts: dict[str, list[tuple[Tally, dict[str, Any]]]] = {d.target.name: [] for d in active}
    for deployment in turns(active, plan.parts):
        partners = [other for other in everyone if other is not deployment]
        found = _play(plan, pool, deployment, partners, redis, window, seconds)
        parts[deployment.target.name].append(found)
        window += 1
    return {name: _together(found) for name, found in parts.items()}, window


def turns(players: list[T], parts: int) -> list[T]:
    """Who plays when: ``parts`` rounds, every other one in reverse (A B, B A, A B …), so that
    with an even number of parts each player's windows have the same middle in time."""
    return [p for part in range(parts) for p in (players if part % 2 == 0 else players[::-1])]


def _together(parts: list[tuple[Tally, dict[str, Any]]]) -> tuple[Tally, dict[str, Any]]:
    """The parts of a step's window as one window: counts and samples pooled, CPU shares
    averaged over the measured time, memory as it was at the end."""
    tally = Tally()
    for played, _ in parts:
        tally.merge(played)
    tally.members = parts[-1][0].members
    measures = [measured for _, measured in parts]
    seconds = sum(m["seconds"] for m in measures)

    def mean(name: str) -> float:
        return round(sum(m[name] * m["seconds"] for m in measures) / seconds, 1)

    together = dict(measures[-1])
    together["seconds"] = seconds
    for name in ("loadgen_cpu", "partner_cpu", "other_cpu"):
        together[name] = mean(name)
    if "redis_cpu" in together:
        together["redis_cpu"] = mean("redis_cpu")
    per_process = zip(*(m["server_cpu"] for m in measures), strict=True)
    together["server_cpu"] = [
        round(
            sum(share * m["seconds"] for share, m in zip(shares, measures, strict=True)) / seconds,
            1,
        )
        for shares in per_process
    ]
    return tally, together


def _join(
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


def _result(target: Target, records: list[dict[str, Any]], idle_rss: int | None) -> dict[str, Any]:
    passed = [r["members"] for r in _leading_ok(records)]
    return {
        "target": target.name,
        "label": target.label,
        "app": target.app,
        "mode": target.mode,
        "processes": target.processes,
        "idle_rss_mb": round(idle_rss / 2**20, 1) if records and idle_rss else None,
        "steps": records,
        "capacity_members": max(passed) if passed else 0,
        "stopped_because": _first_failure(records),
    }


def _add_slope(record: dict[str, Any], previous: dict[str, Any] | None) -> None:
    """Memory per member as the slope between two steps: what one more member costs, without
    the start-up and warm-up memory that dominates the first steps' averages."""
    slope = None
    if previous is not None and record["members"] > previous["members"]:
        grown = record["server"]["rss_bytes"] - previous["server"]["rss_bytes"]
        slope = round(grown / 1024 / (record["members"] - previous["members"]), 1)
    record["server"]["rss_slope_per_member_kb"] = slope


def _latency_only(record: dict[str, Any]) -> bool:
    return all(problem.startswith("chat p99") for problem in record["problems"])


def _brief(record: dict[str, Any]) -> dict[str, Any]:
    """What the first of two windows of a step measured."""
    return {
        "chat_p99_ms": record["chat"]["p99_ms"],
        "floor_p99_ms": record["floor"]["p99_ms"],
        "other_cpu_percent": record["machine"]["other_cpu_percent"],
        "problems": record["problems"],
    }


def _first_failure(records: list[dict[str, Any]]) -> list[str]:
    """Why the first failing step failed (the bare relay goes on after it: it is a reference)."""
    failing = next((r for r in records if not r["ok"]), None)
    return list(failing["problems"]) if failing is not None else []


def _leading_ok(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for record in records:
        if not record["ok"]:
            break
        found.append(record)
    return found


def _play(
    plan: Plan,
    pool: LoadPool,
    deployment: Deployment,
    partners: list[Deployment],
    redis: psutil.Process | None,
    window: int,
    seconds: float,
) -> tuple[Tally, dict[str, Any]]:
    """One measured window of ``deployment``'s meetings (the ``partners`` sit quiet)."""
    start = time.time() + 0.5
    end = start + seconds
    profilers = _profile(plan, deployment, window, seconds) if plan.profile_dir else []
    command = {"kind": "play", "target": deployment.target.name, "window": window}
    command.update(start=start, end=end, drain=plan.drain, share=1 / plan.parts)
    for pipe in pool.pipes:
        pipe.send(command)
    time.sleep(max(0.0, start - time.time()))
    server_before, load_before = deployment.cpu_seconds(), pool.cpu_seconds()
    partners_before = sum(sum(p.cpu_seconds()) for p in partners)
    redis_before, machine_before = _cpu(redis), _machine_busy()
    time.sleep(max(0.0, end - time.time()))
    server_after, load_after = deployment.cpu_seconds(), pool.cpu_seconds()
    partners_cpu = sum(sum(p.cpu_seconds()) for p in partners) - partners_before
    ours = sum(server_after) - sum(server_before) + load_after - load_before + partners_cpu
    ours += _cpu(redis) - redis_before
    measured: dict[str, Any] = {
        "seconds": seconds,
        "server_cpu": _cpu_percent(server_before, server_after, seconds),
        "loadgen_cpu": round(100 * (load_after - load_before) / seconds, 1),
        "partner_cpu": round(100 * partners_cpu / seconds, 1),
        # CPU that other programs on the machine took meanwhile (it competes with the run).
        "other_cpu": round(100 * (_machine_busy() - machine_before - ours) / seconds, 1),
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


def compare(kreds: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    """Kreds' figures as ratios of the bare relay's, step by step at the same load."""
    theirs = {r["meetings"]: r for r in baseline["steps"]}
    rows = []
    for ours in kreds["steps"]:
        other = theirs.get(ours["meetings"])
        if other is None:
            continue
        rows.append(
            {
                "meetings": ours["meetings"],
                "members": ours["members"],
                "chat_p50": _ratio(ours["chat"]["p50_ms"], other["chat"]["p50_ms"]),
                "chat_p99": _ratio(ours["chat"]["p99_ms"], other["chat"]["p99_ms"]),
                "server_cpu": _ratio(ours["server"]["cpu_percent"], other["server"]["cpu_percent"]),
                "cpu_per_event": _ratio(
                    ours["server"]["cpu_ms_per_event"], other["server"]["cpu_ms_per_event"]
                ),
                "rss_per_member": _ratio(
                    ours["server"]["rss_per_member_kb"], other["server"]["rss_per_member_kb"]
                ),
                "join_p99": _ratio(ours["join"]["p99_ms"], other["join"]["p99_ms"]),
            }
        )
    return {"kreds": kreds["target"], "baseline": baseline["target"], "steps": rows}


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or not theirs:
        return None
    return round(ours / theirs, 2)
