"""``python -m bench`` (``make bench``): the capacity and latency benchmark.

Without options it runs the whole comparison (an hour or more on the 2-core machine):
eventlet, gevent and threading, each against the bare relay, then two eventlet processes sharing
Redis, each meeting on one of them; every ramp goes on until a step fails or it reaches
``--cap-members``. ``--ceiling`` ramps one eventlet Kreds process alone to its ceiling;
``--quick`` is a short eventlet-only run. docs/benchmarks.md explains the figures."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from bench.plan import MEMBERS_PER_MEETING, MODES, App, Pace, Plan, Target, default_targets, ramp_to
from bench.ramp import CookieJar, run_side_by_side
from bench.records import compare
from bench.report import capacity_line, machine, write_outputs
from bench.servers import Workspace, members_within_limits, redis_available

ROOT = Path(__file__).resolve().parent.parent
# The ramp's fixed steps, 105 … 3,500 members; past them it grows (bench/plan.py, ramp_to).
FULL_STEPS = [15, 40, 70, 105, 145, 215, 286, 360, 430, 500]
# --ceiling starts higher: its small steps would tell nothing the full run does not.
CEILING_STEPS = [70, 145, 286, 500]
CAP_MEMBERS = 10_000
QUICK_STEPS = [2, 6, 12]
# About 860 messages: a p99 over them is not one late message (bench/plan.py, Plan.window_at).
MIN_DELIVERIES = 6000
# Other programs' CPU (% of a core) over which a part is played again: a shared machine's busy
# parts stand well above it, its quiet ones well below (docs/benchmarks.md, "One run").
BUSY_OTHER_CPU = 8.0
# The step measured long for the ratio target: 286 meetings are 2,002 members, the capacity
# the issue asks of one process (bench/plan.py, Plan.long_step).
LONG_STEP = 286
LONG_WINDOW = 150.0


def _numbers(text: str) -> list[int]:
    return sorted({int(part) for part in text.split(",") if part.strip()})


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="eventlet only, a few meetings")
    parser.add_argument(
        "--ceiling",
        action="store_true",
        help="one eventlet Kreds process alone, ramped until a step fails (ceiling.json)",
    )
    parser.add_argument(
        "--cap-members",
        type=int,
        default=CAP_MEMBERS,
        help=f"members at which a ramp stops if no step failed (default {CAP_MEMBERS:,})",
    )
    parser.add_argument("--modes", default=",".join(MODES), help="async modes, comma-separated")
    parser.add_argument("--steps", type=_numbers, default=None, help="meetings at each step")
    parser.add_argument("--window", type=float, default=None, help="measured seconds per step")
    parser.add_argument(
        "--min-deliveries",
        type=int,
        default=None,
        help="chat deliveries a step measures at least (longer windows at small steps; "
        f"default {MIN_DELIVERIES:,}, 0 with --quick)",
    )
    parser.add_argument(
        "--parts",
        type=int,
        default=2,
        help="parts of a step's window per target, taking turns (1: one target after the other)",
    )
    parser.add_argument(
        "--busy-other-cpu",
        type=float,
        default=None,
        help="play a part again when other programs took more than this %% of a core in it "
        f"(at most twice; 0: never; default {BUSY_OTHER_CPU:g}, 0 with --quick)",
    )
    parser.add_argument(
        "--long-step",
        type=int,
        default=None,
        help=f"the step (meetings) measured long for the ratio, in 10 parts (0: none; default "
        f"{LONG_STEP} where the ramp has it, none with --quick)",
    )
    parser.add_argument(
        "--long-window",
        type=float,
        default=LONG_WINDOW,
        help=f"measured seconds per target at the long step (default {LONG_WINDOW:g})",
    )
    parser.add_argument("--speed", type=float, default=2.0, help="pace: 1 is a real meeting")
    parser.add_argument("--workers", type=int, default=2, help="load-generator processes")
    parser.add_argument("--limit-ms", type=float, default=100.0, help="chat p99 that ends a ramp")
    parser.add_argument("--no-redis", action="store_true", help="skip two processes on Redis")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--kreds-only", action="store_true", help="skip the bare relay")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "docs" / "benchmarks",
        help="results.json and latency.png (ceiling.json with --ceiling) go here",
    )
    parser.add_argument(
        "--doc", type=Path, default=ROOT / "docs" / "benchmarks.md", help="table to update"
    )
    parser.add_argument("--no-doc", action="store_true", help="leave docs/benchmarks.md alone")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy profiles go here")
    parser.add_argument(
        "--server-root",
        type=Path,
        default=None,
        help="serve Kreds from this checkout (to measure a change before and after)",
    )
    return parser.parse_args(argv)


def make_plan(args: argparse.Namespace) -> Plan:
    single = args.quick or args.ceiling
    modes = ["eventlet"] if single else [m for m in args.modes.split(",") if m]
    unknown = set(modes) - set(MODES)
    if unknown:
        raise SystemExit(f"unknown async modes: {', '.join(sorted(unknown))}")
    redis = not (single or args.no_redis)
    if redis and not redis_available(args.redis_url):
        print(f"Redis is not reachable at {args.redis_url}: two-process targets skipped.")
        redis = False
    apps: list[App] = ["kreds"] if args.kreds_only or args.ceiling else ["kreds", "baseline"]
    if args.steps:
        steps = args.steps
    elif args.quick:
        steps = QUICK_STEPS
    else:
        steps = ramp_to(args.cap_members, CEILING_STEPS if args.ceiling else FULL_STEPS)
    window = args.window or (8.0 if args.quick else 15.0)
    min_deliveries = args.min_deliveries
    if min_deliveries is None:
        min_deliveries = 0 if args.quick else MIN_DELIVERIES
    busy_other_cpu = args.busy_other_cpu
    if busy_other_cpu is None:
        busy_other_cpu = 0.0 if args.quick else BUSY_OTHER_CPU
    long_step = args.long_step
    if long_step is None:
        long_step = LONG_STEP if LONG_STEP in steps and not single else 0
    return Plan(
        targets=default_targets(modes, redis, apps),
        steps=steps,
        window=window,
        min_deliveries=min_deliveries,
        parts=max(1, args.parts),
        busy_other_cpu=max(0.0, busy_other_cpu),
        long_step=max(0, long_step),
        long_window=args.long_window,
        workers=args.workers,
        limit_ms=args.limit_ms,
        pace=Pace(speed=args.speed),
        redis_url=args.redis_url,
        profile_dir=str(args.profile) if args.profile else None,
        server_root=str(args.server_root.resolve()) if args.server_root else None,
    )


def side_by_side(targets: list[Target]) -> list[list[Target]]:
    """The targets that ramp together: Kreds first (it leads), then the bare relay of the same
    async mode and processes, its reference at the same load."""
    groups: dict[tuple[str, int], list[Target]] = {}
    for target in targets:
        groups.setdefault((target.mode, target.processes), []).append(target)
    return [sorted(group, key=lambda t: t.app != "kreds") for group in groups.values()]


def run(plan: Plan, say: Any = print) -> dict[str, Any]:
    """Every target of the plan; the results as one dictionary (results.json)."""
    started = time.time()
    for problem in members_within_limits(plan.max_meetings * MEMBERS_PER_MEETING):
        say(f"This machine may end the ramp before the server does: {problem}.")
    workspace = Workspace()
    results: list[dict[str, Any]] = []
    try:
        say(f"Seeding {plan.max_meetings} meetings of 7 …")
        workspace.prepare(plan.max_meetings)
        jar = CookieJar(workspace)
        for group in side_by_side(plan.targets):
            results += run_side_by_side(group, plan, plan.steps, workspace, jar, say)
    finally:
        workspace.close()
    comparisons = []
    for kreds in results:
        if kreds["app"] != "kreds":
            continue
        for bare in results:
            same = (bare["mode"], bare["processes"]) == (kreds["mode"], kreds["processes"])
            if bare["app"] == "baseline" and same:
                comparisons.append(compare(kreds, bare))
    for target in results:
        if target["app"] == "kreds":
            say(capacity_line(target))
    return {
        "generated_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "duration_s": round(time.time() - started),
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "machine": machine(),
        "plan": plan.to_dict(),
        "logins": jar.summary() if results else None,
        "targets": results,
        "comparisons": comparisons,
    }


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    plan = make_plan(args)
    results = run(plan)
    stem = "ceiling" if args.ceiling else "results"
    paths = write_outputs(results, args.out, None if args.no_doc else args.doc, stem)
    for path in paths:
        print(f"wrote {path}")


__all__ = ["Target", "main", "make_plan", "parse", "run"]
