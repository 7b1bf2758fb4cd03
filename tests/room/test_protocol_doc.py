"""docs/protocol.md matches the code: events, policies, payload fields, server events, errors."""

from __future__ import annotations

import re
from pathlib import Path

from server.room.dispatch import registered_events
from server.room.errors import CODES
from server.room.rules.outcome import NOTICE_EVENTS, SNAPSHOT_EVENTS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")


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
