"""Configuration from the environment: one class per mode."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULT_SECRET_KEY = "dev-only-not-secret"
INSTANCE_DIR = Path(os.environ.get("KREDS_INSTANCE_DIR", Path.cwd() / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _maybe_bool(name: str) -> bool | None:
    """A switch that may be left unset (None: the default depends on other settings)."""
    value = os.environ.get(name, "").strip()
    return _bool(name, False) if value else None


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def _roles(name: str, default: str) -> tuple[str, ...]:
    """A list of roles, comma- or space-separated; set but empty means none."""
    value = os.environ.get(name)
    return tuple((default if value is None else value).replace(",", " ").lower().split())


def languages_with_catalogues(translations: Path) -> tuple[str, ...]:
    """English (the source, needing no catalogue) and each language with a server catalogue
    (``<lang>/LC_MESSAGES/messages.po`` under ``translations``), sorted by code. Looked up once,
    when this module is imported: a catalogue added later is offered after a restart."""
    found = {po.parents[1].name for po in translations.glob("*/LC_MESSAGES/messages.po")}
    return tuple(sorted(found | {"en"}))


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
    # Optional, for several processes: which process holds each meeting, room snapshots, control
    # messages and rate-limit storage. Every process of one deployment uses the same URL and
    # prefix (keys and channels start with the prefix).
    REDIS_URL = os.environ.get("REDIS_URL") or None
    REDIS_PREFIX = os.environ.get("KREDS_REDIS_PREFIX", "kreds")
    # Where "Leave quickly" sends people: an ordinary, neutral site.
    QUICK_EXIT_URL = os.environ.get("KREDS_QUICK_EXIT_URL", "https://www.dmi.dk/")
    # eventlet (default), gevent or threading.
    ASYNC_MODE = os.environ.get("KREDS_ASYNC_MODE", "eventlet")
    # Connections one eventlet process of `python -m server` holds at once (each socket is one).
    MAX_CONNECTIONS = _int("KREDS_MAX_CONNECTIONS", 10_000)
    # The garbage collector's policy (server/tuning.py): freeze survivors every so many seconds,
    # young passes by the clock every so many milliseconds (0 turns either off).
    GC_FREEZE_SECONDS = 10
    GC_PASS_MS = 25

    # The languages offered (the switch, the browser's Accept-Language, an account's choice):
    # those with a server catalogue. server/i18n.py names them and orders the switch.
    LANGUAGES = languages_with_catalogues(Path(__file__).resolve().parent / "translations")
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
    # With Redis: how soon a silent process counts as gone, and another process may take over the
    # meetings it held.
    ROOM_PROCESS_TTL_SECONDS = _float("KREDS_ROOM_PROCESS_TTL_SECONDS", 15.0)
    # Media: ICE servers for the browsers' peer connections (docs/media.md). Empty by default: on
    # one network (and on loopback) browsers need none. URLs are comma- or space-separated;
    # TURN credentials are short-lived, made with coturn's shared secret (static-auth-secret).
    STUN_URLS = os.environ.get("KREDS_STUN_URLS", "")
    TURN_URLS = os.environ.get("KREDS_TURN_URLS", "")
    TURN_SECRET = os.environ.get("KREDS_TURN_SECRET", "")
    TURN_TTL = _int("KREDS_TURN_TTL", 3600)
    # Relay every connection through TURN, so that no member learns another's IP address: unset
    # (None), on whenever TURN servers are configured; KREDS_ICE_RELAY_ONLY=0 turns it off.
    ICE_RELAY_ONLY = _maybe_bool("KREDS_ICE_RELAY_ONLY")
    INVITATION_DAYS = _int("KREDS_INVITATION_DAYS", 14)
    RESET_LINK_HOURS = _int("KREDS_RESET_LINK_HOURS", 24)
    # Who may not log in without two-step log-in: "admin", "facilitator" (the global role, or
    # leading or co-leading any group), both, or none (the default outside production).
    TWO_FACTOR_REQUIRED = _roles("KREDS_TWO_FACTOR_REQUIRED", "")
    RETENTION_DAYS = _int("KREDS_RETENTION_DAYS", 365)

    # Rate limits (Flask-Limiter syntax).
    LOGIN_RATE_LIMIT = os.environ.get("KREDS_LOGIN_RATE_LIMIT", "10 per minute")
    TOKEN_PAGE_RATE_LIMIT = os.environ.get("KREDS_TOKEN_PAGE_RATE_LIMIT", "30 per minute")
    # Codes typed for one account (two-step log-in), from any address: a guesser who has the
    # password gets a few tries an hour.
    TWO_FACTOR_RATE_LIMIT = os.environ.get(
        "KREDS_TWO_FACTOR_RATE_LIMIT", "5 per minute; 20 per hour"
    )
    RATELIMIT_ENABLED = _bool("KREDS_RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = False

    # Cookies: HttpOnly and SameSite=Lax always; Secure when served over HTTPS.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("KREDS_SECURE_COOKIES", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # "Keep me logged in" lasts 30 days unused (the login session ends on the server then too:
    # server/auth/sessions.py), not Flask-Login's year.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    # Kreds' own access log (method, route pattern, status, duration: no addresses, no tokens).
    ACCESS_LOG = _bool("KREDS_ACCESS_LOG", True)
    # Socket.IO/Engine.IO packet logging, for the zero-persistence test only: even then the
    # records lose their contents (server.logs.NoContentFilter). Always off in production.
    SOCKET_PACKET_LOGGING = _bool("KREDS_SOCKET_PACKET_LOGGING", False)
    # Engine.IO refuses packets larger than this (bytes).
    MAX_SOCKET_PAYLOAD = _int("KREDS_MAX_SOCKET_PAYLOAD", 64 * 1024)
    MAX_CONTENT_LENGTH = 256 * 1024
    # Reverse proxies in front of Kreds (nginx: 1) whose X-Forwarded-Proto and X-Forwarded-For are
    # trusted: the scheme for secure cookies and links, the address only hashed for rate limits.
    PROXY_HOPS = _int("KREDS_PROXY_HOPS", 0)
    # /metrics (Prometheus) answers only "Authorization: Bearer <token>", and only when a token
    # is set: unset, it is a page that does not exist.
    METRICS_TOKEN = os.environ.get("KREDS_METRICS_TOKEN") or None
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # Over HTTPS Flask-WTF would also demand a Referer from the same host, but every page says
    # "Referrer-Policy: no-referrer", so browsers send none and every form would fail behind TLS.
    # The CSRF token and SameSite=Lax cookies protect forms; HSTS keeps the scheme.
    WTF_CSRF_SSL_STRICT = False
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
    TWO_FACTOR_REQUIRED: tuple[str, ...] = ()
    SERVER_NAME = "localhost"
    ROOM_TIMERS = "manual"
    # No STUN or TURN servers unless a test sets them.
    STUN_URLS = ""
    TURN_URLS = ""
    TURN_SECRET = ""
    ICE_RELAY_ONLY: bool | None = None


class ProductionConfig(Config):
    ENV_NAME = "production"
    TWO_FACTOR_REQUIRED = _roles("KREDS_TWO_FACTOR_REQUIRED", "admin,facilitator")
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
    unknown = set(config.get("TWO_FACTOR_REQUIRED", ())) - {"admin", "facilitator"}
    if unknown:
        raise RuntimeError(
            "KREDS_TWO_FACTOR_REQUIRED lists roles among admin and facilitator, not "
            + ", ".join(sorted(unknown))
        )
    if 0 < len(config.get("METRICS_TOKEN") or "") < 24:
        raise RuntimeError(
            "KREDS_METRICS_TOKEN must be at least 24 random characters: anyone can try to guess "
            "it on /metrics."
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
