"""The application factory: it only wires. Each area binds itself through its ``init_app``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from server.config import Config, check_config, config_from_environment

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: type[Config] | None = None, **overrides: Any) -> Flask:
    """Build the app from a configuration class (default: the one ``KREDS_CONFIG`` names)."""
    app = Flask(__name__)
    app.config.from_object(config or config_from_environment())
    app.config.update(overrides)
    check_config(app.config)

    init_extensions(app)
    init_areas(app)
    return app


def init_extensions(app: Flask) -> None:
    from server import access, i18n, logs, web
    from server.extensions import csrf, db, limiter, login_manager, migrate

    logs.init_app(app)
    uri = str(app.config["SQLALCHEMY_DATABASE_URI"])
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if uri.startswith("postgresql"):
        # A database that does not answer at all (not even "refused") would hold the process in
        # psycopg2's connect: give up after a few seconds, and the page says "try again".
        options: dict[str, Any] = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {"connect_timeout": 5, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    # Shared with the other processes through Redis; otherwise this process's memory (said
    # explicitly: one process without Redis is the embedded default, not a mistake).
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    access.init_app(app)


def init_areas(app: Flask) -> None:
    from server import (
        account,
        admin,
        auth,
        calendar,
        cli,
        dashboard,
        facilitator,
        invitations,
        meetings,
        ops,
        room,
    )

    for area in (auth, account, dashboard, meetings, invitations, calendar, facilitator, admin):
        app.register_blueprint(area.bp)
    room.init_app(app)
    ops.init_app(app)  # health, metrics, proxy trust: after the room (it wraps the whole app)
    cli.init_app(app)
