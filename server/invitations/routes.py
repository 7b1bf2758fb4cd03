from __future__ import annotations

from server.invitations import bp  # noqa: F401
