"""The log filter that blanks addresses: the IPv4 and IPv6 forms a library might print."""

from __future__ import annotations

import logging

import pytest

from server.logs import NoAddressFilter


def filtered(message: str, *args: object) -> str:
    record = logging.LogRecord("test", logging.INFO, __file__, 1, message, args, None)
    NoAddressFilter().filter(record)
    return record.getMessage()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "203.0.113.7",
        "::1",
        "::",
        "fe80::1",
        "2001:db8::8a2e:370:7334",
        "2001:0db8:0000:0000:0000:ff00:0042:8329",
        "::ffff:192.0.2.1",
    ],
)
def test_addresses_are_blanked_wherever_they_stand(address: str) -> None:
    for message in (address, f"connection from {address}", f"({address}, 5000)", f"[{address}]:80"):
        out = filtered(message)
        assert address not in out, out
        assert "-" in out


def test_the_address_in_the_arguments_is_blanked_too() -> None:
    assert "10.1.2.3" not in filtered("client %s said hello", "10.1.2.3")


def test_a_message_without_an_address_is_left_alone() -> None:
    assert filtered("GET /meetings/<int:meeting_id> 200 12ms") == (
        "GET /meetings/<int:meeting_id> 200 12ms"
    )
