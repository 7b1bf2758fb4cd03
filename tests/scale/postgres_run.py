"""The Python suite against PostgreSQL: ``python -m tests.scale.postgres_run [pytest args]``.

It makes a fresh database on the server that ``KREDS_TEST_DATABASE_URL`` names (default: the local
one), runs the tests that use the database there (the ``app`` fixture: every route, event and
record; the rules' pure tests, and the live servers, which bring their own database, ran in the
SQLite pass already) and drops it again, so that runs never meet. ``--if-reachable``: when
PostgreSQL does not answer, say so and succeed (``make test`` on a machine without it)."""

from __future__ import annotations

import os
import sys
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from server.config import database_url

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


class DatabaseTestsOnly:
    """A pytest plugin: keep the tests that use the ``app`` fixture (the database), but for those
    marked ``database_agnostic`` (every route against every role, fuzzed payloads: what they check
    is decided before the database is asked, and the SQLite pass runs them)."""

    def pytest_collection_modifyitems(self, config: Any, items: list[Any]) -> None:
        kept = [
            item
            for item in items
            if "app" in getattr(item, "fixturenames", ())
            and item.get_closest_marker("database_agnostic") is None
        ]
        dropped = [item for item in items if item not in kept]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept


def main(args: list[str]) -> int:
    if_reachable = "--if-reachable" in args
    args = [a for a in args if a != "--if-reachable"]
    server_url = database_url(os.environ.get("KREDS_TEST_DATABASE_URL") or DEFAULT_URL)
    admin = sa.create_engine(
        server_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"kreds_test_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        where = server_url.rsplit("@", 1)[-1]
        print(f"PostgreSQL is not reachable at {where}: {type(error.orig).__name__}")
        if if_reachable:
            print("Skipping the PostgreSQL run (set KREDS_TEST_DATABASE_URL to run it).")
            return 0
        return 1
    os.environ["KREDS_TEST_DATABASE_URL"] = server_url.rsplit("/", 1)[0] + "/" + name
    print(f"The database tests against PostgreSQL (database {name})", flush=True)
    try:
        return int(pytest.main(["-m", "not browser and not live", *args], [DatabaseTestsOnly()]))
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
