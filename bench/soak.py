"""``python -m bench.soak`` (``make soak``): one eventlet Kreds process holding 2,000 members
for half an hour at the benchmark's pace. Does anything grow that should not?

The members (286 meetings of seven) log in and join as in the ramp (bench/ramp.py), then play
windows of 30 s back to back, each counted on its own: its chat latencies, and every delivery
that was lost, doubled or misrouted. After each window the controller samples the server:
resident memory, open files, its CPU and the load's, and Redis's memory when the server uses
Redis (it does when ``--redis-url`` answers, else it keeps its rooms in memory). The report
gives the samples, the chat p99 and the deliveries per 5-minute window, the slope of resident
memory by least squares (KB per minute), and a verdict. Markdown goes to standard output, the
JSON to ``--out`` if given::

    python -m bench.soak                 # 30 minutes
    python -m bench.soak --minutes 3 --out /tmp/soak.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from bench.plan import MEMBERS_PER_MEETING, Pace, Plan, Target
from bench.ramp import CookieJar, LoadPool, join, play
from bench.report import machine
from bench.servers import (
    Deployment,
    Workspace,
    members_within_limits,
    redis_available,
    redis_server_process,
)
from bench.tally import Tally, summary_ms

MEETINGS = 286  # 2,002 members, the capacity the issue asks of one process
MINUTES = 30.0
SAMPLE_SECONDS = 30.0
REPORT_MINUTES = 5.0
# The ramp plays 15 s windows, a round starting in 30% of the meetings in each: a 30 s sample
# window is two of them (bench/worker.py, the round's ``share``).
ROUND_SHARE = SAMPLE_SECONDS / 15.0
# What the verdict allows: resident memory growing by at most this much per minute after the
# first report window (a leak of one small object per chat message, ~200 a second, is several
# times more), open files no more than this many above the first sample.
SLOPE_LIMIT_KB_PER_MIN = 100.0
SETTLED_SAMPLES = 4  # after the warm-up, for a slope worth judging (a run of 7 minutes or more)
FILES_MARGIN = 16


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=MINUTES, help="how long the load plays")
    parser.add_argument("--meetings", type=int, default=MEETINGS, help="meetings of seven")
    parser.add_argument("--speed", type=float, default=2.0, help="pace: 1 is a real meeting")
    parser.add_argument("--workers", type=int, default=2, help="load-generator processes")
    parser.add_argument("--limit-ms", type=float, default=100.0, help="chat p99 a window allows")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--no-redis", action="store_true", help="rooms in memory, no Redis")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON here")
    return parser.parse_args(argv)


def slope_per_minute(points: list[tuple[float, float]]) -> float | None:
    """The least-squares slope of ``(minute, value)`` points, per minute (None under two)."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def report_windows(
    samples: list[dict[str, Any]], tallies: list[Tally], minutes: float = REPORT_MINUTES
) -> list[dict[str, Any]]:
    """The 30 s windows pooled by ``minutes``: chat latency and deliveries of each."""
    groups: dict[int, Tally] = {}
    for sample, tally in zip(samples, tallies, strict=True):
        pooled = groups.setdefault(int(sample["minute"] // minutes), Tally())
        pooled.merge(tally)
    found = []
    for number, tally in sorted(groups.items()):
        chat = summary_ms(tally.chat_latencies)
        found.append(
            {
                "from_minute": number * minutes,
                "to_minute": (number + 1) * minutes,
                "deliveries": tally.chat_delivered,
                "chat_p50_ms": chat["p50_ms"],
                "chat_p99_ms": chat["p99_ms"],
                "chat_max_ms": chat["max_ms"],
                "lost": tally.chat_lost,
                "duplicated": tally.chat_duplicated,
                "misrouted": tally.chat_misrouted + tally.chat_unexpected,
                "late": tally.chat_late,
                "disconnects": tally.disconnects,
            }
        )
    return found


def verdict(
    samples: list[dict[str, Any]],
    windows: list[dict[str, Any]],
    members: int,
    limit_ms: float,
    exited: bool = False,
) -> dict[str, Any]:
    """Whether the process held: it did not exit, every window within the latency limit, no
    delivery lost, doubled or misrouted, no socket dropped, every member joined, open files
    flat, and resident memory not growing after the first report window (the warm-up). A run too
    short to have four samples after it gives the slope but does not judge it."""
    settled = [s for s in samples if s["minute"] >= REPORT_MINUTES]
    slope = slope_per_minute([(s["minute"], s["rss_bytes"] / 1024) for s in settled])
    if len(settled) < SETTLED_SAMPLES:
        slope = None
    whole = slope_per_minute([(s["minute"], s["rss_bytes"] / 1024) for s in samples])
    problems = ["the server exited"] if exited else []
    worst = max((w["chat_p99_ms"] or math.inf for w in windows), default=math.inf)
    if worst > limit_ms:
        problems.append(f"chat p99 {worst:g} ms > {limit_ms:g} ms in a window")
    for name in ("lost", "duplicated", "misrouted", "disconnects"):
        count = sum(w[name] for w in windows)
        if count:
            problems.append(f"{count} {name}")
    joined = samples[0]["members"] if samples else 0
    if joined < members:
        problems.append(f"{joined} of {members} members joined")
    files = [s["open_files"] for s in samples]
    if files and max(files) - files[0] > FILES_MARGIN:
        problems.append(f"open files grew from {files[0]:,} to {max(files):,}")
    if slope is not None and slope > SLOPE_LIMIT_KB_PER_MIN:
        problems.append(f"resident memory grows {slope:,.0f} KB/min")
    memory = (
        f"resident memory {_signed(slope)} KB/min from minute {REPORT_MINUTES:g} "
        f"(limit {SLOPE_LIMIT_KB_PER_MIN:g})"
        if slope is not None
        else f"resident memory not judged (too short: {_signed(whole)} KB/min with the warm-up)"
    )
    line = (
        f"{'held' if not problems else 'did not hold: ' + '; '.join(problems)} — "
        f"{joined:,} members, chat p99 at most {worst:g} ms per window, "
        f"{sum(w['lost'] + w['duplicated'] for w in windows)} lost or duplicated, {memory}, "
        "open files " + (f"{files[0]:,} → {files[-1]:,}" if files else "-")
    )
    return {
        "held": not problems,
        "problems": problems,
        "line": line,
        "rss_slope_kb_per_min": None if slope is None else round(slope, 1),
        "rss_slope_from_minute": REPORT_MINUTES,
        "rss_slope_whole_run_kb_per_min": None if whole is None else round(whole, 1),
    }


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+,.0f}"


def redis_memory(url: str, prefix: str) -> dict[str, int]:
    """Redis's own used memory (every user of that Redis), and what this run's keys take."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    used = int(client.info("memory")["used_memory"])
    keys = 0
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        keys += int(client.memory_usage(key) or 0)
    return {"redis_used_memory": used, "redis_run_keys_bytes": keys}


def run(args: argparse.Namespace, say: Any = print) -> dict[str, Any]:
    members = args.meetings * MEMBERS_PER_MEETING
    for problem in members_within_limits(members):
        say(f"This machine may end the soak before the server does: {problem}.")
    use_redis = not args.no_redis and redis_available(args.redis_url)
    target = Target("kreds", "eventlet", redis=use_redis)
    plan = Plan(
        targets=[target],
        steps=[args.meetings],
        window=SAMPLE_SECONDS,
        parts=1,
        workers=args.workers,
        limit_ms=args.limit_ms,
        pace=Pace(speed=args.speed),
        redis_url=args.redis_url,
    )
    store = f"Redis at {args.redis_url}" if use_redis else "memory (no Redis)"
    say(f"Soak: {members:,} members for {args.minutes:g} min, rooms in {store}.")
    workspace = Workspace()
    deployment = Deployment(target, workspace, args.redis_url)
    pool: LoadPool | None = None
    samples: list[dict[str, Any]] = []
    tallies: list[Tally] = []
    started = time.time()
    try:
        workspace.prepare(args.meetings)
        deployment.start()
        pool = LoadPool(plan)
        redis_process = redis_server_process() if use_redis else None
        joined, _ = join(plan, pool, deployment, workspace.meetings, CookieJar(workspace))
        server = deployment.processes[0].ps
        say(f"{joined.members:,} members joined; playing.")
        began = time.time()
        window = 0
        while time.time() - began < args.minutes * 60 and deployment.alive():
            seconds = min(SAMPLE_SECONDS, args.minutes * 60 - (time.time() - began))
            try:
                tally, measured = play(
                    plan, pool, deployment, [], redis_process, window, max(seconds, 1), ROUND_SHARE
                )
                sample = _sample(tally, measured, server, (time.time() - began) / 60)
            except psutil.Error:  # the server is gone: the verdict says so
                break
            window += 1
            sample["members"] = joined.members
            if use_redis:
                sample.update(redis_memory(args.redis_url, deployment.prefix))
            samples.append(sample)
            tallies.append(tally)
            say(_describe(sample))
    finally:
        if pool is not None:
            pool.close()
        exited = not deployment.alive() if deployment.processes else False
        deployment.stop()
        workspace.close()
    windows = report_windows(samples, tallies)
    found = verdict(samples, windows, members, args.limit_ms, exited)
    return {
        "generated_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "duration_s": round(time.time() - started),
        "command": "python -m bench.soak " + " ".join(sys.argv[1:]),
        "machine": machine(),
        "minutes": args.minutes,
        "members": members,
        "rooms_in": "redis" if use_redis else "memory",
        "pace": plan.to_dict()["pace"],
        "samples": samples,
        "windows": windows,
        "verdict": found,
    }


def _sample(
    tally: Tally, measured: dict[str, Any], server: psutil.Process, minute: float
) -> dict[str, Any]:
    chat = summary_ms(tally.chat_latencies)
    return {
        "minute": round(minute, 2),
        "rss_bytes": measured["rss"],
        "open_files": server.num_fds(),
        "server_cpu_percent": round(sum(measured["server_cpu"]), 1),
        "loadgen_cpu_percent": measured["loadgen_cpu"],
        "loadgen_rss_bytes": measured["loadgen_rss"],
        "other_cpu_percent": measured["other_cpu"],
        "deliveries": tally.chat_delivered,
        "chat_p99_ms": chat["p99_ms"],
        "lost": tally.chat_lost,
        "duplicated": tally.chat_duplicated,
    }


def _describe(sample: dict[str, Any]) -> str:
    redis = sample.get("redis_used_memory")
    return (
        f"  minute {sample['minute']:5.1f}: RSS {sample['rss_bytes'] / 2**20:.1f} MB, "
        f"{sample['open_files']:,} files, server CPU {sample['server_cpu_percent']}%, load CPU "
        f"{sample['loadgen_cpu_percent']}%, chat p99 {sample['chat_p99_ms']} ms, lost "
        f"{sample['lost']}, dup {sample['duplicated']}"
        + ("" if redis is None else f", Redis {redis / 2**20:.1f} MB")
    )


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    found = results["verdict"]
    rooms = "Redis" if results["rooms_in"] == "redis" else "memory (no Redis)"
    lines = [
        f"## Soak: {results['members']:,} members for {results['minutes']:g} minutes",
        "",
        f"Run {results['generated_at']}: `{results['command'].strip()}` on {m['nproc']} cores "
        f"({m['cpu_model']}); one eventlet Kreds process, rooms in {rooms}; pace "
        f"x{results['pace']['speed']:g}, 30 s windows back to back.",
        "",
        f"**Verdict:** {found['line']}.",
        "",
        f"Resident memory slope: {_signed(found['rss_slope_kb_per_min'])} KB/min from minute "
        f"{found['rss_slope_from_minute']:g}, {_signed(found['rss_slope_whole_run_kb_per_min'])} "
        "KB/min over the whole run.",
        "",
        "| minutes | deliveries | chat p50 / p99 / max ms | lost / dup / misrouted "
        "| late | dropped sockets |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for w in results["windows"]:
        lines.append(
            f"| {w['from_minute']:g}-{w['to_minute']:g} | {w['deliveries']:,} "
            f"| {w['chat_p50_ms']} / {w['chat_p99_ms']} / {w['chat_max_ms']} "
            f"| {w['lost']} / {w['duplicated']} / {w['misrouted']} | {w['late']} "
            f"| {w['disconnects']} |"
        )
    lines += [
        "",
        "| minute | server RSS MB | open files | server / load CPU | load RSS MB | Redis MB "
        "(this run's keys KB) | other CPU |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in results["samples"]:
        redis = "-"
        if s.get("redis_used_memory") is not None:
            redis = f"{s['redis_used_memory'] / 2**20:.1f} ({s['redis_run_keys_bytes'] / 1024:.0f})"
        lines.append(
            f"| {s['minute']:.1f} | {s['rss_bytes'] / 2**20:.1f} | {s['open_files']:,} "
            f"| {s['server_cpu_percent']:.0f}% / {s['loadgen_cpu_percent']:.0f}% "
            f"| {s['loadgen_rss_bytes'] / 2**20:.1f} | {redis} | {s['other_cpu_percent']:.0f}% |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    results = run(args, say=lambda line: print(line, file=sys.stderr, flush=True))
    print(markdown(results))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {args.out}", file=sys.stderr)
    if not results["verdict"]["held"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
