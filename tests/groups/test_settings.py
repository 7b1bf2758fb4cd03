"""A group's settings are checked by the service, whatever form or script sent them."""

from __future__ import annotations

import pytest
from flask import Flask

from server.groups.service import GroupError, GroupSettings, check_settings
from server.models import GroupKind


def _settings(language: str) -> GroupSettings:
    return GroupSettings(
        name="Wednesday group",
        kind=GroupKind.GROUP,
        capacity=6,
        timezone="Europe/Copenhagen",
        language=language,
        agreement_text="We listen.",
        auto_admit=False,
    )


def test_every_language_offered_is_accepted(app: Flask) -> None:
    for language in app.config["LANGUAGES"]:
        check_settings(_settings(language))


@pytest.mark.parametrize("language", ["sv", "", "da-DK", "<script>"])
def test_a_language_that_is_not_offered_is_refused(app: Flask, language: str) -> None:
    with pytest.raises(GroupError) as refused:
        check_settings(_settings(language))
    assert refused.value.code == "language"
