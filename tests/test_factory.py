"""The app factory and configuration."""

from __future__ import annotations

import pytest

from server import create_app
from server.config import ProductionConfig, TestingConfig, database_url


def test_testing_config_switches_external_services_off() -> None:
    app = create_app(TestingConfig)
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    assert app.config["REDIS_URL"] is None


@pytest.mark.parametrize("key", ["", "dev-only-not-secret", "short"])
def test_production_refuses_to_start_without_a_real_secret_key(key: str) -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SECRET_KEY=key, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_starts_with_a_real_secret_key() -> None:
    app = create_app(ProductionConfig, SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_an_unknown_async_mode_is_refused() -> None:
    with pytest.raises(RuntimeError, match="KREDS_ASYNC_MODE"):
        create_app(TestingConfig, ASYNC_MODE="asyncio-please")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_postgres_urls_always_use_psycopg2(given: str, expected: str) -> None:
    # psycopg 3 blocks eventlet.
    assert database_url(given) == expected


def test_every_route_declares_an_access_policy() -> None:
    from server.access import policy_of

    app = create_app(TestingConfig)
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and policy_of(app, rule.endpoint) is None
    ]
    assert undeclared == []


def test_engineio_decodes_a_burst_of_signalling_in_one_request() -> None:
    """A browser batches ICE candidates for several peers into one long-polling payload."""
    from engineio.payload import Payload

    create_app(TestingConfig)
    assert Payload.max_decode_packets == 64


def test_the_rate_limits_live_in_memory_without_redis_and_in_redis_with_it() -> None:
    assert create_app(TestingConfig).config["RATELIMIT_STORAGE_URI"] == "memory://"
    shared = create_app(TestingConfig, REDIS_URL="redis://127.0.0.1:6379/0")
    assert shared.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
