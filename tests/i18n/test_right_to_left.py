"""Right to left: the stylesheets say "start" and "end", not "left" and "right", so that a page in
Arabic mirrors by its `<html dir="rtl">` alone; what points a direction turns with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STYLES = ROOT / "client" / "src" / "styles"
SHEETS = sorted(STYLES.glob("*.css"))

# A declaration that says left or right where the page's direction should decide.
PHYSICAL = re.compile(
    r"""^\s*(?:
        (?:margin|padding|border)-(?:left|right)(?:-\w+)?\s*:   # margin-left, border-right-color
      | border-(?:top|bottom)-(?:left|right)-radius\s*:          # a corner by its side
      | (?:left|right)\s*:                                       # a position
      | (?:text-align|float|clear)\s*:\s*(?:left|right)\b        # text and floats
    )""",
    re.VERBOSE,
)
# Shorthands whose values run top, right, bottom, left (corners: from the top left, clockwise).
SIDES = re.compile(
    r"^\s*(margin|padding|inset|border-(?:width|style|color)|border-radius)\s*:(.*);$"
)

# Declarations that may stay physical, by sheet and selector, each with the reason.
ALLOWED = {
    ("stage.css", ".toolbar-item .action-error", "left: 50%;"): (
        "centred over its button with translateX(-50%): the same in either direction"
    ),
}


def _declarations(sheet: Path) -> list[tuple[str, str]]:
    """(selector, declaration) for each declaration of the sheet, comments left out."""
    text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.DOTALL)
    found: list[tuple[str, str]] = []
    for block in re.finditer(r"([^{}]+)\{([^{}]*)\}", text):
        selector = " ".join(block.group(1).split())
        for line in block.group(2).split(";"):
            if line.strip():
                found.append((selector, line.strip() + ";"))
    return found


def _values(text: str) -> list[str]:
    """The space-separated values of a declaration, a function's parentheses kept whole."""
    values: list[str] = []
    depth = 0
    current = ""
    for char in text.strip():
        depth += (char == "(") - (char == ")")
        if char.isspace() and depth == 0:
            if current:
                values.append(current)
            current = ""
        else:
            current += char
    return [*values, current] if current else values


def _lopsided(declaration: str) -> bool:
    """A shorthand that gives the left and the right side (or corners) different values."""
    match = SIDES.match(declaration)
    if not match or "/" in match.group(2):
        return False
    values = _values(match.group(2))
    if match.group(1) == "border-radius":
        # top-left, top-right, bottom-right, bottom-left; fewer values repeat as CSS says.
        order = {1: (0, 0, 0, 0), 2: (0, 1, 0, 1), 3: (0, 1, 2, 1), 4: (0, 1, 2, 3)}
        corners = [values[i] for i in order[len(values)]]
        return corners[0] != corners[1] or corners[2] != corners[3]
    return len(values) == 4 and values[1] != values[3]


def _physical(declaration: str) -> bool:
    return bool(PHYSICAL.match(declaration)) or _lopsided(declaration)


@pytest.mark.parametrize("sheet", SHEETS, ids=[sheet.name for sheet in SHEETS])
def test_the_stylesheet_says_start_and_end_not_left_and_right(sheet: Path) -> None:
    physical = [
        f"{selector} {{ {declaration} }}"
        for selector, declaration in _declarations(sheet)
        if _physical(declaration) and (sheet.name, selector, declaration) not in ALLOWED
    ]
    assert physical == [], f"{sheet.name}: use logical properties:\n" + "\n".join(physical)


def test_the_allowed_physical_declarations_are_still_there() -> None:
    for (name, selector, declaration), reason in ALLOWED.items():
        assert reason.strip()
        assert (selector, declaration) in _declarations(STYLES / name), (name, selector)


def test_the_quick_exit_stays_at_the_inline_end_and_its_arrow_turns() -> None:
    kreds = _declarations(STYLES / "kreds.css")
    assert (".quick-exit", "inset-inline-end: var(--space-2);") in kreds
    assert ('[dir="rtl"] .quick-exit::after', 'content: "←" / "";') in kreds


def test_icons_that_point_a_direction_turn_in_right_to_left() -> None:
    stage = _declarations(STYLES / "stage.css")
    assert ('[dir="rtl"] .icon-directional', "transform: scaleX(-1);") in stage
    icons = (ROOT / "client" / "src" / "room" / "ui" / "icons.tsx").read_text(encoding="utf-8")
    assert re.search(r'DIRECTIONAL[^=]*= new Set<IconName>\(\["pass"', icons)


def test_ones_own_picture_stays_a_mirror_in_either_direction() -> None:
    stage = _declarations(STYLES / "stage.css")
    assert (".tile-video.is-mine", "transform: scaleX(-1);") in stage
    assert not any("rtl" in selector and "is-mine" in selector for selector, _ in stage)
