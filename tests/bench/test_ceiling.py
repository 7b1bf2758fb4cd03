"""The ramp goes on until a step fails: its steps past the fixed ones, what fails a step, the
capacity it reports, and two processes against one. No servers: records are made directly."""

from __future__ import annotations

from typing import Any

from bench.cli import CAP_MEMBERS, FULL_STEPS, make_plan, parse
from bench.plan import Plan, Target, ramp_to
from bench.records import result, server_exited, step_record
from bench.report import capacity_line, scaling, scaling_table
from bench.tally import Tally


def test_past_its_fixed_steps_the_ramp_grows_by_a_quarter_up_to_the_cap() -> None:
    steps = ramp_to(10_000, FULL_STEPS)
    assert steps[: len(FULL_STEPS)] == FULL_STEPS
    assert steps[len(FULL_STEPS) :] == [625, 781, 976, 1220, 1429]
    assert steps[-1] * 7 >= 10_000 > steps[-2] * 7
    assert ramp_to(700, [15, 40, 70, 105, 145]) == [15, 40, 70, 88, 100]
    assert ramp_to(14, [2, 6, 12]) == [2]  # the cap below the fixed steps ends them


def test_the_default_run_and_the_ceiling_ramp_to_ten_thousand_members() -> None:
    full = make_plan(parse(["--no-redis"]))
    assert full.steps[-1] * 7 >= CAP_MEMBERS == 10_000
    assert full.long_step == 286
    ceiling = make_plan(parse(["--ceiling"]))
    assert ceiling.targets == [Target("kreds", "eventlet")]
    assert ceiling.steps[0] == 70 and ceiling.steps[-1] == 1429 and ceiling.long_step == 0
    assert make_plan(parse(["--ceiling", "--cap-members", "20000"])).steps[-1] == 2858
    assert make_plan(parse(["--quick"])).steps == [2, 6, 12]
    assert make_plan(parse(["--steps", "40,15"])).steps == [15, 40]


def measured(**changes: Any) -> dict[str, Any]:
    found = {
        "seconds": 10.0,
        "server_cpu": [40.0],
        "loadgen_cpu": 20.0,
        "partner_cpu": 0.0,
        "other_cpu": 1.0,
        "load_average": 1.0,
        "rss": 200 * 2**20,
        "idle_rss": 100 * 2**20,
        "loadgen_rss": 50 * 2**20,
        "join_cpu_seconds": 1.0,
    }
    return {**found, **changes}


def step(meetings: int = 10, p99_s: float = 0.02, **counts: int) -> dict[str, Any]:
    """A step of ``meetings`` whose every member joined and got 1,000 deliveries."""
    members = meetings * 7
    joined = Tally(members=members, join_seconds=[0.3] * members)
    played = Tally(members=members, chat_latencies=[0.005] * 980 + [p99_s] * 20)
    played.chat_delivered = played.chat_expected = 1000
    for name, value in counts.items():
        setattr(played, name, value)
    return step_record(Plan(targets=[], steps=[meetings]), meetings, joined, played, measured())


def test_a_step_holds_when_chat_is_on_time_and_every_delivery_arrived_once() -> None:
    record = step()
    assert record["ok"] and record["problems"] == []
    # CPU per delivery, the server's and the load's side by side: 4 s and 2 s for 1,000.
    assert record["server"]["cpu_us_per_delivery"] == 4000.0
    assert record["loadgen"]["cpu_us_per_delivery"] == 2000.0


def test_a_step_fails_on_latency_a_wrong_delivery_a_dropped_socket_or_a_dead_server() -> None:
    assert step(p99_s=0.2)["problems"][0].startswith("chat p99")
    assert step(chat_lost=1)["problems"] == ["1 chat deliveries lost"]
    assert step(chat_duplicated=2)["problems"] == ["2 chat deliveries duplicated"]
    assert step(chat_misrouted=1)["problems"] == ["1 chat deliveries misrouted"]
    assert step(disconnects=3)["problems"] == ["3 unexpected disconnects"]
    fell_over = step()
    server_exited(fell_over)
    assert not fell_over["ok"] and fell_over["problems"] == ["the server exited"]


def test_the_capacity_is_the_last_step_that_held_before_the_first_that_failed() -> None:
    steps = [step(10), step(20), step(30, chat_lost=1), step(40)]
    found = result(Target("kreds", "eventlet"), steps, idle_rss=100)
    assert (found["capacity_members"], found["failed_at_members"]) == (140, 210)
    assert capacity_line(found) == (
        "Kreds, eventlet, 1 process: capacity 140 members (the last step that held; "
        "at 210: 1 chat deliveries lost)"
    )
    every = result(Target("kreds", "eventlet"), [step(10), step(20)], idle_rss=100)
    assert every["failed_at_members"] is None and every["capacity_members"] == 140
    assert "every step held" in capacity_line(every)
    assert result(Target("kreds", "eventlet"), [step(10, p99_s=1)], 1)["capacity_members"] == 0


def test_two_processes_are_compared_with_one_by_cpu_per_delivery_at_the_same_load() -> None:
    one = result(Target("kreds", "eventlet"), [step(10), step(20), step(30, p99_s=1)], 1)
    two_steps = [step(10), step(20), step(30), step(40, p99_s=1)]
    for record in two_steps:
        record["server"]["cpu_us_per_delivery"] = 4400.0
        record["server"]["cpu_percent_per_process"] = [22.0, 22.0]
    two = result(Target("kreds", "eventlet", 2), two_steps, 1)
    found = scaling({"targets": [one, two]})
    assert found is not None
    assert [row["cpu_ratio"] for row in found["steps"]] == [1.1, 1.1, 1.1]
    assert (found["capacity_one"], found["capacity_two"], found["capacity_ratio"]) == (
        140,
        210,
        1.5,
    )
    table = scaling_table({"targets": [one, two]})
    assert "capacity 210 against 140 members, 1.50x" in table
    assert "| 70 | 40% / 22 + 22% | 4000 / 4400 | 1.10x |" in table
    assert scaling({"targets": [one]}) is None
