"""Configuration from the environment: one class per mode."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULT_SECRET_KEY = "dev-only-not-secret"
INSTANCE_DIR = Path(os.environ.get("KREDS_INSTANCE_DIR", Path.cwd() / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def database_url(url: str) -> str:
    """psycopg2, never psycopg 3 (it blocks eventlet), whatever the URL says."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


class Config:
    """Defaults shared by every mode; each value can be set from the environment."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'kreds.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}
    # Optional: shared room state, Socket.IO message queue and rate-limit storage.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Where "Leave quickly" sends people: an ordinary, neutral site.
    QUICK_EXIT_URL = os.environ.get("KREDS_QUICK_EXIT_URL", "https://www.dmi.dk/")
    # eventlet (default), gevent or threading.
    ASYNC_MODE = os.environ.get("KREDS_ASYNC_MODE", "eventlet")

    LANGUAGES = ("da", "en")
    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    DEFAULT_TIMEZONE = "Europe/Copenhagen"

    # Scheduling and rooms.
    ROOM_GRACE_MINUTES = _int("KREDS_ROOM_GRACE_MINUTES", 15)
    # The live room: how long a dropped person keeps their place, and the chat rate limit
    # (messages, private lines and reactions per person per window).
    ROOM_RECONNECT_GRACE_SECONDS = _int("KREDS_ROOM_RECONNECT_GRACE_SECONDS", 60)
    ROOM_CHAT_RATE_COUNT = _int("KREDS_ROOM_CHAT_RATE_COUNT", 8)
    ROOM_CHAT_RATE_SECONDS = _int("KREDS_ROOM_CHAT_RATE_SECONDS", 10)
    # "background": timers run as Socket.IO background tasks; "manual": tests fire them.
    ROOM_TIMERS = os.environ.get("KREDS_ROOM_TIMERS", "background")
    INVITATION_DAYS = _int("KREDS_INVITATION_DAYS", 14)
    RESET_LINK_HOURS = _int("KREDS_RESET_LINK_HOURS", 24)
    RETENTION_DAYS = _int("KREDS_RETENTION_DAYS", 365)

    # Rate limits (Flask-Limiter syntax).
    LOGIN_RATE_LIMIT = os.environ.get("KREDS_LOGIN_RATE_LIMIT", "10 per minute")
    TOKEN_PAGE_RATE_LIMIT = os.environ.get("KREDS_TOKEN_PAGE_RATE_LIMIT", "30 per minute")
    RATELIMIT_ENABLED = _bool("KREDS_RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = False

    # Cookies: HttpOnly and SameSite=Lax always; Secure when served over HTTPS.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("KREDS_SECURE_COOKIES", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Kreds' own access log (method, route pattern, status, duration: no addresses, no tokens).
    ACCESS_LOG = _bool("KREDS_ACCESS_LOG", True)
    # Socket.IO/Engine.IO packet logging, for the zero-persistence test only: even then the
    # records lose their contents (server.logs.NoContentFilter). Always off in production.
    SOCKET_PACKET_LOGGING = _bool("KREDS_SOCKET_PACKET_LOGGING", False)
    # Engine.IO refuses packets larger than this (bytes).
    MAX_SOCKET_PAYLOAD = _int("KREDS_MAX_SOCKET_PAYLOAD", 64 * 1024)
    MAX_CONTENT_LENGTH = 256 * 1024
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    PREFERRED_URL_SCHEME = "http"


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    """External services off unless a test asks for them."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
    REDIS_URL = None
    ASYNC_MODE = "threading"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SERVER_NAME = "localhost"
    ROOM_TIMERS = "manual"


class ProductionConfig(Config):
    ENV_NAME = "production"
    SOCKET_PACKET_LOGGING = False
    SESSION_COOKIE_SECURE = _bool("KREDS_SECURE_COOKIES", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def check_config(config: Mapping[str, Any]) -> None:
    """Refuse to start with settings that are unsafe for the mode."""
    if config.get("ENV_NAME") == "production":
        key = config.get("SECRET_KEY") or ""
        if key == DEFAULT_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "Kreds will not start in production without a secret key: set SECRET_KEY to a "
                "random value of at least 32 characters, for example the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
    if config.get("ASYNC_MODE") not in {"eventlet", "gevent", "threading"}:
        raise RuntimeError("KREDS_ASYNC_MODE must be eventlet, gevent or threading")


def config_from_environment() -> type[Config]:
    """The configuration class named by ``KREDS_CONFIG`` (default: development)."""
    name = os.environ.get("KREDS_CONFIG", "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"KREDS_CONFIG must be one of {', '.join(CONFIGS)}, not {name!r}"
        ) from None
