"""The run's outputs: results.json, the latency plot, and the tables in docs/benchmarks.md
(between the ``<!-- bench:results -->`` markers, so the prose around them stays); a ``--ceiling``
run's ceiling.json and its tables (between ``<!-- bench:ceiling -->``)."""

from __future__ import annotations

import json
import os
import platform
import re
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

from bench.records import ratio

START, END = "<!-- bench:results -->", "<!-- /bench:results -->"
MARKERS = {
    "results": (START, END),
    "ceiling": ("<!-- bench:ceiling -->", "<!-- /bench:ceiling -->"),
}
PACKAGES = (
    "flask-socketio",
    "python-socketio",
    "python-engineio",
    "eventlet",
    "gevent",
    "aiohttp",
    "uvloop",
)
TARGET_MEMBERS = 2000
TARGET_RATIO = 1.3
TARGET_KB = 100.0
# Two processes, each meeting on one of them, against one (the targets).
TARGET_SCALING_CPU = 1.15  # CPU per delivery at the same load, at most
TARGET_SCALING_CAPACITY = 1.8  # capacity, at least


def machine() -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else ""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu_model": model or platform.processor(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "packages": versions,
    }


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _frames(step: dict[str, Any]) -> str:
    """Frames sent to the members per second, and the server's CPU per frame (runs before
    2026-12-01 did not count them)."""
    per_s = step.get("frames_per_s")
    if not per_s:
        return "-"
    per_frame = step["server"].get("cpu_ms_per_frame")
    return f"{per_s:,.0f} ({per_frame:.2f})" if per_frame else f"{per_s:,.0f}"


def _per_delivery(step: dict[str, Any]) -> str:
    """The server's and the load's CPU per chat delivery, in µs (runs before 2026-12-08 did not
    count them)."""
    server = step["server"].get("cpu_us_per_delivery")
    load = step["loadgen"].get("cpu_us_per_delivery")
    if server is None:
        return "-"
    return f"{server:.0f} / {load:.0f}" if load is not None else f"{server:.0f}"


def steps_table(results: dict[str, Any]) -> str:
    ratios = {
        (c["kreds"], row["meetings"]): row for c in results["comparisons"] for row in c["steps"]
    }
    lines = [
        "| target | members | window s / deliveries | join p50 / p99 ms "
        "| chat p50 / p99 / max ms | vs bare p99 "
        "| floor p99 ms | lost / dup | server / load CPU | CPU µs/delivery (server / load) "
        "| CPU ms/event | frames/s (CPU ms/frame) "
        "| RSS KB/member (avg / slope) "
        "| other CPU |",
        "| --- " + "| ---: " * 13 + "|",
    ]
    for target in results["targets"]:
        for step in target["steps"]:
            chat, server, join = step["chat"], step["server"], step["join"]
            slope = server["rss_slope_per_member_kb"]
            ratio = ratios.get((target["target"], step["meetings"]), {}).get("chat_p99")
            mark = "" if step["ok"] else " ✗"
            seconds = step.get("window_s") or results["plan"]["window"]
            lines.append(
                f"| {target['target']} | {step['members']}{mark} "
                f"| {seconds:g} / {chat['n']:,} "
                f"| {_ms(join['p50_ms'])} / {_ms(join['p99_ms'])} "
                f"| {_ms(chat['p50_ms'])} / {_ms(chat['p99_ms'])} / {_ms(chat['max_ms'])} "
                f"| {_ratio(ratio)} | {_ms(step['floor']['p99_ms'])} "
                f"| {chat['lost']} / {chat['duplicated']} "
                f"| {server['cpu_percent']:.0f}% / {step['loadgen']['cpu_percent']:.0f}% "
                f"| {_per_delivery(step)} "
                f"| {_ms(server['cpu_ms_per_event'])} "
                f"| {_frames(step)} "
                f"| {server['rss_added_per_member_kb']:.0f} / {_ms(slope)} "
                f"| {step['machine']['other_cpu_percent']:.0f}% |"
            )
    return "\n".join(lines)


def capacity_line(target: dict[str, Any]) -> str:
    """A target's capacity in one sentence: the last step that held, and why the next failed."""
    held = f"{target['label']}: capacity {target['capacity_members']:,} members (the last step "
    failed_at = target.get("failed_at_members")
    if failed_at is None:
        return held + "of the ramp; every step held)"
    why = "; ".join(target["stopped_because"])
    return held + f"that held; at {failed_at:,}: {why})"


def capacity_table(results: dict[str, Any]) -> str:
    lines = [
        "| target | capacity: the last step that held (members) | the step that failed "
        "| stopped because |",
        "| --- | ---: | ---: | --- |",
    ]
    for target in results["targets"]:
        why = "; ".join(target["stopped_because"]) or "every step held, up to the cap"
        if target["app"] == "baseline":
            why += " (reference: runs every step Kreds ran)"
        failed_at = target.get("failed_at_members")
        lines.append(
            f"| {target['label']} | {target['capacity_members']:,} "
            f"| {'-' if failed_at is None else f'{failed_at:,}'} | {why} |"
        )
    return "\n".join(lines)


