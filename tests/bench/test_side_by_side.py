"""Kreds and the bare relay measured side by side: who plays when, how a step's parts become one
window, and which targets ramp together. No servers: the pieces are plain functions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.cli import make_plan, parse, side_by_side
from bench.plan import Plan, Target
from bench.ramp import play_again, together, turns
from bench.tally import Tally
from bench.worker import Side


def test_two_parts_are_played_kreds_relay_relay_kreds() -> None:
    assert turns(["kreds", "relay"], 2) == ["kreds", "relay", "relay", "kreds"]
    assert turns(["kreds", "relay"], 1) == ["kreds", "relay"]
    assert turns(["kreds"], 2) == ["kreds", "kreds"]


@given(st.integers(min_value=1, max_value=4), st.integers(min_value=1, max_value=3))
def test_with_an_even_number_of_parts_every_target_is_measured_around_the_same_moment(
    half: int, players: int
) -> None:
    order = turns(list(range(players)), 2 * half)
    middles = {
        p: sum(i for i, q in enumerate(order) if q == p) / (2 * half) for p in range(players)
    }
    assert len(set(middles.values())) == 1, middles


def _part(seconds: float, cpu: float, members: int, latencies: list[float]) -> tuple[Tally, Any]:
    tally = Tally(chat_latencies=latencies, chat_sent=len(latencies), members=members)
    measured = {
        "seconds": seconds,
        "server_cpu": [cpu],
        "loadgen_cpu": cpu / 2,
        "partner_cpu": 1.0,
        "other_cpu": 4.0 * seconds / 10,
        "steal_cpu": 2.0 * seconds / 10,
        "load_average": 1.0,
        "rss": int(seconds),
        "loadgen_rss": 5,
    }
    return tally, measured


def test_the_parts_of_a_step_count_as_one_window_of_their_whole_length() -> None:
    tally, measured = together(
        [_part(10.0, 10.0, 70, [0.001, 0.002]), _part(20.0, 40.0, 70, [0.003])]
    )
    assert tally.chat_latencies == [0.001, 0.002, 0.003] and tally.chat_sent == 3
    assert tally.members == 70  # the people connected, not the sum of the parts
    assert measured["seconds"] == 30.0
    assert measured["server_cpu"] == [30.0]  # weighted by each part's length
    assert measured["loadgen_cpu"] == 15.0
    assert measured["rss"] == 20  # memory as it was at the end
    # The machine's share, the hypervisor's steal apart, weighted like the server's.
    assert (measured["other_cpu"], measured["steal_cpu"]) == (6.7, 3.3)
    # Each part's own tail, in the order played.
    assert [part["chat_p99_ms"] for part in measured["parts"]] == pytest.approx(
        [2.0, 3.0], abs=0.02
    )
    assert [part["server_cpu_percent"] for part in measured["parts"]] == [10.0, 40.0]
    assert [part["steal_cpu_percent"] for part in measured["parts"]] == [2.0, 4.0]


def test_kreds_leads_the_relay_of_its_own_mode_and_processes() -> None:
    targets = [
        Target("kreds", "eventlet"),
        Target("baseline", "eventlet"),
        Target("baseline", "gevent"),
        Target("kreds", "gevent"),
        Target("kreds", "eventlet", 2),
    ]
    assert side_by_side(targets) == [
        [Target("kreds", "eventlet"), Target("baseline", "eventlet")],
        [Target("kreds", "gevent"), Target("baseline", "gevent")],
        [Target("kreds", "eventlet", 2)],
    ]


def test_a_socket_that_drops_while_its_target_is_quiet_is_in_its_next_answer() -> None:
    side = Side(worker=None)  # type: ignore[arg-type]
    side.tally.disconnects += 1  # while the other target played
    assert side.report("played")["tally"]["disconnects"] == 1
    assert side.report("played")["tally"]["disconnects"] == 0


def test_a_part_is_played_again_only_for_a_busy_machine_and_never_hides_a_wrong_delivery() -> None:
    plan = Plan(targets=[], steps=[15], busy_other_cpu=8.0, replays=2)
    quiet, busy = {"other_cpu": 3.0}, {"other_cpu": 20.0}
    assert not play_again(plan, Tally(), quiet, 0)
    assert play_again(plan, Tally(), busy, 0) and play_again(plan, Tally(), busy, 1)
    assert not play_again(plan, Tally(), busy, 2)  # played twice again: it counts as it is
    assert not play_again(plan, Tally(chat_lost=1), busy, 0)
    assert not play_again(plan, Tally(chat_duplicated=1), busy, 0)
    assert not play_again(plan, Tally(disconnects=1), busy, 0)
    assert not play_again(Plan(targets=[], steps=[15]), Tally(), busy, 0)  # off unless asked


def test_the_full_run_plays_busy_parts_again_and_the_quick_one_does_not() -> None:
    assert make_plan(parse([])).busy_other_cpu == 8.0
    assert make_plan(parse(["--quick"])).busy_other_cpu == 0.0
    assert make_plan(parse(["--busy-other-cpu", "0"])).busy_other_cpu == 0.0
