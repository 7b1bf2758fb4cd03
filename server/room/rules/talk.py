"""What people send to each other: chat, the private line to the facilitators, discreet signals,
reactions and topics.

All of it is relayed in a notice and forgotten: the state keeps server-made ids, counters for rate
limits, and for topics only the id, proposer and voters. No private line between participants."""

from __future__ import annotations

import re

from server.room.errors import RoomError
from server.room.rules.common import (
    check_rate,
    clean_text,
    require_admitted,
    require_facilitator,
    target_anywhere,
    target_in_room,
    who,
)
from server.room.rules.outcome import FACILITATORS, ROOM, Notice, Outcome, to_user
from server.room.state import RoomState, Topic

CHAT_LIMIT = 1000
TOPIC_LIMIT = 200
SIGNALS = ("need_break", "not_ok")
REACTIONS = ("hear_you", "me_too", "thank_you")
_MESSAGE_ID = re.compile(r"^m(\d{1,9})$")


def chat(state: RoomState, actor: int, text: str, now: float) -> Outcome:
    """Relay a message to the room with a server-made id. Facilitators may write with chat off."""
    person = require_admitted(state, actor)
    if not state.chat_enabled and not person.facilitates:
        raise RoomError("chat_off")
    if person.chat_muted:
        raise RoomError("chat_muted")
    text = clean_text(text, CHAT_LIMIT)
    check_rate(state, person, now)
    message_id = state.next_id("m")
    data = {"meeting_id": state.meeting_id, "id": message_id, "from": who(person)}
    data.update(text=text, at=now)
    return Outcome(data={"id": message_id}, notices=[Notice(ROOM, "chat", data)], changed=False)


def delete_chat(state: RoomState, actor: int, message_id: str, now: float) -> Outcome:
    """Tell every client to drop a message (the server has no copy to delete)."""
    require_facilitator(state, actor)
    match = _MESSAGE_ID.match(message_id)
    if match is None or int(match.group(1)) > state.seq:
        raise RoomError("invalid")
    data = {"meeting_id": state.meeting_id, "id": message_id}
    return Outcome(
        notices=[Notice(ROOM, "chat_deleted", data)],
        audit=[("room.chat_delete", None)],
        changed=False,
    )


def set_chat(state: RoomState, actor: int, enabled: bool, now: float) -> Outcome:
    require_facilitator(state, actor)
    if state.chat_enabled == enabled:
        return Outcome(changed=False)
    state.chat_enabled = enabled
    return Outcome(audit=[("room.chat_on" if enabled else "room.chat_off", None)])


def mute_chat(state: RoomState, actor: int, target: int, muted: bool, now: float) -> Outcome:
    require_facilitator(state, actor)
    person = target_in_room(state, target)
    if person.facilitates:
        raise RoomError("forbidden")
    if person.chat_muted == muted:
        return Outcome(changed=False)
    person.chat_muted = muted
    notice = Notice(to_user(target), "chat_muted", {"meeting_id": state.meeting_id, "muted": muted})
    action = "room.chat_mute" if muted else "room.chat_unmute"
    return Outcome(notices=[notice], audit=[(action, target)])


def _require_facilitator_connected(state: RoomState) -> None:
    if not state.facilitator_connected():
        raise RoomError("no_facilitator")


def private_message(state: RoomState, actor: int, text: str, now: float) -> Outcome:
    """The private line: a participant writes to the facilitators (all of them)."""
    person = require_admitted(state, actor)
    text = clean_text(text, CHAT_LIMIT)
    _require_facilitator_connected(state)
    check_rate(state, person, now)
    message_id = state.next_id("p")
    data = {"meeting_id": state.meeting_id, "id": message_id, "from": who(person), "to": None}
    data.update(text=text, at=now)
    return Outcome(
        data={"id": message_id},
        notices=[Notice(FACILITATORS, "private_message", data)],
        changed=False,
    )


def private_reply(state: RoomState, actor: int, target: int, text: str, now: float) -> Outcome:
    """A facilitator answers one person privately; the other facilitators see the answer."""
    person = require_facilitator(state, actor)
    recipient = target_anywhere(state, target)
    text = clean_text(text, CHAT_LIMIT)
    check_rate(state, person, now)
    message_id = state.next_id("p")
    data = {"meeting_id": state.meeting_id, "id": message_id, "from": who(person)}
    data.update(to=who(recipient), text=text, at=now)
    notices = [Notice(to_user(target), "private_message", data)]
    if not recipient.facilitates:
        notices.append(Notice(FACILITATORS, "private_message", data))
    return Outcome(data={"id": message_id}, notices=notices, changed=False)


def signal(state: RoomState, actor: int, kind: str, now: float) -> Outcome:
    """A discreet signal to the facilitators ("I need a break", "I'm not OK")."""
    person = require_admitted(state, actor)
    if kind not in SIGNALS:
        raise RoomError("invalid")
    _require_facilitator_connected(state)
    check_rate(state, person, now)
    data = {"meeting_id": state.meeting_id, "from": who(person), "kind": kind, "at": now}
    return Outcome(notices=[Notice(FACILITATORS, "private_signal", data)], changed=False)


def react(state: RoomState, actor: int, kind: str, now: float) -> Outcome:
    """A mirroring signal to everyone ("I hear you", "me too", "thank you"), never stored."""
    person = require_admitted(state, actor)
    if kind not in REACTIONS:
        raise RoomError("invalid")
    check_rate(state, person, now)
    data = {"meeting_id": state.meeting_id, "from": who(person), "kind": kind}
    return Outcome(notices=[Notice(ROOM, "reaction", data)], changed=False)


def propose_topic(state: RoomState, actor: int, text: str, now: float) -> Outcome:
    """Propose a topic: the text goes to the room once; the state keeps its id and votes."""
    person = require_admitted(state, actor)
    text = clean_text(text, TOPIC_LIMIT)
    if len(state.topics) >= state.settings.max_topics:
        raise RoomError("too_many_topics")
    check_rate(state, person, now)
    topic = Topic(id=state.next_id("t"), proposer=actor)
    state.topics.append(topic)
    data = {"meeting_id": state.meeting_id, "id": topic.id, "from": who(person), "text": text}
    return Outcome(data={"id": topic.id}, notices=[Notice(ROOM, "topic_proposed", data)])


def vote_topic(state: RoomState, actor: int, topic_id: str, vote: bool, now: float) -> Outcome:
    """+1 a topic (or take the +1 back); idempotent."""
    require_admitted(state, actor)
    topic = state.topic(topic_id)
    if topic is None:
        raise RoomError("unknown_topic")
    if vote == (actor in topic.voters):
        return Outcome(changed=False)
    if vote:
        topic.voters.append(actor)
    else:
        topic.voters.remove(actor)
    return Outcome()


def pick_topic(state: RoomState, actor: int, topic_id: str | None, now: float) -> Outcome:
    require_facilitator(state, actor)
    if topic_id is not None and state.topic(topic_id) is None:
        raise RoomError("unknown_topic")
    if state.picked_topic == topic_id:
        return Outcome(changed=False)
    state.picked_topic = topic_id
    return Outcome()
