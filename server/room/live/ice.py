"""ICE servers for the browsers' peer connections: STUN and TURN from the configuration.

TURN credentials are short-lived, in the shared-secret scheme of coturn's REST API
(``use-auth-secret``): the username is ``"<unix expiry>:<opaque id>"`` and the credential
``base64(HMAC-SHA1(secret, username))``. The opaque id stands for the person without naming
them: it is derived from the application's secret key, so the TURN server's logs cannot be
matched to Kreds accounts, and it is the same for one person every time (per-user quotas).
A TURN server only ever relays encrypted media (DTLS-SRTP between the browsers).

No Flask here: the configuration comes in as a mapping."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any

SCHEMES = ("stun:", "stuns:", "turn:", "turns:")


def parse_urls(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """URLs from a comma- or space-separated string (or a list), blanks dropped."""
    if value is None:
        return ()
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    return tuple(item.strip() for item in items if item.strip())


def check_urls(urls: Iterable[str], schemes: tuple[str, ...]) -> None:
    for url in urls:
        if not url.startswith(schemes):
            raise ValueError(f"{url!r} is not an ICE server URL ({', '.join(schemes)})")


def opaque_id(user_id: int, key: str) -> str:
    """The same short id for one person every time, that does not reveal who they are."""
    digest = hmac.new(key.encode(), f"kreds-turn-user:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:20]


def turn_credentials(secret: str, opaque: str, expires_at: int) -> tuple[str, str]:
    """coturn's REST API credentials: ``(username, credential)``."""
    username = f"{expires_at}:{opaque}"
    mac = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(mac).decode("ascii")


def relay_only(config: Mapping[str, Any]) -> bool:
    """Whether every connection goes through TURN: as ``ICE_RELAY_ONLY`` says, and when it is
    unset (None), whenever TURN servers are configured."""
    chosen = config.get("ICE_RELAY_ONLY")
    return bool(parse_urls(config.get("TURN_URLS"))) if chosen is None else bool(chosen)


def ice_config(config: Mapping[str, Any], user_id: int, now: float) -> dict[str, Any]:
    """What a browser in the room needs for its peer connections: ``ice_servers`` (in the shape
    of RTCIceServer), the ``ice_transport_policy`` ("relay" hides every address behind TURN,
    the default with TURN; "all" lets browsers connect directly) and when the TURN credentials
    expire (``expires_at``, None without TURN)."""
    servers: list[dict[str, Any]] = []
    stun = parse_urls(config.get("STUN_URLS"))
    if stun:
        servers.append({"urls": list(stun)})
    turn = parse_urls(config.get("TURN_URLS"))
    secret = str(config.get("TURN_SECRET") or "")
    expires_at: int | None = None
    if turn and secret:
        expires_at = int(now) + int(config.get("TURN_TTL") or 3600)
        opaque = opaque_id(user_id, str(config.get("SECRET_KEY") or ""))
        username, credential = turn_credentials(secret, opaque, expires_at)
        servers.append({"urls": list(turn), "username": username, "credential": credential})
    relayed = relay_only(config) and expires_at is not None
    return {
        "ice_servers": servers,
        "ice_transport_policy": "relay" if relayed else "all",
        "expires_at": expires_at,
    }


def check_ice_config(config: Mapping[str, Any]) -> None:
    """Refuse to start with ICE settings that cannot work (raises ``RuntimeError``)."""
    try:
        check_urls(parse_urls(config.get("STUN_URLS")), ("stun:", "stuns:"))
        check_urls(parse_urls(config.get("TURN_URLS")), ("turn:", "turns:"))
    except ValueError as error:
        raise RuntimeError(f"KREDS_STUN_URLS / KREDS_TURN_URLS: {error}") from None
    turn = parse_urls(config.get("TURN_URLS"))
    if turn and not config.get("TURN_SECRET"):
        raise RuntimeError("KREDS_TURN_URLS needs KREDS_TURN_SECRET (coturn's static-auth-secret)")
    if int(config.get("TURN_TTL") or 3600) < 60:
        raise RuntimeError("KREDS_TURN_TTL must be at least 60 seconds")
    if config.get("ICE_RELAY_ONLY") and not turn:
        raise RuntimeError("KREDS_ICE_RELAY_ONLY needs a TURN server (KREDS_TURN_URLS)")
