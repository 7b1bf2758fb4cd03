"""ICE servers from the configuration, TURN credentials in coturn's shared-secret scheme, and
settings that cannot work refused at start."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from server import create_app
from server.config import TestingConfig
from server.room.live.ice import (
    check_ice_config,
    ice_config,
    opaque_id,
    parse_urls,
    turn_credentials,
)

NOW = 1_750_000_000.0
TURN = {
    "TURN_URLS": "turn:turn.example.org:3478?transport=udp turns:turn.example.org:5349",
    "TURN_SECRET": "static-auth-secret-value",
    "TURN_TTL": 3600,
    "SECRET_KEY": "app-secret",
}


def test_urls_are_read_from_commas_or_spaces() -> None:
    assert parse_urls(" stun:a:3478, stun:b:3478  stun:c ") == (
        "stun:a:3478",
        "stun:b:3478",
        "stun:c",
    )
    assert parse_urls("") == () and parse_urls(None) == ()


def test_nothing_is_configured_by_default() -> None:
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    assert ice_config(config, 5, NOW) == {
        "ice_servers": [],
        "ice_transport_policy": "all",
        "expires_at": None,
    }


def test_turn_credentials_follow_coturns_rest_scheme() -> None:
    found = ice_config(TURN, 5, NOW)
    (turn,) = found["ice_servers"]
    username = turn["username"]
    expiry, opaque = username.split(":")
    assert int(expiry) == int(NOW) + 3600 == found["expires_at"]
    # What coturn computes with use-auth-secret / static-auth-secret:
    mac = hmac.new(b"static-auth-secret-value", username.encode(), hashlib.sha1).digest()
    assert turn["credential"] == base64.b64encode(mac).decode()
    assert opaque == opaque_id(5, "app-secret")


def test_the_opaque_id_is_stable_per_person_and_reveals_nobody() -> None:
    assert opaque_id(5, "k") == opaque_id(5, "k")
    assert opaque_id(5, "k") != opaque_id(6, "k")
    assert opaque_id(5, "k") != opaque_id(5, "other key")
    # Knowing the TURN secret is not enough to tell who someone is: the key is the app's.
    (turn,) = ice_config(TURN, 5, NOW)["ice_servers"]
    opaque = turn["username"].split(":")[1]
    assert len(opaque) == 20 and int(opaque, 16) >= 0
    assert opaque != opaque_id(5, TURN["TURN_SECRET"])  # type: ignore[arg-type]


def test_credentials_expire_after_the_configured_time() -> None:
    short = ice_config({**TURN, "TURN_TTL": 120}, 5, NOW)
    assert short["expires_at"] == int(NOW) + 120
    username, credential = turn_credentials("s", "abc", 99)
    assert username == "99:abc" and base64.b64decode(credential)


def test_relay_only_needs_turn_and_hides_addresses() -> None:
    assert ice_config({**TURN, "ICE_RELAY_ONLY": True}, 5, NOW)["ice_transport_policy"] == "relay"
    assert ice_config({"ICE_RELAY_ONLY": True}, 5, NOW)["ice_transport_policy"] == "all"


def test_with_a_turn_server_media_is_relayed_unless_turned_off() -> None:
    assert ice_config(TURN, 5, NOW)["ice_transport_policy"] == "relay"
    assert ice_config({**TURN, "ICE_RELAY_ONLY": None}, 5, NOW)["ice_transport_policy"] == "relay"
    assert ice_config({**TURN, "ICE_RELAY_ONLY": False}, 5, NOW)["ice_transport_policy"] == "all"


def configured(**environ: str) -> dict[str, object]:
    """The production configuration a fresh process reads from this environment."""
    program = (
        "import json; from server.config import ProductionConfig as C; "
        "print(json.dumps({k: getattr(C, k) for k in dir(C) if k.isupper()}, default=str))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KREDS_")}
    done = subprocess.run(
        [sys.executable, "-c", program],
        env={**env, **environ},
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout))


def test_the_environment_relays_by_default_once_turn_is_configured() -> None:
    turn = {"KREDS_TURN_URLS": str(TURN["TURN_URLS"]), "KREDS_TURN_SECRET": "s3cret"}
    for environ, policy in (
        ({}, "all"),  # no TURN server: browsers connect directly (the facilitator is told)
        (turn, "relay"),
        ({**turn, "KREDS_ICE_RELAY_ONLY": "1"}, "relay"),
        ({**turn, "KREDS_ICE_RELAY_ONLY": "0"}, "all"),
    ):
        config = configured(**environ)
        check_ice_config(config)
        assert ice_config(config, 5, NOW)["ice_transport_policy"] == policy, environ


@pytest.mark.parametrize(
    "settings",
    [
        {"TURN_URLS": "turn:turn.example.org"},  # no secret
        {"TURN_URLS": "https://turn.example.org", "TURN_SECRET": "s"},
        {"STUN_URLS": "turn:turn.example.org"},  # a TURN URL among the STUN ones
        {"TURN_URLS": "turn:t", "TURN_SECRET": "s", "TURN_TTL": 10},
        {"ICE_RELAY_ONLY": True},
    ],
)
def test_settings_that_cannot_work_are_refused_at_start(settings: dict[str, object]) -> None:
    with pytest.raises(RuntimeError):
        check_ice_config(settings)
    with pytest.raises(RuntimeError):
        create_app(TestingConfig, **settings)


def test_working_settings_are_accepted() -> None:
    check_ice_config({**TURN, "STUN_URLS": "stun:stun.example.org:3478", "ICE_RELAY_ONLY": True})
    check_ice_config({})
