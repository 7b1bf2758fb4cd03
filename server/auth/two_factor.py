"""Two-step log-in: after the password, a code from an authenticator app (TOTP, RFC 6238: six
digits, a new one every 30 seconds), or one of ten recovery codes instead.

What is kept: the app's secret, once the person has shown with a code that their app has it; the
last time step a code was accepted for (so a code works once, even when someone watched it being
typed); and a hash of each recovery code. Who must use it is configured
(``KREDS_TWO_FACTOR_REQUIRED``); anyone else may."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from enum import StrEnum
from typing import Any

import pyotp
import segno
from flask import current_app, session
from sqlalchemy import CursorResult

from server.auth import notices, sessions
from server.extensions import db
from server.models import (
    Membership,
    MembershipRole,
    MembershipStatus,
    NoticeKind,
    RecoveryCode,
    Role,
    User,
    utcnow,
)
from server.models.types import hash_token, new_token
from server.records import audit

# What authenticator apps show beside the account's login name. Neutral: it names no group.
ISSUER = "Kreds"
# Codes one step either side of the server's clock are accepted (a phone's clock drifts).
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# 16 characters from 31 that are hard to mix up (no 0/o, 1/l/i): about 79 bits each, enough
# that an unsalted SHA-256 of each is safe to keep.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_LENGTH = 16
ROLES = ("admin", "facilitator")
# Where the enrolment's random nonce waits in the session (see enrolment_secret).
ENROLMENT_KEY = "two_step_enrolment"


class Used(StrEnum):
    """Which kind of code let someone through."""

    APP = "app"
    RECOVERY = "recovery"


class TwoStepError(ValueError):
    """A change the rules refuse; ``code`` is stable, the caller words it for the reader."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- who must ------------------------------------------------------------------------------


def facilitates(user: User) -> bool:
    """A facilitator: the global role, or leading (or co-leading) any group now."""
    if user.role == Role.FACILITATOR:
        return True
    found = db.session.scalar(
        db.select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.status == MembershipStatus.ACTIVE,
            Membership.role.in_([MembershipRole.FACILITATOR, MembershipRole.CO_FACILITATOR]),
        )
    )
    return found is not None


def required_for(user: User) -> bool:
    """Whether this person may not log in without two-step log-in (the configuration says)."""
    required = set(current_app.config["TWO_FACTOR_REQUIRED"])
    if "admin" in required and user.role == Role.ADMIN:
        return True
    return "facilitator" in required and facilitates(user)


# --- codes ---------------------------------------------------------------------------------


def _digits(code: str) -> str:
    """What was typed, without the spaces and dashes apps and people put in."""
    return "".join(ch for ch in code.lower() if not ch.isspace() and ch != "-")


def matching_step(secret: str, code: str) -> int | None:
    """The time step (now, or one either side) whose code ``code`` is, or None."""
    typed = _digits(code)
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), typed):
            found = step
    return found


def _spend_step(user: User, step: int) -> bool:
    """Record ``step`` as used, unless it (or a later one) already was: one UPDATE, so two
    requests racing with the same code cannot both win."""
    result = db.session.execute(
        db.update(User)
        .where(
            User.id == user.id,
            db.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
    )
    return _changed(result)


def _spend_recovery_code(user: User, code: str) -> bool:
    result = db.session.execute(
        db.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_token(_digits(code)),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return _changed(result)


def _changed(result: Any) -> bool:
    return isinstance(result, CursorResult) and result.rowcount == 1


def check(user: User, code: str) -> Used | None:
    """Whether ``code`` lets ``user`` through now: a code from their app not used before, or an
    unused recovery code, which is then used up (the caller commits). None otherwise."""
    if not user.totp_secret or not code:
        return None
    step = matching_step(user.totp_secret, code)
    if step is not None:
        return Used.APP if _spend_step(user, step) else None
    if len(_digits(code)) == RECOVERY_LENGTH and _spend_recovery_code(user, code):
        return Used.RECOVERY
    return None


def recovery_codes_left(user: User) -> int:
    return int(
        db.session.scalar(
            db.select(db.func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes, returned once, grouped for reading ("abcd-efgh-jkmn-pqrs"); the
    old ones stop working. Only their hashes are kept (the caller commits)."""
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        code = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_token(code)))
        codes.append("-".join(code[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
    return codes


# --- setting it up -------------------------------------------------------------------------


def enrolment_secret(user: User) -> str:
    """The secret offered to ``user`` while they set up two-step log-in, before it is stored.

    The session cookie keeps only a random nonce; the secret is made from it with the server's
    key. So the secret is never written to the browser's cookie store (an unfinished set-up
    leaves nothing there that a later reader of the device could add to their own app), the
    page can be reloaded (or the password typed again) and shows the same code to scan, and
    nothing is written to the database until a code proves the app has it."""
    nonce = session.get(ENROLMENT_KEY)
    if not isinstance(nonce, str):
        nonce = session[ENROLMENT_KEY] = new_token()
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"totp-enrolment:{user.id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.login, issuer_name=ISSUER)


def qr_code(uri: str) -> str:
    """The set-up QR code as a ``data:`` URI of an SVG image (the CSP allows data: images)."""
    return str(
        segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")
    )


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enrol(user: User, code: str) -> list[str] | None:
    """Store the offered secret if ``code`` is its code now; returns the new recovery codes, or
    None. The confirming code counts as used. The person's other log-ins end: one started with
    the password alone (perhaps by whoever made them worried) does not outlive the change. The
    caller commits."""
    secret = enrolment_secret(user)
    step = matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_last_step = step
    session.pop(ENROLMENT_KEY, None)
    sessions.end_all(user, keep=user.current_login)
    return new_recovery_codes(user)


def turn_off(user: User) -> None:
    """No more second step for ``user``: the secret and every recovery code go (caller commits)."""
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def reset_by_admin(user: User, actor: User) -> None:
    """An administrator turns off two-step log-in for someone who lost their phone and their
    recovery codes. Every log-in of that person ends, an audit entry is written, and the person
    is told at their next log-in (the caller commits, then disconnects their live rooms)."""
    if user.id == actor.id:
        raise TwoStepError("two_step_self")
    if not user.totp_secret:
        raise TwoStepError("two_step_off")
    turn_off(user)
    sessions.end_all(user)
    audit("admin.user.two_factor_reset", actor.id, target_user_id=user.id)
    notices.leave(user, NoticeKind.TWO_FACTOR_RESET)
