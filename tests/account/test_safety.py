"""The safety page names the organisation's help lines (issue 25), each number a plain tel: link:
the phone dials it, and nothing goes through Kreds or notes who opened it."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from server.extensions import db
from server.helplines import seed_if_empty
from server.models import HelpLine


def _who_to_contact(html: str) -> str:
    start = html.index('id="help"')
    return html[start : html.index("</section>", start)]


def test_the_safety_page_shows_the_help_lines_with_numbers_to_tap(
    app: Flask, client: FlaskClient
) -> None:
    seed_if_empty()
    db.session.commit()
    response = client.get("/safety")
    assert response.status_code == 200
    section = _who_to_contact(response.get_data(as_text=True))
    assert section.index("Lev Uden Vold") < section.index("Alarmcentralen")
    assert 'href="tel:1888" dir="ltr">1888</a>' in section
    assert 'href="tel:112" dir="ltr">112</a>' in section
    assert "Døgnåben, gratis og anonym · Dansk, English" in section
    assert "Ved akut fare" in section
    # Every link to a number is the number itself: no redirect through Kreds, no query string.
    for href in re.findall(r'href="(tel:[^"]*)"', section):
        assert re.fullmatch(r"tel:\+?[0-9]+", href), href
    # The facilitator and the organisation are still who to ask about the group and log-in.
    assert "talk to your facilitator" in section
    assert "contact the organisation that invited you" in section
    # The data gives 112; the fallback sentence is not said twice.
    assert "call the emergency number: 112" not in section


def test_a_number_written_with_spaces_is_dialled_without_them(
    app: Flask, client: FlaskClient
) -> None:
    db.session.add(
        HelpLine(name="Rådgivning", number="+45 33 45-86 30", hours="Hverdage", languages="Dansk")
    )
    db.session.commit()
    section = _who_to_contact(client.get("/safety").get_data(as_text=True))
    assert 'href="tel:+4533458630" dir="ltr">+45 33 45-86 30</a>' in section


def test_without_112_among_the_lines_the_page_still_gives_it(
    app: Flask, client: FlaskClient
) -> None:
    seed_if_empty()
    db.session.commit()
    db.session.delete(db.session.scalars(db.select(HelpLine).where(HelpLine.number == "112")).one())
    db.session.commit()
    section = _who_to_contact(client.get("/safety").get_data(as_text=True))
    assert 'href="tel:1888"' in section
    assert "call the emergency number: 112" in section


def test_without_help_lines_the_page_still_gives_the_emergency_number(
    app: Flask, client: FlaskClient
) -> None:
    section = _who_to_contact(client.get("/safety").get_data(as_text=True))
    assert "call the emergency number: 112" in section
    assert "tel:" not in section


def test_the_help_lines_show_in_danish_too(app: Flask, client: FlaskClient) -> None:
    seed_if_empty()
    db.session.commit()
    html = client.get("/safety", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert '<html lang="da"' in html
    assert 'href="tel:1888"' in html
