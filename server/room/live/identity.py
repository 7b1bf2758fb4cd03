"""Who a socket belongs to: resolved once, when it connects, and kept with the socket.

A socket's cookie never changes after its handshake, so reading the person from it (a signed-cookie
decode and a database read) on every event would only repeat the answer of the connect — except
when the person's sessions end meanwhile. They end in a few places (log-out, a password change or
reset, deactivation, account deletion; a removed membership or a deleted group end the person's
place in the room), and each of them calls :func:`server.room.disconnect_user` after its commit,
which closes that person's sockets on every process. So the events read the person from here, and
an ended session still takes effect at once:

- at connect, the person is read through Flask-Login, the socket joins the person's Socket.IO room
  ``user:<id>``, then the account is checked once more (a revocation committed in between is seen by
  that check; one committed later finds the socket in ``user:<id>``);
- ``join`` reads the person afresh (it reads the database anyway) and refuses an ended session;
- a process whose control channel (:mod:`server.room.cluster`) was cut checks every socket it holds
  when it listens again, since a ``disconnect_user`` sent meanwhile is lost.

What is kept is the person's id, their login session and the language for error messages:
nothing anyone said."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_login import current_user
from sqlalchemy import select

from server.extensions import db
from server.models import LoginSession, User

# The key in the socket's WSGI environ (python-socketio keeps one per connection).
IDENTITY = "kreds.identity"


@dataclass(frozen=True, slots=True)
class Identity:
    """The person behind a socket, as they were when it connected."""

    user_id: int
    # The login session (server.auth.sessions) the socket's cookie names.
    login_id: int
    # The language of this person's error messages (their choice, else the browser's).
    locale: str


def remember(environ: dict[str, Any], user: User, locale: str) -> Identity:
    """Keep the person with the socket."""
    login = user.current_login
    found = Identity(int(user.id), int(login.id) if login is not None else 0, locale)
    environ[IDENTITY] = found
    return found


def current() -> User | None:
    """The logged-in person of this request (Flask-Login, read from the database)."""
    if not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    return user if isinstance(user, User) else None


def load(identity: Identity) -> User | None:
    """The person afresh, while the session the socket connected with is still good."""
    login = db.session.get(LoginSession, identity.login_id, populate_existing=True)
    if login is None or login.user_id != identity.user_id:
        return None
    user = db.session.get(User, identity.user_id, populate_existing=True)
    if user is None or not user.active:
        return None
    user.current_login = login
    return user


def valid(identities: list[Identity]) -> set[Identity]:
    """Which of these sessions are still good (one query, without building ``User`` objects)."""
    logins = {found.login_id for found in identities}
    if not logins:
        return set()
    rows = db.session.execute(
        select(LoginSession.id, LoginSession.user_id)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.id.in_(logins), User.active.is_(True))
    ).all()
    alive = {(int(row[1]), int(row[0])) for row in rows}
    return {f for f in identities if (f.user_id, f.login_id) in alive}
