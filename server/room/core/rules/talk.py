"""What people send to each other: chat, the private line to the facilitators, discreet signals,
reactions and topics.

All of it is relayed in a notice and forgotten: the state keeps server-made ids, counters for rate
limits, and for topics only the id, proposer and voters. No private line between participants."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from server.room.core.errors import RoomError
from server.room.core.outcome import FACILITATORS, ROOM, Notice, Outcome, to_user
from server.room.core.payloads import Payload, Target
from server.room.core.rule import clean_text, rule, target_anywhere, target_in_room, who
from server.room.core.state import Person, RoomState, Topic

CHAT_LIMIT = 1000
TOPIC_LIMIT = 200
Text = Annotated[str, Field(min_length=1, max_length=CHAT_LIMIT)]
TopicId = Annotated[str, Field(pattern=r"^t[0-9]{1,9}$")]


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


class NewTopic(Payload):
    text: Annotated[str, Field(min_length=1, max_length=TOPIC_LIMIT)]


class Vote(Payload):
    topic_id: TopicId
    vote: bool = True


class Pick(Payload):
    topic_id: TopicId | None


class TopicRef(Payload):
    topic_id: TopicId


def check_rate(state: RoomState, person: Person, now: float) -> None:
    """At most ``chat_limit`` relayed messages per ``chat_window`` seconds per person."""
    window = state.settings.chat_window
    recent = [t for t in person.sent_at if now - t < window]
    if len(recent) >= state.settings.chat_limit:
        retry_after = max(1, round(window - (now - min(recent))))
        raise RoomError("rate_limited", retry_after=retry_after)
    person.sent_at = [*recent, now]


@rule("chat", "admitted", Chat)
def chat(state: RoomState, actor: Person, p: Chat, now: float) -> Outcome:
    """Relay a message to the room with a server-made id. Facilitators may write with chat off."""
    if not state.chat_enabled and not actor.facilitates:
        raise RoomError("chat_off")
    if actor.chat_muted:
        raise RoomError("chat_muted")
    text = clean_text(p.text)
    check_rate(state, actor, now)
    message_id = state.next_id("m")
    data = {"meeting_id": state.meeting_id, "id": message_id, "from": who(actor)}
    data.update(text=text, at=now)
    return Outcome(data={"id": message_id}, notices=[Notice(ROOM, "chat", data)], changed=False)


@rule("delete_chat", "facilitator", MessageRef)
def delete_chat(state: RoomState, actor: Person, p: MessageRef, now: float) -> Outcome:
    """Tell every client to drop a message (the server has no copy to delete)."""
    if int(p.message_id[1:]) > state.seq:
        raise RoomError("invalid")
    data = {"meeting_id": state.meeting_id, "id": p.message_id}
    return Outcome(
        notices=[Notice(ROOM, "chat_deleted", data)],
        audit=[("room.chat_delete", None)],
        changed=False,
    )


@rule("set_chat", "facilitator", ChatSwitch)
def set_chat(state: RoomState, actor: Person, p: ChatSwitch, now: float) -> Outcome:
    if state.chat_enabled == p.enabled:
        return Outcome(changed=False)
    state.chat_enabled = p.enabled
    return Outcome(audit=[("room.chat_on" if p.enabled else "room.chat_off", None)])


@rule("mute_chat", "facilitator", Mute)
def mute_chat(state: RoomState, actor: Person, p: Mute, now: float) -> Outcome:
    person = target_in_room(state, p.user_id)
    if person.facilitates:
        raise RoomError("forbidden")
    if person.chat_muted == p.muted:
        return Outcome(changed=False)
    person.chat_muted = p.muted
    data = {"meeting_id": state.meeting_id, "muted": p.muted}
    action = "room.chat_mute" if p.muted else "room.chat_unmute"
    return Outcome(
        notices=[Notice(to_user(p.user_id), "chat_muted", data)], audit=[(action, p.user_id)]
    )


def _require_facilitator_connected(state: RoomState) -> None:
    if not state.facilitator_connected():
        raise RoomError("no_facilitator")


@rule("private_message", "admitted", Chat)
def private_message(state: RoomState, actor: Person, p: Chat, now: float) -> Outcome:
    """The private line: a participant writes to the facilitators (all of them)."""
    text = clean_text(p.text)
    _require_facilitator_connected(state)
    check_rate(state, actor, now)
    message_id = state.next_id("p")
    data = {"meeting_id": state.meeting_id, "id": message_id, "from": who(actor), "to": None}
    data.update(text=text, at=now)
    return Outcome(
        data={"id": message_id},
        notices=[Notice(FACILITATORS, "private_message", data)],
        changed=False,
    )


@rule("private_reply", "facilitator", Reply)
def private_reply(state: RoomState, actor: Person, p: Reply, now: float) -> Outcome:
    """A facilitator answers one person privately; the other facilitators see the answer."""
    recipient = target_anywhere(state, p.user_id)
    text = clean_text(p.text)
    check_rate(state, actor, now)
    message_id = state.next_id("p")
    data = {"meeting_id": state.meeting_id, "id": message_id, "from": who(actor)}
    data.update(to=who(recipient), text=text, at=now)
    notices = [Notice(to_user(p.user_id), "private_message", data)]
    if not recipient.facilitates:
        notices.append(Notice(FACILITATORS, "private_message", data))
    return Outcome(data={"id": message_id}, notices=notices, changed=False)


@rule("signal", "admitted", Signal)
def signal(state: RoomState, actor: Person, p: Signal, now: float) -> Outcome:
    """A discreet signal to the facilitators ("I need a break", "I'm not OK")."""
    _require_facilitator_connected(state)
    check_rate(state, actor, now)
    data = {"meeting_id": state.meeting_id, "from": who(actor), "kind": p.kind, "at": now}
    return Outcome(notices=[Notice(FACILITATORS, "private_signal", data)], changed=False)


@rule("react", "admitted", Reaction)
def react(state: RoomState, actor: Person, p: Reaction, now: float) -> Outcome:
    """A mirroring signal to everyone ("I hear you", "me too", "thank you"), never stored."""
    check_rate(state, actor, now)
    data = {"meeting_id": state.meeting_id, "from": who(actor), "kind": p.kind}
    return Outcome(notices=[Notice(ROOM, "reaction", data)], changed=False)


@rule("propose_topic", "admitted", NewTopic)
def propose_topic(state: RoomState, actor: Person, p: NewTopic, now: float) -> Outcome:
    """Propose a topic: the text goes to the room once; the state keeps its id and votes."""
    text = clean_text(p.text)
    if len(state.topics) >= state.settings.max_topics:
        raise RoomError("too_many_topics")
    check_rate(state, actor, now)
    topic = Topic(id=state.next_id("t"), proposer=actor.user_id)
    state.topics.append(topic)
    data = {"meeting_id": state.meeting_id, "id": topic.id, "from": who(actor), "text": text}
    return Outcome(data={"id": topic.id}, notices=[Notice(ROOM, "topic_proposed", data)])


@rule("vote_topic", "admitted", Vote)
def vote_topic(state: RoomState, actor: Person, p: Vote, now: float) -> Outcome:
    """+1 a topic (or take the +1 back); idempotent."""
    topic = state.topic(p.topic_id)
    if topic is None:
        raise RoomError("unknown_topic")
    if p.vote == (actor.user_id in topic.voters):
        return Outcome(changed=False)
    if p.vote:
        topic.voters.append(actor.user_id)
    else:
        topic.voters.remove(actor.user_id)
    return Outcome()


@rule("withdraw_topic", "admitted", TopicRef)
def withdraw_topic(state: RoomState, actor: Person, p: TopicRef, now: float) -> Outcome:
    """Take back a topic one proposed (a facilitator may take back any): it leaves the list, and
    is no longer the picked one."""
    topic = state.topic(p.topic_id)
    if topic is None:
        raise RoomError("unknown_topic")
    if topic.proposer != actor.user_id and not actor.facilitates:
        raise RoomError("forbidden")
    state.topics.remove(topic)
    if state.picked_topic == topic.id:
        state.picked_topic = None
    return Outcome()


@rule("pick_topic", "facilitator", Pick)
def pick_topic(state: RoomState, actor: Person, p: Pick, now: float) -> Outcome:
    if p.topic_id is not None and state.topic(p.topic_id) is None:
        raise RoomError("unknown_topic")
    if state.picked_topic == p.topic_id:
        return Outcome(changed=False)
    state.picked_topic = p.topic_id
    return Outcome()
