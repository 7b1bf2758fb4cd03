"""The load's books: what counts as a lost, duplicated, misrouted or late chat delivery, and
when a floor change counts as seen. No server: deliveries are handed in directly."""

from __future__ import annotations

import random
from collections.abc import Coroutine
from typing import Any

from bench.members import RoomPlay
from bench.plan import Pace
from bench.tally import Tally, percentile, summary_ms


class FakeBooks:
    def __init__(self) -> None:
        self.tally = Tally()

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        work.close()


def room(meeting_id: int = 5) -> tuple[RoomPlay, FakeBooks]:
    people = [{"login": f"b{n}", "user_id": 100 + n, "role": "participant"} for n in range(7)]
    people[0]["role"] = "facilitator"
    books = FakeBooks()
    spec = {"meeting_id": meeting_id, "people": people}
    play = RoomPlay(spec, "kreds", ["http://127.0.0.1:1"], {}, Pace(), books, random.Random(1))
    play.open_window(0)
    return play, books


def send(play: RoomPlay, sender: int, seq: int, at: float = 1000.0) -> str:
    key = (play.window, sender, seq)
    play.chat_sent(key, at)
    return play.chat_text(key, at)


def test_a_message_received_once_by_each_member_is_delivered_in_full() -> None:
    play, books = room()
    text = send(play, 2, 1)
    for member in range(7):
        play.chat_arrived(member, text, 1000.05)
    play.close_window()
    tally = books.tally
    assert (tally.chat_expected, tally.chat_delivered) == (7, 7)
    assert tally.chat_lost == tally.chat_duplicated == 0
    assert [round(x, 3) for x in tally.chat_latencies] == [0.05] * 7


def test_a_missing_receiver_is_lost_and_a_second_copy_is_a_duplicate() -> None:
    play, books = room()
    text = send(play, 0, 1)
    for member in range(6):
        play.chat_arrived(member, text, 1000.01)
    play.chat_arrived(3, text, 1000.02)
    play.close_window()
    assert books.tally.chat_lost == 1
    assert books.tally.chat_duplicated == 1


def test_a_message_of_another_meeting_is_misrouted() -> None:
    play, books = room(5)
    other, _ = room(6)
    play.chat_arrived(1, send(other, 1, 1), 1000.0)
    assert books.tally.chat_misrouted == 1


def test_a_refused_message_owes_nothing_but_must_not_arrive() -> None:
    play, books = room()
    text = send(play, 1, 1)
    play.chat_refused((0, 1, 1))
    play.close_window()
    assert books.tally.chat_expected == 0 and books.tally.chat_unexpected == 0
    text = send(play, 1, 2)
    play.chat_refused((0, 1, 2))
    play.chat_arrived(4, text, 1000.0)
    play.close_window()
    assert books.tally.chat_unexpected == 1


def test_a_delivery_after_its_window_closed_is_late() -> None:
    play, books = room()
    text = send(play, 1, 1)
    play.close_window()
    play.open_window(1)
    play.chat_arrived(0, text, 1003.0)
    assert books.tally.chat_late == 1
    assert books.tally.chat_lost == 7


def test_a_floor_change_counts_once_per_member_and_only_from_newer_snapshots() -> None:
    play, books = room()
    probe = play.open_probe(expected=103, after_version=10)
    play.floor_seen(0, 103, 10, probe.sent_at + 1)  # an older snapshot: not this change
    play.floor_seen(0, 102, 11, probe.sent_at + 1)  # someone else holds it
    for member in range(6):
        play.floor_seen(member, 103, 11, probe.sent_at + 0.02)
        play.floor_seen(member, 103, 12, probe.sent_at + 0.5)
    play.close_window()
    assert len(books.tally.floor_latencies) == 6
    assert (books.tally.floor_changes, books.tally.floor_missed) == (1, 1)


def test_percentiles_interpolate_between_ranks() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 50.5
    assert percentile(values, 99) == 99.01
    assert percentile([], 99) is None
    assert summary_ms([0.01, 0.02]) == {"n": 2, "p50_ms": 15.0, "p99_ms": 19.9, "max_ms": 20.0}


def test_tallies_merge_counts_and_samples() -> None:
    one, two = Tally(chat_sent=2, chat_latencies=[0.1]), Tally(chat_sent=3, chat_latencies=[0.2])
    one.errors["chat:rate_limited"] += 1
    two.errors["chat:rate_limited"] += 2
    one.merge(Tally.from_wire(two.to_wire()))
    assert one.chat_sent == 5 and one.chat_latencies == [0.1, 0.2]
    assert one.errors["chat:rate_limited"] == 3
