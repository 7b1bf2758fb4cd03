"""Client events for chat, the private line, signals, reactions and topics."""

from __future__ import annotations

from server.room import rules
from server.room.dispatch import Context, room_event
from server.room.events.common import Data, data_of
from server.room.payloads import (
    Chat,
    ChatSwitch,
    MessageRef,
    Mute,
    Pick,
    Reaction,
    Reply,
    Signal,
    Topic,
    Vote,
)


@room_event("chat", policy="admitted", payload=Chat, checks_first=True)
def chat(ctx: Context, p: Chat) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.chat(state, ctx.user_id, p.text, now)))


@room_event("delete_chat", policy="facilitator", payload=MessageRef)
def delete_chat(ctx: Context, p: MessageRef) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.delete_chat(state, ctx.user_id, p.message_id, now))
    )


@room_event("set_chat", policy="facilitator", payload=ChatSwitch)
def set_chat(ctx: Context, p: ChatSwitch) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.set_chat(state, ctx.user_id, p.enabled, now)))


@room_event("mute_chat", policy="facilitator", payload=Mute)
def mute_chat(ctx: Context, p: Mute) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.mute_chat(state, ctx.user_id, p.user_id, p.muted, now))
    )


@room_event("private_message", policy="admitted", payload=Chat, checks_first=True)
def private_message(ctx: Context, p: Chat) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.private_message(state, ctx.user_id, p.text, now))
    )


@room_event("private_reply", policy="facilitator", payload=Reply, checks_first=True)
def private_reply(ctx: Context, p: Reply) -> Data:
    return data_of(
        ctx.apply(
            lambda state, now: rules.private_reply(state, ctx.user_id, p.user_id, p.text, now)
        )
    )


@room_event("signal", policy="admitted", payload=Signal, checks_first=True)
def signal(ctx: Context, p: Signal) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.signal(state, ctx.user_id, p.kind, now)))


@room_event("react", policy="admitted", payload=Reaction, checks_first=True)
def react(ctx: Context, p: Reaction) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.react(state, ctx.user_id, p.kind, now)))


@room_event("propose_topic", policy="admitted", payload=Topic)
def propose_topic(ctx: Context, p: Topic) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.propose_topic(state, ctx.user_id, p.text, now))
    )


@room_event("vote_topic", policy="admitted", payload=Vote)
def vote_topic(ctx: Context, p: Vote) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.vote_topic(state, ctx.user_id, p.topic_id, p.vote, now))
    )


@room_event("pick_topic", policy="facilitator", payload=Pick)
def pick_topic(ctx: Context, p: Pick) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.pick_topic(state, ctx.user_id, p.topic_id, now))
    )
