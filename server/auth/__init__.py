"""Logging in and out, two-step log-in, login sessions kept on the server, one-time
password-reset links."""

from flask import Blueprint
from flask_login import current_user

bp = Blueprint("auth", __name__)

from server.auth import pending, routes, routes_two_step  # noqa: E402,F401
from server.auth.sessions import quick_exit_token  # noqa: E402


@bp.app_context_processor
def quick_exit_context() -> dict[str, str | None]:
    """Lets "Leave quickly" on every page end this login session on the server as it leaves (or
    a log-in still waiting for its second step)."""
    login = getattr(current_user, "current_login", None)
    return {
        "quick_exit_token": quick_exit_token(login)
        if login is not None
        else pending.quick_exit_token()
    }


def _configure_login() -> None:
    from flask_babel import lazy_gettext

    from server.auth.sessions import init_login_manager
    from server.extensions import login_manager

    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"
    init_login_manager()


_configure_login()
