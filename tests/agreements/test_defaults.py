"""Each language has a default group agreement of its own, written in that language: a new group
starts with the one in its language, never the English text in a group that speaks another."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from flask import Flask

from server.agreements import default_agreement, default_language_of, follow_language
from server.config import Config
from tests.factories import gen_group

GLOSSARY = Path(__file__).resolve().parents[2] / "client" / "src" / "i18n" / "glossary.json"
ENGLISH = default_agreement("en")
OTHERS = [language for language in Config.LANGUAGES if language != "en"]


def _glossary() -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads(GLOSSARY.read_text(encoding="utf-8"))
    return data


def _normalised(text: str) -> str:
    """As docs/i18n.md matches glossary forms: NFC, a curly apostrophe as a straight one, Arabic
    without its marks."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'")
    return re.sub("[\u064b-\u0652\u0640]", "", text).lower()


@pytest.mark.parametrize("language", OTHERS)
def test_a_new_group_in_each_language_gets_that_languages_agreement(
    app: Flask, language: str
) -> None:
    group = gen_group(language=language)
    assert group.agreement_text == default_agreement(language)
    assert group.agreement_text != ENGLISH


def test_an_english_group_gets_the_english_agreement(app: Flask) -> None:
    assert gen_group(language="en").agreement_text == ENGLISH
    assert ENGLISH.startswith("What is said here stays here")


def test_a_group_made_with_its_own_agreement_keeps_it(app: Flask) -> None:
    assert gen_group(language="cs", agreement_text="Our own words.").agreement_text == (
        "Our own words."
    )


def test_a_language_without_an_agreement_of_its_own_gets_the_english_one() -> None:
    assert default_agreement("xx") == ENGLISH
    assert default_agreement(None) == ENGLISH


@pytest.mark.parametrize("language", Config.LANGUAGES)
def test_each_default_has_the_same_points_as_the_english_one(language: str) -> None:
    points = default_agreement(language).splitlines()
    assert len(points) == len(ENGLISH.splitlines())
    assert all(point.strip() == point and point for point in points)


@pytest.mark.parametrize("language", Config.LANGUAGES)
def test_each_default_says_pass_in_the_glossarys_words_and_avoids_its_words(
    language: str,
) -> None:
    glossary = _glossary()
    text = _normalised(default_agreement(language))
    term = glossary["terms"]["pass"]
    forms = term.get(f"{language}_forms") or [term[language]]
    assert isinstance(forms, list)
    assert any(_normalised(str(form)) in text for form in forms), forms
    avoid = glossary["avoid"][language]
    assert isinstance(avoid, list)
    assert [word for word in avoid if _normalised(str(word)) in text] == []


@pytest.mark.parametrize("language", Config.LANGUAGES)
def test_a_default_is_known_as_its_languages_even_as_a_browser_sends_it(language: str) -> None:
    as_sent = default_agreement(language).replace("\n", "\r\n") + "\r\n"
    assert default_language_of(as_sent) == language
    assert default_language_of("We listen.") is None


def test_an_untouched_default_follows_the_chosen_language() -> None:
    assert follow_language(default_agreement("da"), "cs") == default_agreement("cs")
    assert follow_language(default_agreement("en"), "uk") == default_agreement("uk")
    as_sent = default_agreement("ar").replace("\n", "\r\n") + "\r\n"
    assert follow_language(as_sent, "ar") == default_agreement("ar")


def test_an_edited_agreement_stays_as_written() -> None:
    edited = default_agreement("da") + "\nVi holder pauser."
    assert follow_language(edited, "cs") == edited
    assert follow_language("We listen.", "cs") == "We listen."
    assert follow_language(default_agreement("da"), "") == default_agreement("da")
