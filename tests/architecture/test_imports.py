"""The import rules of docs/architecture.md hold, and ``make lint`` fails when one is broken: a
copy of the server is given an import that breaks each rule, and lint-imports refuses it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "server", tmp_path / "server", ignore=shutil.ignore_patterns("static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_server_keeps_every_import_rule() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("module", "line", "rule"),
    [
        # The core reaching up into the live layer.
        ("room/core/state.py", "from server.room.live import runtime", "three layers"),
        # The core using Flask.
        ("room/core/views.py", "import flask", "plain Python"),
        # The configuration reaching into the room.
        ("config.py", "from server.room.live import ice", "know nothing of the room"),
        # A cycle between two areas.
        ("models/types.py", "from server import auth", "No import cycles"),
    ],
)
def test_an_import_that_breaks_a_rule_fails_lint(
    copy: Path, module: str, line: str, rule: str
) -> None:
    path = copy / "server" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    done = lint_imports(copy)
    assert done.returncode != 0
    broken = done.stdout.split("Broken contracts", 1)[-1]
    assert rule in broken, done.stdout
