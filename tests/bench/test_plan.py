"""How long a step measures: long enough for a p99 worth the name."""

from __future__ import annotations

from bench.cli import make_plan, parse
from bench.plan import Plan


def test_small_steps_measure_until_they_hold_enough_deliveries() -> None:
    plan = Plan(targets=[], steps=[15, 40, 145], window=15.0, min_deliveries=6000)
    # 105 members send 10.5 messages a second at pace x2, each delivered to 7: 73.5 a second.
    assert plan.window_at(15) == 82.0
    assert plan.window_at(40) == 31.0
    assert plan.window_at(145) == 15.0  # 710 deliveries a second: the window is enough


def test_without_a_minimum_every_step_measures_the_window() -> None:
    plan = Plan(targets=[], steps=[2], window=8.0)
    assert plan.window_at(2) == 8.0
    assert make_plan(parse(["--quick"])).window_at(2) == 8.0
    assert make_plan(parse([])).min_deliveries == 6000
    assert make_plan(parse(["--min-deliveries", "0", "--window", "20"])).window_at(15) == 20.0
