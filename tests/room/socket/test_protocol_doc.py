"""docs/protocol.md matches the code: events, policies, payload fields, server events, errors."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from pydantic import BaseModel

from server.room.core.errors import CODES
from server.room.core.outcome import NOTICE_EVENTS, SNAPSHOT_EVENTS
from server.room.socket.dispatch import registered_events

DOC = (Path(__file__).resolve().parents[3] / "docs" / "protocol.md").read_text(encoding="utf-8")


def sections(title: str) -> dict[str, str]:
    """The ``### `event` `` subsections of a ``## title`` section, by event name."""
    part = DOC.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    found: dict[str, str] = {}
    for chunk in part.split("\n### ")[1:]:
        heading, _, body = chunk.partition("\n")
        found[heading.strip().strip("`")] = body
    return found


def test_every_client_event_is_documented_and_nothing_else() -> None:
    assert set(sections("Client → server events")) == set(registered_events())


def test_the_documented_policy_of_each_event_is_the_registered_one() -> None:
    documented = sections("Client → server events")
    for name, spec in registered_events().items():
        match = re.search(r"\*\*Who:\*\* `(\w+)`", documented[name])
        assert match is not None, name
        assert match.group(1) == spec.policy, name


def test_every_payload_field_is_documented() -> None:
    documented = sections("Client → server events")
    for name, spec in registered_events().items():
        payload_line = re.search(r"\*\*Payload:\*\*(.*)", documented[name])
        assert payload_line is not None, name
        for field in spec.payload.model_fields:
            assert f"`{field}`" in payload_line.group(1), (name, field)


def test_every_server_event_is_documented_and_nothing_else() -> None:
    assert set(sections("Server → client events")) == {*SNAPSHOT_EVENTS, *NOTICE_EVENTS}


def test_every_error_code_is_documented_and_nothing_else() -> None:
    table = DOC.split("## Error codes\n", 1)[1].split("\n## ", 1)[0]
    assert set(re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE)) == set(CODES)


def test_the_events_outside_the_budget_are_the_documented_ones() -> None:
    part = DOC.split("## How often: each person's budget\n", 1)[1].split("\n## ", 1)[0]
    line = part.split("Outside the budget:", 1)[1].split("—", 1)[0]
    documented = set(re.findall(r"`(\w+)`", line))
    assert documented == {name for name, spec in registered_events().items() if not spec.budgeted}


# ---- Limits: defined once, on the payload models next to the rules --------------------------

ID_MAX = 2**31 - 1
CLIENT = (
    Path(__file__).resolve().parents[3] / "client" / "src" / "protocol" / "events.ts"
).read_text(encoding="utf-8")
# The client's LIMITS, each the bound of one event's payload field.
CLIENT_LIMITS = {
    "chat": ("chat", "text", "max"),
    "privateMessage": ("private_message", "text", "max"),
    "topic": ("propose_topic", "text", "max"),
    "declineMessage": ("decline", "message", "max"),
    "turnLimitMin": ("set_turn_limit", "seconds", "min"),
    "turnLimitMax": ("set_turn_limit", "seconds", "max"),
    "breakMinutesMin": ("start_break", "minutes", "min"),
    "breakMinutesMax": ("start_break", "minutes", "max"),
}


def bounds(model: type[BaseModel], field: str) -> tuple[int | None, int | None]:
    """A field's lower and upper bound (length for text, value for numbers), as pydantic
    enforces them; an optional field's are those of the type inside."""
    info = model.model_fields[field]
    metadata = list(info.metadata)
    for arg in typing.get_args(info.annotation):
        metadata += [
            m for inner in typing.get_args(arg)[1:] for m in getattr(inner, "metadata", [inner])
        ]
    low = high = None
    for item in metadata:
        low = getattr(item, "min_length", None) or getattr(item, "ge", None) or low
        high = getattr(item, "max_length", None) or getattr(item, "le", None) or high
    return low, high


def test_every_limit_of_a_payload_is_the_documented_one() -> None:
    documented = sections("Client → server events")
    checked = 0
    for name, spec in registered_events().items():
        payload_line = re.search(r"\*\*Payload:\*\*(.*)", documented[name]).group(1)  # type: ignore[union-attr]
        for field in spec.payload.model_fields:
            low, high = bounds(spec.payload, field)
            if high is None or high == ID_MAX:
                continue
            said = payload_line.split(f"`{field}`", 1)[1].split("`", 1)[0]
            expected = f"{low}\u2013{high}" if low is not None else f"≤ {high}"  # an en dash
            assert expected in said, (name, field, expected, said)
            checked += 1
    assert (
        checked == 7
    )  # decline, set_turn_limit, chat, private_message, private_reply, propose_topic, start_break


def test_the_client_s_limits_are_the_server_s() -> None:
    block = CLIENT.split("export const LIMITS = {", 1)[1].split("}", 1)[0]
    client = {key: int(value) for key, value in re.findall(r"(\w+): (\d+)", block)}
    assert set(client) == set(CLIENT_LIMITS)
    events = registered_events()
    for key, (event, field, side) in CLIENT_LIMITS.items():
        low, high = bounds(events[event].payload, field)
        assert client[key] == (low if side == "min" else high), key
