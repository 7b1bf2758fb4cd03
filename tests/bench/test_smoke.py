"""The benchmark harness, run small: one meeting of seven against Kreds and the bare relay for a
few seconds. It checks that the harness works end to end (log-in, join, admission, traffic,
books, outputs); it asserts no timings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.cli import run
from bench.plan import Pace, Plan, Target
from bench.report import write_outputs

pytestmark = [pytest.mark.live, pytest.mark.timeout(240)]


def test_a_small_run_joins_plays_and_counts_every_delivery(tmp_path: Path) -> None:
    plan = Plan(
        targets=[Target("kreds", "eventlet"), Target("baseline", "eventlet")],
        steps=[1],
        window=3.0,
        drain=3.0,
        workers=1,
        # Fast enough that every kind of action happens in a few seconds.
        pace=Pace(speed=10.0, round_chance=1.0),
        # A slow machine must not stop the ramp here: nothing is timed.
        limit_ms=1e9,
    )
    results = run(plan, say=lambda line: None)

    kreds, baseline = results["targets"]
    for target in (kreds, baseline):
        (step,) = target["steps"]
        assert step["members"] == 7 and step["join"]["n"] == 7, step
        chat = step["chat"]
        assert chat["sent"] > 0 and chat["delivered"] == chat["expected"] > 0, chat
        assert chat["lost"] == chat["duplicated"] == chat["misrouted"] == 0, chat
        assert step["server"]["rss_mb"] > 0
        assert step["disconnects"] == 0
    kreds_step = kreds["steps"][0]
    assert kreds_step["events"].get("raise_hand", 0) > 0
    assert not [e for e in kreds_step["errors"] if e.startswith("chat:")], kreds_step["errors"]
    assert results["comparisons"][0]["steps"][0]["members"] == 7

    written = write_outputs(results, tmp_path, doc=None)
    assert json.loads((tmp_path / "results.json").read_text())["targets"][0]["target"] == (
        "kreds-eventlet-1p"
    )
    assert (tmp_path / "latency.png").stat().st_size > 0
    assert len(written) == 2
