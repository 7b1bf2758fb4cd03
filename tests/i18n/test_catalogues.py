"""Every string a person can see exists in every language Kreds offers, in the glossary's words
(docs/i18n.md); each offered language is the one a browser asking for it gets."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from server.config import TestingConfig, languages_with_catalogues
from server.i18n import LANGUAGE_NAMES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "server" / "translations"
GLOSSARY = ROOT / "client" / "src" / "i18n" / "glossary.json"
# English is the source: every other language offered has a catalogue to check.
OFFERED = TestingConfig.LANGUAGES
TRANSLATED = [language for language in OFFERED if language != "en"]

# Messages that may leave out a glossary term the English names, per language, msgid and term,
# each with the reason. Anything else that leaves one out is a wrong or missing word.
GLOSSARY_EXCEPTIONS: dict[str, dict[str, dict[str, str]]] = {}

PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif%]|\{[^{}]*\}")
ARABIC_MARKS = re.compile("[\u064b-\u0652\u0640]")


def _extract(folder: Path) -> Catalog:
    template = folder / "messages.pot"
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
        capture_output=True,
    )
    with template.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Every string of the server's code and templates, as `make extract-messages` finds them."""
    return _extract(tmp_path_factory.mktemp("extracted"))


@cache
def catalogue(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def _id(message: Message) -> str:
    return str(message.id if isinstance(message.id, str) else message.id[0])


def _ids(catalog: Catalog) -> set[str]:
    return {_id(m) for m in catalog if m.id}


def _strings(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _shown(message: Message) -> list[str]:
    """What `message` says in English (singular and plural), without its placeholders."""
    return [PLACEHOLDER.sub(" ", text) for text in _strings(message.id)]


def normalise(text: str) -> str:
    """For the glossary's substring match (docs/i18n.md, "For contributors")."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'")
    return ARABIC_MARKS.sub("", text).lower()


def mentions(text: str, phrase: str) -> bool:
    """Whether ``phrase`` is in ``text`` as whole words (case-insensitive)."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) is not None


def forms_of(term: dict[str, object], language: str) -> list[str]:
    forms = term.get(f"{language}_forms")
    value = term.get(language)
    found = [str(form) for form in forms] if isinstance(forms, list) else []
    return found + ([value] if isinstance(value, str) else [])


@cache
def glossary_terms() -> dict[str, dict[str, object]]:
    terms: dict[str, dict[str, object]] = json.loads(GLOSSARY.read_text(encoding="utf-8"))["terms"]
    return terms


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated(extracted: Catalog, language: str) -> None:
    translated = catalogue(language)
    missing = sorted(_ids(extracted) - _ids(translated))
    assert missing == [], (
        f"{language}: {len(missing)} string(s) missing from server/translations/{language}; "
        "copy them from server/translations/messages.pot and translate: " + "; ".join(missing[:20])
    )
    untranslated = sorted(
        _id(m) for m in translated if m.id and not all(_strings(m.string) or [""])
    )
    assert untranslated == [], (
        f"{language}: {len(untranslated)} string(s) not translated: " + "; ".join(untranslated[:20])
    )
    fuzzy = sorted(_id(m) for m in translated if m.id and m.fuzzy)
    assert fuzzy == [], f"{language}: check these fuzzy translations: " + "; ".join(fuzzy[:20])


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_glossary_words_are_used_wherever_english_says_a_term(language: str) -> None:
    excepted = GLOSSARY_EXCEPTIONS.get(language, {})
    misses: list[str] = []
    for message in catalogue(language):
        if not message.id or not message.string:
            continue
        english = " ".join(_shown(message))
        text = normalise(" ".join(_strings(message.string)))
        for name, term in glossary_terms().items():
            english_forms = term.get("en_forms")
            if not isinstance(english_forms, list):
                continue
            if not any(mentions(english, str(form)) for form in english_forms):
                continue
            forms = [normalise(form) for form in forms_of(term, language)]
            if not forms or any(form in text for form in forms):
                continue
            if name not in excepted.get(_id(message), {}):
                misses.append(
                    f'{language}: "{_id(message)}" lacks the term "{name}" '
                    f"({' / '.join(forms)}): {' | '.join(_strings(message.string))}"
                )
    assert misses == [], f"{len(misses)} miss(es):\n" + "\n".join(misses)


def test_every_glossary_exception_names_a_term_a_message_and_a_reason() -> None:
    for language, messages in GLOSSARY_EXCEPTIONS.items():
        ids = _ids(catalogue(language)) if language in TRANSLATED else set()
        for msgid, terms in messages.items():
            assert msgid in ids, f"{language}: no message {msgid!r} to except"
            for term, reason in terms.items():
                assert term in glossary_terms(), f"{language}: {msgid!r}: no term {term!r}"
                assert reason.strip(), f"{language}: {msgid!r}: {term} needs a reason"


def test_every_offered_language_is_named_in_itself() -> None:
    assert "en" in OFFERED and "da" in OFFERED
    unnamed = [language for language in OFFERED if language not in LANGUAGE_NAMES]
    assert unnamed == [], f"give these languages a name in server/i18n.py: {unnamed}"


def test_a_language_is_offered_once_its_catalogue_exists(tmp_path: Path) -> None:
    assert languages_with_catalogues(tmp_path) == ("en",)
    for language in ("da", "ar"):
        (tmp_path / language / "LC_MESSAGES").mkdir(parents=True)
        (tmp_path / language / "LC_MESSAGES" / "messages.po").write_text("")
    (tmp_path / "nl" / "LC_MESSAGES").mkdir(parents=True)  # a folder without its catalogue
    assert languages_with_catalogues(tmp_path) == ("ar", "da", "en")
    found = {po.parents[1].name for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")}
    assert set(OFFERED) == found | {"en"}


@pytest.mark.parametrize("language", OFFERED)
def test_a_browser_asking_for_a_language_gets_it(client: FlaskClient, language: str) -> None:
    html = client.get(
        "/login", headers={"Accept-Language": f"{language}-XX,{language};q=0.9,en;q=0.1"}
    ).get_data(as_text=True)
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    # The switch offers every language, named in itself, with the page's own chosen.
    for code in OFFERED:
        selected = " selected" if code == language else ""
        assert f'value="{code}" lang="{code}"' in html
        assert f">{LANGUAGE_NAMES[code]}</option>" in html
        assert (f'lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}"{selected}>') in html


def test_the_browser_language_picks_danish_or_english(client: FlaskClient) -> None:
    danish = client.get("/login", headers={"Accept-Language": "da-DK,da;q=0.9"})
    assert 'lang="da"' in danish.get_data(as_text=True)
    assert "Log ind" in danish.get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in english.get_data(as_text=True)
    assert "Log in" in english.get_data(as_text=True)


def test_danish_is_the_default_for_other_languages(client: FlaskClient) -> None:
    response = client.get("/login", headers={"Accept-Language": "ja"})
    assert '<html lang="da" dir="ltr">' in response.get_data(as_text=True)


def test_a_chosen_language_sticks_without_an_account(client: FlaskClient) -> None:
    client.post("/language", data={"language": "en", "next": "/login"})
    response = client.get("/login", headers={"Accept-Language": "da"})
    assert 'lang="en"' in response.get_data(as_text=True)


def test_a_language_not_offered_is_not_taken(client: FlaskClient) -> None:
    client.post("/language", data={"language": "xx", "next": "/login"})
    response = client.get("/login", headers={"Accept-Language": "en"})
    assert 'lang="en"' in response.get_data(as_text=True)


def test_the_switch_is_labelled_and_works_without_script(client: FlaskClient) -> None:
    html = client.get("/login", headers={"Accept-Language": "da"}).get_data(as_text=True)
    switch = html[html.index('class="language-form"') : html.index("</form>")]
    assert '<label for="language-choice"' in switch and "Sprog" in switch
    assert '<select id="language-choice" name="language"' in switch
    assert ">Skift</button>" in switch
    answer = client.post("/language", data={"language": "en", "next": "/login"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login")


@pytest.mark.skipif("ar" not in OFFERED, reason="the Arabic catalogue is not there yet")
def test_arabic_is_written_right_to_left(client: FlaskClient) -> None:
    client.post("/language", data={"language": "ar", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert 'id="quick-exit"' in html


def test_text_direction_follows_the_script() -> None:
    from server.i18n import text_direction

    assert text_direction("ar") == "rtl"
    assert text_direction("ar-EG") == "rtl"
    for language in ("da", "en", "cs", "uk", "de", "fr", "nl", "es", "not a language"):
        assert text_direction(language) == "ltr", language
