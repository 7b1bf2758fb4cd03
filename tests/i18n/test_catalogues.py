"""Every string a person can see exists in Danish as well as English."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[2]
DANISH = ROOT / "server/translations/da/LC_MESSAGES/messages.po"


def _extract(tmp_path: Path) -> Catalog:
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(template),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with template.open("rb") as f:
        return read_po(f)


def _ids(catalog: Catalog) -> set[str]:
    return {str(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def test_every_string_has_a_danish_translation(tmp_path: Path) -> None:
    extracted = _extract(tmp_path)
    with DANISH.open("rb") as f:
        danish = read_po(f)
    missing = sorted(_ids(extracted) - _ids(danish))
    assert missing == [], "run `make extract-messages` and translate: " + "; ".join(missing[:20])
    untranslated = sorted(
        str(m.id)
        for m in danish
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    )
    assert untranslated == [], "translate in messages.po: " + "; ".join(untranslated[:20])
    fuzzy = sorted(str(m.id) for m in danish if m.id and m.fuzzy)
    assert fuzzy == [], "check these fuzzy translations: " + "; ".join(fuzzy[:20])


def test_the_browser_language_picks_danish_or_english(client: FlaskClient) -> None:
    danish = client.get("/login", headers={"Accept-Language": "da-DK,da;q=0.9"})
    assert 'lang="da"' in danish.get_data(as_text=True)
    assert "Log ind" in danish.get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in english.get_data(as_text=True)
    assert "Log in" in english.get_data(as_text=True)


def test_danish_is_the_default_for_other_languages(client: FlaskClient) -> None:
    response = client.get("/login", headers={"Accept-Language": "fr"})
    assert 'lang="da"' in response.get_data(as_text=True)


def test_a_chosen_language_sticks_without_an_account(client: FlaskClient) -> None:
    client.post("/language", data={"language": "en", "next": "/login"})
    response = client.get("/login", headers={"Accept-Language": "da"})
    assert 'lang="en"' in response.get_data(as_text=True)
