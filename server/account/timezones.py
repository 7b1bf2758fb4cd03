"""The time zones people can choose: IANA names, checked with ``zoneinfo``."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

# Aliases and technical zones that only make a long list longer.
_SKIPPED_PREFIXES = ("Etc/", "posix/", "right/", "SystemV/", "US/", "Canada/", "Brazil/", "Chile/")


@cache
def timezone_names() -> tuple[str, ...]:
    """Region/City names, sorted, plus UTC."""
    names = {
        name
        for name in available_timezones()
        if "/" in name and not name.startswith(_SKIPPED_PREFIXES)
    }
    return ("UTC", *sorted(names))


@cache
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def is_timezone(name: str | None) -> bool:
    """Whether ``name`` is a time zone ``zoneinfo`` knows (any IANA name, aliases included)."""
    return bool(name) and name in _known()


def timezone_or(name: str | None, fallback: str) -> str:
    """``name`` when it is a known time zone, otherwise ``fallback``."""
    return name if name and is_timezone(name) else fallback
