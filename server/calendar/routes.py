from __future__ import annotations

from server.calendar import bp  # noqa: F401
