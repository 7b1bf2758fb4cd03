"""What the event handlers share."""

from __future__ import annotations

from typing import Any

from server.room.rules import Outcome

Data = dict[str, Any] | None


def data_of(outcome: Outcome) -> Data:
    """The acknowledgement's data from a rule's outcome (none: ``{}``)."""
    return outcome.data or None
