"""docs/security.md names the tests behind its promises: each named test file and test exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_the_security_document_names_exists() -> None:
    text = (ROOT / "docs/security.md").read_text()
    references = re.findall(r"`((?:tests|client)/[\w/.\-]+)(?:::(\w+))?`", text)
    assert len(references) > 15
    last_file = None
    for path, name in references:
        target = ROOT / path
        assert target.exists(), f"docs/security.md names {path}, which does not exist"
        if target.is_file():
            last_file = target
        if name:
            assert f"def {name}(" in target.read_text(), f"{path} has no test {name}"
    # "`::name`" continues the file named just before it.
    for name in re.findall(r"`::(\w+)`", text):
        assert any(f"def {name}(" in p.read_text() for p in (ROOT / "tests").rglob("test_*.py")), (
            f"no test named {name}"
        )
    assert last_file is not None
