"""Fixtures for the admin area's tests."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from server.extensions import db
from server.models import AuditEntry


@pytest.fixture
def disconnected(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Who ``server.room.disconnect_user`` was asked to throw out of live rooms."""
    calls: list[int] = []
    monkeypatch.setattr("server.room.disconnect_user", calls.append)
    yield calls


def audit_actions() -> list[str]:
    """Every audit action recorded so far, oldest first."""
    return list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))


def shown_link(html: str, path: str) -> str:
    """The one-time link a page shows in its read-only field."""
    match = re.search(r'id="one-time-link" value="([^"]+)"', html)
    assert match, "no one-time link on the page"
    link = match.group(1)
    assert f"/{path}/" in link, link
    return link


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]
