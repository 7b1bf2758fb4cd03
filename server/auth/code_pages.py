"""What every page that takes a two-step code shares, at log-in and on the account's security
page: the rate limits, the words for a wrong code, and setting two-step log-in up."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from server import room
from server.auth import pending, two_factor
from server.auth.forms import CodeForm
from server.extensions import db, limiter
from server.models import User


def login_limit() -> str:
    """Attempts per address at the log-in page and every page that takes a code."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


# Code attempts also count against the account they are for, on every page that takes a code.
code_attempts = limiter.shared_limit(
    pending.code_limit, scope="two-step-code", key_func=pending.account_key, methods=["POST"]
)


def wrong_code() -> str:
    return _(
        "This code is not right, or it was already used. Type the code your app shows now, or a "
        "recovery code you have not used."
    )


def setup_offer(user: User) -> dict[str, str]:
    """What the set-up page shows: the QR code and the secret for typing in by hand."""
    secret = two_factor.enrolment_secret(user)
    return {
        "qr": two_factor.qr_code(two_factor.provisioning_uri(user, secret)),
        "secret": two_factor.grouped(secret),
    }


def confirm_set_up(user: User, form: CodeForm) -> list[str] | None:
    """Two-step log-in set up with the form's code: committed, and the person's other log-ins'
    sockets closed; returns the recovery codes to show once. None: the code was wrong (said on
    the form's field) or not sent."""
    if not form.validate_on_submit():
        return None
    codes = two_factor.enrol(user, form.code.data or "")
    if codes is None:
        form.code.errors = [*form.code.errors, wrong_code()]
        return None
    db.session.commit()
    room.end_sessions(user.id)
    return codes
