"""Languages: nine are named, and those with a server catalogue are offered (config
``LANGUAGES``). The person's own choice wins, then the one chosen in this browser's session, then
the browser's, then Danish. Arabic is written right to left: ``text_direction``."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, request, session
from flask_babel import force_locale, get_locale
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from server.config import Config
from server.extensions import babel

# Every language Kreds may speak, each named in itself, in the order of the language switch.
# A language is offered only once its catalogue exists (server/config.py, ``LANGUAGES``).
LANGUAGE_NAMES = {
    "da": "Dansk",
    "en": "English",
    "cs": "Čeština",
    "uk": "Українська",
    "de": "Deutsch",
    "fr": "Français",
    "nl": "Nederlands",
    "es": "Español",
    "ar": "العربية",
}


def named_languages(offered: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """The offered languages as (code, name in itself), in the switch's order."""
    return [(code, name) for code, name in LANGUAGE_NAMES.items() if code in offered]


def language_choices() -> list[SelectChoice]:
    """The languages for a select field, each named in itself (and marked up as that language).
    Forms build their fields when they are imported, so this reads the languages found at
    start-up rather than an app's configuration."""
    return [
        SelectChoice(code, name, render_kw={"lang": code})
        for code, name in named_languages(Config.LANGUAGES)
    ]


@lru_cache(maxsize=32)
def text_direction(language: str) -> str:
    """ "rtl" for a language written right to left (Arabic), else "ltr": for ``<html dir>``."""
    try:
        return str(Locale.parse(language.replace("-", "_")).text_direction)
    except (UnknownLocaleError, ValueError):
        return "ltr"


def in_language(language: str, caller: Callable[[], str]) -> Markup:
    """A part of a page in another language than the person's: ``{% call in_language(code) %}``
    renders its body with that language's translations (a group's agreement and its limits are
    in the group's language). The body still says ``lang`` and ``dir`` itself."""
    with force_locale(language):
        return Markup(caller())


def isolate(text: object) -> Markup:
    """A name or number set inside a sentence, isolated from the sentence's direction (a Latin
    name in Arabic text keeps its punctuation on its own side): ``{{ name | isolate }}``. The
    isolating characters work in text, attributes and titles alike, where ``<bdi>`` cannot go."""
    return Markup("\u2068") + escape(text) + Markup("\u2069")


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return str(current_user.language)
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str | None:
    if current_user and current_user.is_authenticated:
        return str(current_user.timezone)
    return None


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.add_template_filter(isolate, "isolate")
    app.add_template_global(text_direction, "text_direction")
    app.add_template_global(in_language, "in_language")

    @app.context_processor
    def language_context() -> dict[str, object]:
        language = current_language()
        return {
            "current_language": language,
            "current_direction": text_direction(language),
            "language_names": LANGUAGE_NAMES,
            "offered_languages": named_languages(current_app.config["LANGUAGES"]),
        }
