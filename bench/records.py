"""What one step of a target measured, as the record that results.json keeps, and how Kreds'
records compare with the bare relay's at the same load."""

from __future__ import annotations

from typing import Any

from bench.plan import Plan, Target
from bench.tally import Tally, percentile, summary_ms


def step_record(
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
    loadgen_cpu_seconds = measured["loadgen_cpu"] * window / 100
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
            # Per chat message delivered to one member: the figure two processes are compared by
            # with one at the same load (bench/report.py, scaling_table).
            "cpu_us_per_delivery": per_delivery(server_cpu_seconds, played.chat_delivered),
            "join_cpu_seconds": measured["join_cpu_seconds"],
            "rss_bytes": rss,
            "rss_mb": round(rss / 2**20, 1),
            "rss_per_member_kb": round(rss / max(members, 1) / 1024, 1),
            "rss_added_per_member_kb": round((rss - idle) / max(members, 1) / 1024, 1),
        },
        "machine": {
            "other_cpu_percent": measured["other_cpu"],
            # Of it, the hypervisor's steal (bench/ramp.py).
            "steal_cpu_percent": measured.get("steal_cpu"),
            # The quiet target's servers meanwhile (they answer their members' heartbeats).
            "partner_cpu_percent": measured["partner_cpu"],
            "load_average": measured["load_average"],
        },
        # Every load process together, beside the server's: a load that takes the machine's
        # last core stalls the deliveries it counts, whatever the server does.
        "loadgen": {
            "cpu_percent": measured["loadgen_cpu"],
            "cpu_us_per_delivery": per_delivery(loadgen_cpu_seconds, played.chat_delivered),
            "rss_mb": round(measured["loadgen_rss"] / 2**20, 1),
            "loop_lag_p99_ms": None if lag is None else round(lag * 1000, 1),
        },
    }
    if measured.get("parts"):
        record["parts"] = measured["parts"]
    if measured.get("set_aside"):
        # Parts played again because other programs were busy meanwhile (bench/ramp.py).
        record["parts_set_aside"] = measured["set_aside"]
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


def per_delivery(cpu_seconds: float, deliveries: int) -> float | None:
    """CPU microseconds per chat delivery (one message reaching one member)."""
    return round(1e6 * cpu_seconds / deliveries, 1) if deliveries else None


def server_exited(record: dict[str, Any]) -> None:
    """The step's server died: the step fails, whatever it measured before (the ramp stops
    after the lead's first failing step, bench/ramp.py)."""
    record["ok"] = False
    record["problems"].append("the server exited")


def describe(record: dict[str, Any]) -> str:
    chat, floor, server = record["chat"], record["floor"], record["server"]
    return (
        f"  {record['members']:>5} members: join p99 {record['join']['p99_ms']} ms, "
        f"chat p50/p99/max {chat['p50_ms']}/{chat['p99_ms']}/{chat['max_ms']} ms "
        f"({chat['deliveries_per_s']}/s, lost {chat['lost']}, dup {chat['duplicated']}), "
        f"floor p99 {floor['p99_ms']} ms, server CPU {server['cpu_percent']}% "
        f"({server['cpu_us_per_delivery']} µs/delivery), load CPU "
        f"{record['loadgen']['cpu_percent']}% ({record['loadgen']['cpu_us_per_delivery']} "
        "µs/delivery), "
        f"RSS {server['rss_mb']} MB ({server['rss_added_per_member_kb']} KB/member added, "
        f"{server['rss_slope_per_member_kb']} KB/member slope), "
        f"load lag p99 {record['loadgen']['loop_lag_p99_ms']} ms, other programs' CPU "
        f"{record['machine']['other_cpu_percent']}%" + ("" if record["ok"] else " — STOP")
    )


def result(target: Target, records: list[dict[str, Any]], idle_rss: int | None) -> dict[str, Any]:
    """A target's ramp; its capacity is the last step that held, before the first that failed
    (the members of every step up to it joined and were served within the limits)."""
    passed = [r["members"] for r in _leading_ok(records)]
    failing = next((r for r in records if not r["ok"]), None)
    return {
        "target": target.name,
        "label": target.label,
        "app": target.app,
        "mode": target.mode,
        "processes": target.processes,
        "idle_rss_mb": round(idle_rss / 2**20, 1) if records and idle_rss else None,
        "steps": records,
        "capacity_members": max(passed) if passed else 0,
        "failed_at_members": None if failing is None else failing["meetings"] * 7,
        "stopped_because": _first_failure(records),
    }


def add_slope(record: dict[str, Any], previous: dict[str, Any] | None) -> None:
    """Memory per member as the slope between two steps: what one more member costs, without
    the start-up and warm-up memory that dominates the first steps' averages."""
    slope = None
    if previous is not None and record["members"] > previous["members"]:
        grown = record["server"]["rss_bytes"] - previous["server"]["rss_bytes"]
        slope = round(grown / 1024 / (record["members"] - previous["members"]), 1)
    record["server"]["rss_slope_per_member_kb"] = slope


def latency_only(record: dict[str, Any]) -> bool:
    return all(problem.startswith("chat p99") for problem in record["problems"])


def brief(record: dict[str, Any]) -> dict[str, Any]:
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
                "chat_p50": ratio(ours["chat"]["p50_ms"], other["chat"]["p50_ms"]),
                "chat_p99": ratio(ours["chat"]["p99_ms"], other["chat"]["p99_ms"]),
                "server_cpu": ratio(ours["server"]["cpu_percent"], other["server"]["cpu_percent"]),
                "cpu_per_event": ratio(
                    ours["server"]["cpu_ms_per_event"], other["server"]["cpu_ms_per_event"]
                ),
                "rss_per_member": ratio(
                    ours["server"]["rss_per_member_kb"], other["server"]["rss_per_member_kb"]
                ),
                "join_p99": ratio(ours["join"]["p99_ms"], other["join"]["p99_ms"]),
            }
        )
    return {"kreds": kreds["target"], "baseline": baseline["target"], "steps": rows}


def ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or not theirs:
        return None
    return round(ours / theirs, 2)
