"""How long a step measures: long enough for a p99 worth the name, and the step measured long
for the ratio target."""

from __future__ import annotations

from bench.cli import make_plan, parse
from bench.plan import Plan
from bench.report import ratio_verdict


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


def test_the_full_run_measures_the_step_of_2002_members_long_and_the_quick_one_none() -> None:
    plan = make_plan(parse([]))
    assert plan.long_step == 286 and plan.window_at(286) == 150.0 and plan.parts_at(286) == 10
    assert plan.window_at(215) == 15.0 and plan.parts_at(215) == 2  # the ramp's other steps
    assert make_plan(parse(["--quick"])).long_step == 0
    assert make_plan(parse(["--steps", "15,40"])).long_step == 0  # not in this ramp
    assert make_plan(parse(["--long-step", "0"])).long_step == 0
    custom = make_plan(parse(["--steps", "40,70", "--long-step", "70", "--long-window", "60"]))
    assert custom.window_at(70) == 60.0 and custom.parts_at(70) == 10


def test_the_ratio_target_is_judged_at_the_long_step_beside_the_ramps_range() -> None:
    rows = [
        {"meetings": 145, "members": 1015, "chat_p99": 1.46},
        {"meetings": 286, "members": 2002, "chat_p99": 1.10},
        {"meetings": 360, "members": 2520, "chat_p99": 0.9},
    ]
    plan = {"long_step": 286, "long_window": 150.0}
    assert ratio_verdict(rows, plan) == (
        1.10,
        "1.10x at 2002 members (150 s each); 0.90-1.46x at the other steps",
    )
    # A run without a long step (the quick one, older JSONs): the worst step.
    assert ratio_verdict(rows, {}) == (1.46, "worst 1.46x")
    assert ratio_verdict([], plan) == (None, "-")
