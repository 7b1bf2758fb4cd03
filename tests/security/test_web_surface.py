"""The web surface: headers and cookies."""

from __future__ import annotations

from flask.testing import FlaskClient

from server import create_app
from server.config import ProductionConfig
from server.extensions import db
from tests import factories
from tests.conftest import Course


def test_every_page_forbids_inline_script_framing_and_referrers(client: FlaskClient) -> None:
    for path in ("/login", "/safety", "/nope"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "camera=(self)" in headers["Permissions-Policy"]
        assert "microphone=(self)" in headers["Permissions-Policy"]
        assert "display-capture=()" in headers["Permissions-Policy"]
        assert headers["X-Frame-Options"] == "DENY"


def test_session_cookies_are_http_only_and_same_site_lax(
    client: FlaskClient, course: Course
) -> None:
    response = client.post(
        "/login",
        data={
            "login": course.participants[0].login,
            "password": factories.PASSWORD,
            "remember": "y",
        },
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_sends_hsts_and_secure_cookies() -> None:
    app = create_app(ProductionConfig, SECRET_KEY="s" * 40, SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        db.create_all()
        user = factories.gen_user()
        client = app.test_client()
        response = client.post("/login", data={"login": user.login, "password": factories.PASSWORD})
        assert "max-age=" in response.headers["Strict-Transport-Security"]
        for cookie in response.headers.getlist("Set-Cookie"):
            assert "Secure" in cookie
        db.session.remove()
