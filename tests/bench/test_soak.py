"""``python -m bench.soak``'s arithmetic: the memory slope, the 5-minute windows and the verdict.
No server: samples and tallies are made directly (the command itself is run by hand, it takes
half an hour)."""

from __future__ import annotations

from typing import Any

import pytest

from bench.soak import markdown, report_windows, slope_per_minute, verdict
from bench.tally import Tally


def test_the_memory_slope_is_a_least_squares_line_per_minute() -> None:
    assert slope_per_minute([(0, 100.0), (1, 110.0), (2, 120.0)]) == pytest.approx(10.0)
    # Noise around a flat line: no slope to speak of.
    assert slope_per_minute([(0, 100.0), (1, 104.0), (2, 96.0), (3, 100.0)]) == pytest.approx(-0.8)
    assert slope_per_minute([(0, 100.0)]) is None
    assert slope_per_minute([(1, 100.0), (1, 200.0)]) is None


def sample(minute: float, rss_kb: float, files: int = 2050, members: int = 2002) -> dict[str, Any]:
    return {
        "minute": minute,
        "rss_bytes": int(rss_kb * 1024),
        "open_files": files,
        "members": members,
    }


def tally(latency: float = 0.01, **counts: int) -> Tally:
    found = Tally(chat_latencies=[latency] * 100, chat_delivered=100)
    for name, value in counts.items():
        setattr(found, name, value)
    return found


def half_hour(rss: Any = lambda minute: 300_000.0) -> list[dict[str, Any]]:
    """A sample every 30 s for 30 minutes, resident memory as ``rss`` (KB) of the minute."""
    return [sample(0.5 * (n + 1), rss(0.5 * (n + 1))) for n in range(60)]


def test_thirty_second_windows_are_pooled_by_five_minutes() -> None:
    samples = half_hour()
    tallies = [tally() for _ in samples]
    tallies[12] = tally(latency=0.5, chat_lost=3)  # minute 6.5
    windows = report_windows(samples, tallies)
    # Minute 0.5 … 30: six full windows and the last sample, at minute 30, in a seventh.
    assert [w["from_minute"] for w in windows] == [0, 5, 10, 15, 20, 25, 30]
    assert windows[0]["deliveries"] == 900 and windows[1]["deliveries"] == 1000
    assert (windows[1]["lost"], windows[1]["chat_max_ms"]) == (3, 500.0)
    assert windows[0]["lost"] == 0 and windows[0]["chat_p99_ms"] == 10.0


def test_a_flat_process_holds() -> None:
    samples = half_hour(lambda minute: 300_000.0 + (5_000 if minute < 5 else 0))
    found = verdict(samples, report_windows(samples, [tally() for _ in samples]), 2002, 100)
    assert found["held"], found
    assert found["rss_slope_kb_per_min"] == 0.0  # the warm-up's drop is left out
    assert found["rss_slope_whole_run_kb_per_min"] < 0
    assert found["line"].startswith("held — 2,002 members, chat p99 at most 10 ms")


def test_a_run_too_short_to_pass_the_warm_up_does_not_judge_memory() -> None:
    growing = half_hour(lambda minute: 300_000.0 + 500 * minute)[:6]  # three minutes
    found = verdict(growing, report_windows(growing, [tally() for _ in growing]), 2002, 100)
    assert found["held"] and found["rss_slope_kb_per_min"] is None
    assert "resident memory not judged (too short: +500 KB/min with the warm-up)" in found["line"]


def test_a_leak_lost_deliveries_and_files_left_open_do_not_hold() -> None:
    leaking = half_hour(lambda minute: 300_000.0 + 500 * minute)
    found = verdict(leaking, report_windows(leaking, [tally() for _ in leaking]), 2002, 100)
    assert found["problems"] == ["resident memory grows 500 KB/min"]

    flat = half_hour()
    tallies = [tally() for _ in flat]
    tallies[3] = tally(chat_lost=2, chat_duplicated=1)
    flat[-1]["open_files"] = 2100
    found = verdict(flat, report_windows(flat, tallies), 2002, 100)
    assert found["problems"] == [
        "2 lost",
        "1 duplicated",
        "open files grew from 2,050 to 2,100",
    ]
    slow = half_hour()
    found = verdict(slow, report_windows(slow, [tally(0.3) for _ in slow]), 2002, 100)
    assert found["problems"] == ["chat p99 300 ms > 100 ms in a window"]

    gone = half_hour()[:4]
    found = verdict(gone, report_windows(gone, [tally() for _ in gone]), 2002, 100, exited=True)
    assert found["problems"] == ["the server exited"] and not found["held"]


def test_the_report_says_where_the_rooms_were_and_gives_every_sample() -> None:
    samples = half_hour()[:6]
    for s in samples:
        s.update(
            server_cpu_percent=30.0,
            loadgen_cpu_percent=20.0,
            loadgen_rss_bytes=2**20,
            other_cpu_percent=1.0,
            redis_used_memory=3 * 2**20,
            redis_run_keys_bytes=4096,
        )
    windows = report_windows(samples, [tally() for _ in samples])
    results = {
        "machine": {"nproc": 2, "cpu_model": "test"},
        "generated_at": "now",
        "command": "python -m bench.soak --minutes 3",
        "members": 2002,
        "minutes": 3,
        "rooms_in": "redis",
        "pace": {"speed": 2.0},
        "samples": samples,
        "windows": windows,
        "verdict": verdict(samples, windows, 2002, 100),
    }
    text = markdown(results)
    assert "rooms in Redis" in text and "**Verdict:** held" in text
    assert "| 0.5 | 293.0 | 2,050 | 30% / 20% | 1.0 | 3.0 (4) | 1% |" in text
