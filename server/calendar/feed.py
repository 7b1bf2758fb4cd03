"""A person's meetings as an iCalendar feed that says nothing about the group.

Calendars are often synced to shared or inspected devices: an event says only "Group meeting"
with its times, in the group's language (the language its members meet in). No group name,
theme, description, location or link."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from server.extensions import db
from server.models import Meeting, MeetingStatus, Membership, MembershipStatus, User
from server.models.types import hash_token

# In code, not in the catalogues: the feed is read by a calendar app, with no request locale.
# Neutral on purpose: nothing in someone's calendar says what the group is about. In each
# language's words for "group" and "meeting" (docs/i18n.md).
NEUTRAL_TITLES = {
    "ar": "لقاء المجموعة",
    "cs": "Setkání skupiny",
    "da": "Gruppemøde",
    "de": "Gruppentreffen",
    "en": "Group meeting",
    "es": "Reunión de grupo",
    "fr": "Réunion de groupe",
    "nl": "Groepsbijeenkomst",
    "uk": "Зустріч групи",
}
HISTORY = timedelta(days=30)


def find_subscriber(token: str) -> User | None:
    user = db.session.scalar(db.select(User).where(User.calendar_token_hash == hash_token(token)))
    return user if user is not None and user.active else None


def neutral_title(language: str | None, default: str) -> str:
    return NEUTRAL_TITLES.get(language or default) or NEUTRAL_TITLES.get(default, "Group meeting")


def event_uid(meeting_id: int, user_id: int, secret: str) -> str:
    """Stable for one person's copy of one meeting, and opaque: it does not reveal the meeting
    id, nor link two people's calendars to the same meeting."""
    digest = hmac.new(
        secret.encode("utf-8"), f"meeting:{meeting_id}:user:{user_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{digest}@calendar"


def feed_meetings(user: User, now: datetime) -> list[Meeting]:
    """Meetings of the person's groups (active memberships), from 30 days ago on."""
    groups = db.select(Membership.group_id).where(
        Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
    )
    return list(
        db.session.scalars(
            db.select(Meeting)
            .where(Meeting.group_id.in_(groups), Meeting.starts_at >= now - HISTORY)
            .order_by(Meeting.starts_at)
        )
    )


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def build_feed(user: User, now: datetime, secret: str, default_language: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    stamp = _utc(now)
    for meeting in feed_meetings(user, now):
        event = Event()
        event.add("uid", event_uid(meeting.id, user.id, secret))
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(meeting.starts_at))
        event.add("dtend", _utc(meeting.ends_at))
        event.add("summary", neutral_title(meeting.group.language, default_language))
        if meeting.status == MeetingStatus.CANCELLED:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
