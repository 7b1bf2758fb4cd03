from __future__ import annotations

from server.meetings import bp  # noqa: F401
