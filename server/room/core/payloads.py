"""What every client event's payload shares: strict pydantic models, extra fields forbidden, sizes
limited. Each event's own model is declared next to its rule (:mod:`server.room.core.rules`);
:func:`server.room.core.rule.parse` reads a payload with it.

Strict means no coercion: ``"5"`` is not a meeting id and ``1`` is not ``true``. Every payload
names the meeting it acts on."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Payload(Strict):
    meeting_id: Id


class Target(Payload):
    user_id: Id
