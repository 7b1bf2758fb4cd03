"""The log filters: addresses blanked in the IPv4 and IPv6 forms a library might print; Socket.IO's
and Engine.IO's records without content or traceback; repeated errors throttled."""

from __future__ import annotations

import logging
import sys

import pytest

from server.logs import NoAddressFilter, Throttle, make_safe


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


def socket_record(message: str, *args: object, error: bool = False) -> logging.LogRecord:
    exc_info = None
    if error:
        try:
            raise ValueError("Expecting value: kreds-canary")
        except ValueError:
            exc_info = sys.exc_info()
    record = logging.LogRecord(
        "engineio.server", logging.ERROR, __file__, 1, message, args, exc_info
    )
    make_safe(record)
    return record


def test_a_socket_library_record_keeps_neither_its_arguments_nor_its_traceback() -> None:
    record = socket_record("message handler error", error=True)
    assert record.getMessage() == "message handler error (ValueError)"
    assert record.exc_info is None and record.exc_text is None
    assert "kreds-canary" not in logging.Formatter().format(record)
    packet = socket_record("%s: Received packet %s data %s", "sid", "MESSAGE", '2["kreds-canary"]')
    assert packet.getMessage() == "…: Received packet … data …"


def test_what_engine_io_quotes_from_a_client_is_dropped() -> None:
    origin = socket_record("https://kreds-canary.example is not an accepted origin. (further…)")
    assert origin.getMessage() == "A request from another origin was refused."
    session = socket_record("Invalid session kreds-canary")
    assert session.getMessage() == "Invalid session."


def test_a_record_whose_arguments_do_not_fit_is_kept_without_them() -> None:
    record = logging.LogRecord("kreds", logging.INFO, __file__, 1, "only %s", ("a", "b"), None)
    make_safe(record)
    assert record.getMessage() == "only …"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_repeated_error_is_written_five_times_a_minute_then_counted() -> None:
    clock = Clock()
    throttle = Throttle(burst=5, window=60.0, clock=clock)

    def written(message: str, level: int = logging.ERROR) -> bool:
        record = logging.LogRecord("engineio.server", level, __file__, 1, message, (), None)
        return throttle.filter(record)

    assert [written("message handler error (JSONDecodeError)") for _ in range(40)].count(True) == 5
    assert written("message handler error (RecursionError)")  # another line is another count
    assert all(written("GET /login 200 1ms", logging.INFO) for _ in range(40))
    clock.now = 61.0
    record = logging.LogRecord(
        "engineio.server",
        logging.ERROR,
        __file__,
        1,
        "message handler error (JSONDecodeError)",
        (),
        None,
    )
    assert throttle.filter(record)
    assert record.getMessage().endswith("(35 more like this were not written)")


def test_a_record_left_out_is_left_out_at_every_handler() -> None:
    throttle = Throttle(burst=1)
    first = logging.LogRecord("kreds", logging.ERROR, __file__, 1, "again", (), None)
    second = logging.LogRecord("kreds", logging.ERROR, __file__, 1, "again", (), None)
    assert throttle.filter(first) and throttle.filter(first)
    assert not throttle.filter(second) and not throttle.filter(second)
