"""Login sessions kept on the server.

The session cookie (and the "keep me logged in" cookie) holds the person's id and a random token;
the database keeps only the token's hash, in a :class:`LoginSession`. Deleting the row ends the
log-in wherever the cookie has gone: a copied or replayed cookie then gets nothing, over HTTP or
Socket.IO. Log-out, quick exit, "log out everywhere", a password change or reset and deactivation
all end sessions here; the callers close the live connections after their commit
(:func:`server.room.end_sessions`, :func:`server.room.disconnect_user`)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import Delete

from server.extensions import db, login_manager
from server.models import LoginSession, User, utcnow
from server.models.types import hash_token, new_token

# How stale "last used" may get before a request writes it again (one write per few minutes, not
# one per request).
LAST_SEEN_STEP = timedelta(minutes=5)
# A log-in ends by itself after this long unused: a browser-session log-in (browsers that restore
# their tabs keep its cookie), and one kept with "keep me logged in".
IDLE_LIMIT = timedelta(hours=12)
REMEMBERED_IDLE_LIMIT = timedelta(days=30)


def device_of(user_agent: str) -> str:
    """The kind of device and the browser's family, from a User-Agent: "phone · Firefox".
    Nothing finer (no version, no operating system build) is kept."""
    agent = user_agent.lower()
    if "ipad" in agent or "tablet" in agent or ("android" in agent and "mobile" not in agent):
        kind = "tablet"
    elif "mobile" in agent or "iphone" in agent or "android" in agent:
        kind = "phone"
    else:
        kind = "computer"
    for marker, family in (
        ("edg/", "Edge"),
        ("opr/", "Opera"),
        ("samsungbrowser", "Samsung Internet"),
        ("firefox/", "Firefox"),
        ("fxios/", "Firefox"),
        ("chrome/", "Chrome"),
        ("chromium/", "Chrome"),
        ("crios/", "Chrome"),
        ("safari/", "Safari"),
    ):
        if marker in agent:
            return f"{kind} · {family}"
    return kind


def start(user: User, remember: bool) -> LoginSession:
    """Log ``user`` in on this browser: a new login session, the old cookie's data dropped."""
    token = new_token()
    login = LoginSession(
        user_id=user.id,
        token_hash=hash_token(token),
        device=device_of(request.headers.get("User-Agent", "")),
        remember=remember,
    )
    db.session.add(login)
    db.session.commit()
    session.clear()
    user.current_login, user.login_token = login, token
    login_user(user, remember=remember)
    return login


def end_here() -> int | None:
    """Log out on this browser: the login session ends on the server, both cookies are deleted.
    Returns the ended session's id, or None (the caller closes its sockets)."""
    from flask_login import current_user

    login = getattr(current_user, "current_login", None)
    ended = None
    if login is not None:
        ended = int(login.id)
        db.session.delete(login)
        db.session.commit()
    # First empty the session, then let Flask-Login mark the remember cookie for deletion (the
    # other order would erase that mark).
    session.clear()
    logout_user()
    return ended


def end(login_id: int) -> int | None:
    """End one login session (of anyone: the caller decides who may). Returns its person's id."""
    login = db.session.get(LoginSession, login_id)
    if login is None:
        return None
    user_id = int(login.user_id)
    db.session.delete(login)
    return user_id


def end_all(user: User, keep: LoginSession | None = None) -> None:
    """End every login session of ``user`` (but ``keep``); the caller commits."""
    query = db.delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep is not None:
        query = query.where(LoginSession.id != keep.id)
    db.session.execute(query)


def expired_logins() -> Delete:
    """The statement that deletes every login session past its idle limit."""
    now = utcnow()
    return db.delete(LoginSession).where(
        db.or_(
            db.and_(LoginSession.remember.is_(False), LoginSession.last_seen_at < now - IDLE_LIMIT),
            LoginSession.last_seen_at < now - REMEMBERED_IDLE_LIMIT,
        )
    )


def of_user(user: User) -> list[LoginSession]:
    return list(
        db.session.scalars(
            db.select(LoginSession)
            .where(LoginSession.user_id == user.id)
            .order_by(LoginSession.last_seen_at.desc())
        )
    )


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The person of a cookie, while its login session lasts."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    login = db.session.scalar(
        db.select(LoginSession).where(LoginSession.token_hash == hash_token(token))
    )
    if login is None or login.user_id != int(user_id):
        return None
    user = login.user
    if not user.active:
        return None
    now = utcnow()
    if now - login.last_seen_at > (REMEMBERED_IDLE_LIMIT if login.remember else IDLE_LIMIT):
        db.session.delete(login)
        db.session.commit()
        return None
    if now - login.last_seen_at > LAST_SEEN_STEP:
        login.last_seen_at = now
        db.session.commit()
    user.current_login, user.login_token = login, token
    return user


def quick_exit_token(login: LoginSession) -> str:
    """A token that does one thing: end this login session (the quick exit sends it with
    ``navigator.sendBeacon``, which survives the page being left). It names the session and
    carries a keyed hash that only the server can make."""
    return f"{login.id}.{_quick_exit_mac(login)}"


def login_of_quick_exit_token(token: str) -> LoginSession | None:
    login_id, _, mac = token.partition(".")
    if not login_id.isdigit() or not mac:
        return None
    login = db.session.get(LoginSession, int(login_id))
    if login is None or not hmac.compare_digest(mac, _quick_exit_mac(login)):
        return None
    return login


def _quick_exit_mac(login: LoginSession) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"quick-exit:{login.id}:{login.token_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def init_login_manager() -> None:
    """Flask-Login's own "session protection" is off, and it writes no identifier of its own to
    the session: that identifier is an unsalted hash of the address and the User-Agent, from which
    an IPv4 address can be recovered. Login sessions on the server replace it."""
    login_manager.session_protection = None
    login_manager._session_identifier_generator = str
