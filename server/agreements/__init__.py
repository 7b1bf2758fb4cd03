"""The default group agreement in each language: what a new group starts with.

Each language has its own text, written in that language (not translated word for word from the
English), in ``<language>.txt`` beside this module: one point a line, in the words and the form
of address of docs/i18n.md, and never naming what the group is about. A native speaker edits the
file directly; it is not in the Babel catalogues, because the agreement is the group's own text,
which its facilitators change, not a string of the interface. A language without a file starts
with the English text."""

from __future__ import annotations

from functools import cache
from importlib import resources

FALLBACK = "en"


def _normalised(text: str) -> str:
    """The text as a form sends it back: line endings may come as CRLF, and forms strip it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@cache
def _defaults() -> dict[str, str]:
    files = resources.files(__name__)
    return {
        entry.name.removesuffix(".txt"): _normalised(entry.read_text(encoding="utf-8"))
        for entry in files.iterdir()
        if entry.name.endswith(".txt")
    }


def default_agreement(language: str | None) -> str:
    """The default agreement for a group in ``language`` (English where it has none)."""
    defaults = _defaults()
    return defaults.get(language or FALLBACK) or defaults[FALLBACK]


def default_language_of(text: str) -> str | None:
    """The language whose default agreement ``text`` is, untouched; None for any other text."""
    wanted = _normalised(text)
    for language, default in _defaults().items():
        if default == wanted:
            return language
    return None


def follow_language(text: str, language: str) -> str:
    """The agreement a new group in ``language`` gets from ``text``: the text as written, unless
    it is a default left untouched (the form showed one, maybe before the language was changed),
    which becomes this language's default, exactly as written here."""
    if language and default_language_of(text) is not None:
        return default_agreement(language)
    return text