def scaling(results: dict[str, Any]) -> dict[str, Any] | None:
    """Two eventlet processes of Kreds (each meeting on one of them) against one: the server's
    CPU per chat delivery at each step both measured, as a ratio, and the capacities'
    ratio. None unless the run measured both."""
    by_name = {t["target"]: t for t in results["targets"]}
    one, two = by_name.get("kreds-eventlet-1p"), by_name.get("kreds-eventlet-2p")
    if one is None or two is None:
        return None
    theirs = {s["meetings"]: s for s in one["steps"]}
    rows = []
    for step in two["steps"]:
        other = theirs.get(step["meetings"])
        if other is None:
            continue
        ours = step["server"].get("cpu_us_per_delivery")
        base = other["server"].get("cpu_us_per_delivery")
        rows.append(
            {
                "members": step["members"],
                "one_us": base,
                "two_us": ours,
                "cpu_ratio": ratio(ours, base),
                "one_cpu_percent": other["server"]["cpu_percent"],
                "two_cpu_percent": step["server"]["cpu_percent"],
                "two_per_process": step["server"]["cpu_percent_per_process"],
            }
        )
    return {
        "steps": rows,
        "capacity_one": one["capacity_members"],
        "capacity_two": two["capacity_members"],
        "capacity_ratio": ratio(two["capacity_members"], one["capacity_members"]),
        # Whether the one-process ramp ended at its cap: then the ratio is a lower bound.
        "one_capped": one.get("failed_at_members") is None,
    }


