"""Logging in and out, two-step log-in, login sessions kept on the server, one-time
password-reset links."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from server.auth import routes, routes_two_step  # noqa: E402,F401


def _configure_login() -> None:
    from flask_babel import lazy_gettext

    from server.auth.sessions import init_login_manager
    from server.extensions import login_manager

    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"
    init_login_manager()


_configure_login()
