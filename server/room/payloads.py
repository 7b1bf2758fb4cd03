"""Payloads of client events: strict pydantic models, extra fields forbidden, sizes limited.

Strict means no coercion: ``"5"`` is not a meeting id and ``1`` is not ``true``. Every payload
names the meeting it acts on."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Text = Annotated[str, Field(min_length=1, max_length=1000)]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    meeting_id: Id


class Target(Payload):
    user_id: Id


class Decline(Target):
    message: Annotated[str, Field(max_length=200)] = ""


class Lock(Payload):
    locked: bool


class Status(Payload):
    status: Literal["here", "away"]


class Move(Target):
    direction: Literal["up", "down"]


class TurnLimit(Payload):
    seconds: Annotated[int, Field(ge=15, le=3600)] | None


class StartRound(Payload):
    kind: Literal["check_in", "check_out", "custom"]
    # None: start from someone at random.
    first_user_id: Id | None = None


class Chat(Payload):
    text: Text


class MessageRef(Payload):
    message_id: Annotated[str, Field(pattern=r"^m[0-9]{1,9}$")]


class ChatSwitch(Payload):
    enabled: bool


class Mute(Target):
    muted: bool


class Reply(Target):
    text: Text


class Signal(Payload):
    kind: Literal["need_break", "not_ok"]


class Reaction(Payload):
    kind: Literal["hear_you", "me_too", "thank_you"]


TopicId = Annotated[str, Field(pattern=r"^t[0-9]{1,9}$")]


class Topic(Payload):
    text: Annotated[str, Field(min_length=1, max_length=200)]


class Vote(Payload):
    topic_id: TopicId
    vote: bool = True


class Pick(Payload):
    topic_id: TopicId | None


class Break(Payload):
    minutes: Annotated[int, Field(ge=1, le=60)]


class ContentWarning(Payload):
    on: bool