def scaling_table(results: dict[str, Any]) -> str:
    found = scaling(results)
    if found is None:
        return ""
    capacity = found["capacity_ratio"]
    bound = " (one process reached the cap: at least)" if found["one_capped"] else ""
    lines = [
        f"Two processes, each meeting on one (targets: CPU per delivery ≤ "
        f"{TARGET_SCALING_CPU}x one process's at the same load, capacity ≥ "
        f"{TARGET_SCALING_CAPACITY}x): capacity {found['capacity_two']:,} against "
        f"{found['capacity_one']:,} members, {_ratio(capacity)}{bound}.",
        "",
        "| members | server CPU 1 process / 2 processes (each) "
        "| CPU µs/delivery 1 / 2 processes | 2 / 1 |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for row in found["steps"]:
        each = " + ".join(f"{share:.0f}" for share in row["two_per_process"])
        lines.append(
            f"| {row['members']:,} | {row['one_cpu_percent']:.0f}% / {each}% "
            f"| {_ms(row['one_us'])} / {_ms(row['two_us'])} | {_ratio(row['cpu_ratio'])} |"
        )
    return "\n".join(lines)


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets for one eventlet process, each with the measured figure."""
    main = next(
        (t for t in results["targets"] if t["target"] == "kreds-eventlet-1p"),
        None,
    )
    if main is None:
        return []
    passed = [s for s in main["steps"] if s["ok"]]
    at_capacity = passed[-1] if passed else None
    comparison = next((c for c in results["comparisons"] if c["kreds"] == main["target"]), None)
    rows = [r for r in (comparison or {}).get("steps", []) if r["chat_p99"]]
    ratio, ratio_measured = ratio_verdict(rows, results["plan"])
    lost = sum(s["chat"]["lost"] + s["chat"]["duplicated"] for s in main["steps"])
    kb = None
    if at_capacity is not None:
        server = at_capacity["server"]
        kb = server["rss_slope_per_member_kb"] or server["rss_added_per_member_kb"]
    return [
        {
            "target": f"≥ {TARGET_MEMBERS} members with chat p99 ≤ 100 ms",
            "measured": f"{main['capacity_members']} members",
            "met": main["capacity_members"] >= TARGET_MEMBERS,
        },
        {
            "target": f"chat p99 ≤ {TARGET_RATIO}x the bare relay's at the same load",
            "measured": ratio_measured,
            "met": ratio is not None and ratio <= TARGET_RATIO,
        },
        {
            "target": "zero lost or duplicated deliveries",
            "measured": f"{lost}",
            "met": lost == 0,
        },
        {
            "target": f"≤ {TARGET_KB:.0f} KB resident memory per member",
            "measured": "-" if kb is None else f"{kb:.0f} KB (at capacity)",
            "met": kb is not None and kb <= TARGET_KB,
        },
    ]


def ratio_verdict(rows: list[dict[str, Any]], plan: dict[str, Any]) -> tuple[float | None, str]:
    """The chat p99 ratio the target is judged by, and how it reads: the long step's where the
    run measured one (its window is long enough for a p99 to be more than a few of the machine's
    stalls), beside the range over the ramp's steps; else the worst step's (older runs)."""
    if not rows:
        return None, "-"
    ratios = [r["chat_p99"] for r in rows]
    long_step = int(plan.get("long_step") or 0)
    long = next((r for r in rows if r["meetings"] == long_step), None)
    if long is None:
        return max(ratios), f"worst {max(ratios):.2f}x"
    others = [r["chat_p99"] for r in rows if r is not long]
    spread = f"; {min(others):.2f}-{max(others):.2f}x at the other steps" if others else ""
    seconds = float(plan.get("long_window") or 0)
    return long["chat_p99"], (
        f"{long['chat_p99']:.2f}x at {long['members']} members ({seconds:g} s each){spread}"
    )


def verdict_table(results: dict[str, Any]) -> str:
    lines = ["| target (one eventlet process) | measured | met |", "| --- | --- | --- |"]
    for row in verdicts(results):
        lines.append(f"| {row['target']} | {row['measured']} | {'yes' if row['met'] else 'no'} |")
    return "\n".join(lines)


def _longer_windows(plan: dict[str, Any]) -> str:
    """The minimum sample, where a run has one (runs before 2026-12-01 have none)."""
    wanted = int(plan.get("min_deliveries") or 0)
    if wanted <= 0:
        return ""
    return f", longer at small steps so that each holds at least {wanted:,} chat deliveries"


def contention_note(results: dict[str, Any]) -> str:
    """A warning when other programs competed for the CPU during the measured windows."""
    others = [s["machine"]["other_cpu_percent"] for t in results["targets"] for s in t["steps"]]
    if not others or max(others) < 50:
        return ""
    return (
        f"**The machine was shared:** other programs took {min(others):.0f} to {max(others):.0f}% "
        "of CPU (of 200%) during the measured windows. Latencies then measure the competition "
        "more than the server; CPU ms per event and memory per member hardly depend on it."
    )


def results_section(results: dict[str, Any], stem: str = "results") -> str:
    """The tables between the markers: the issue's verdicts where the run compared Kreds with
    the relay, the capacities, two processes against one where it ran both, every step."""
    start, end = MARKERS[stem]
    m = results["machine"]
    plan = results["plan"]
    pace = plan["pace"]
    plot = "![Chat fan-out latency against connected members](benchmarks/latency.png)"
    paragraphs = [
        f"Run {results['generated_at']} ({results['duration_s'] // 60} min): "
        f"`{results['command'].strip()}` on {m['nproc']} cores ({m['cpu_model']}), "
        f"{m['memory_gib']} GiB, Python {m['python']}, "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
        + ".",
        f"Pace x{pace['speed']:g}: {pace['speed'] / pace['chat_every']:.2f} chat messages "
        f"per member per second; windows of {plan['window']:g} s" + _longer_windows(plan) + "; "
        f"{plan['workers']} load processes on the same machine.",
        contention_note(results),
        verdict_table(results) if results["comparisons"] else "",
        capacity_table(results),
        scaling_table(results),
        steps_table(results),
        plot if stem == "results" else "",
    ]
    return "\n".join([start, "\n\n".join(p for p in paragraphs if p), end])


def update_doc(doc: Path, results: dict[str, Any], stem: str = "results") -> bool:
    start, end = MARKERS[stem]
    if not doc.exists():
        return False
    text = doc.read_text()
    if start not in text or end not in text:
        return False
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    doc.write_text(before + results_section(results, stem) + after)
    return True


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency, cpu) = plt.subplots(1, 2, figsize=(12, 4.8))
    colours = {"eventlet": "tab:blue", "gevent": "tab:green", "threading": "tab:red"}
    for target in results["targets"]:
        steps = [s for s in target["steps"] if s["chat"]["p99_ms"] is not None]
        if not steps:
            continue
        members = [s["members"] for s in steps]
        colour = colours.get(target["mode"], "tab:grey")
        if target["processes"] > 1:
            colour = "tab:purple"
        style = "-" if target["app"] == "kreds" else "--"
        marker = "o" if target["app"] == "kreds" else "x"
        latency.plot(
            members,
            [s["chat"]["p99_ms"] for s in steps],
            style,
            marker=marker,
            color=colour,
            label=target["label"],
        )
        cpu.plot(
            members,
            [s["server"]["cpu_percent"] for s in steps],
            style,
            marker=marker,
            color=colour,
            label=target["label"],
        )
    limit = results["plan"]["limit_ms"]
    latency.axhline(limit, color="black", linewidth=0.8, linestyle=":")
    latency.set_yscale("log")
    latency.set_xlabel("connected members")
    latency.set_ylabel("chat fan-out p99 (ms, log scale)")
    latency.set_title(f"Chat fan-out p99 (limit {limit:g} ms dotted)")
    latency.grid(True, which="both", alpha=0.3)
    cpu.set_xlabel("connected members")
    cpu.set_ylabel("server CPU (% of one core)")
    cpu.set_title("Server CPU")
    cpu.grid(True, alpha=0.3)
    latency.legend(fontsize=7)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_outputs(
    results: dict[str, Any], out: Path, doc: Path | None, stem: str = "results"
) -> list[Path]:
    """``stem``.json (and, for the whole comparison, latency.png) in ``out``; the tables in
    ``doc`` between ``stem``'s markers."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / f"{stem}.json"]
    results = {**results, "verdicts": verdicts(results), "scaling": scaling(results)}
    written[0].write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    if stem == "results":
        written.append(out / "latency.png")
        plot(results, written[1])
    if doc is not None and update_doc(doc, results, stem):
        written.append(doc)
    return written
