"""Display names that nobody in a group can mistake for another member's.

People choose their own names, so someone could take the facilitator's: "Mira", "MIRA",
"M\u0456ra" (a Cyrillic i), "M\u200bira" (an invisible space), "M1ra". Two names clash when
they fold to the same key; within a group, names must not clash."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

import decancer_py

from server.extensions import db
from server.models import Membership, MembershipStatus, User

# What decancer leaves that still reads as a letter in the room's sans-serif type, where a capital
# I and a small l look the same. Kept small on purpose: each fold also refuses an honest pair of
# names (with i and l folded, "Bili" and "Bill").
_LOOK_ALIKE_CHARACTERS = str.maketrans({"0": "o", "1": "l", "|": "l", "i": "l"})
_LOOK_ALIKE_PAIRS = (("rn", "m"), ("vv", "w"))
_UNSEEN_CATEGORIES = ("Cc", "Cf")  # control and format characters (zero-width, direction marks)


def name_key(name: str) -> str:
    """What a name looks like, folded: two names with the same key are too alike to tell apart.

    decancer lowercases, drops accents and maps look-alikes from other scripts and from
    mathematical, fullwidth and other styled letters to plain Latin ones (it also reads text
    reversed by a right-to-left override the way it shows). Then spaces and anything unseen are
    dropped, and the few look-alikes decancer keeps are folded."""
    # decancer takes UTF-8: a lone surrogate (never typed, but possible in a crafted request)
    # becomes "?". A soft hyphen is unseen, but decancer makes it a dash.
    text = name.encode("utf-8", "replace").decode("utf-8").replace("\u00ad", "")
    text = str(decancer_py.parse(text))
    # decancer turns a zero-width space into a space: spaces go too, so "Mi ra" is "Mira".
    text = "".join(
        c for c in text if not c.isspace() and unicodedata.category(c) not in _UNSEEN_CATEGORIES
    )
    text = text.translate(_LOOK_ALIKE_CHARACTERS)
    for pair, letter in _LOOK_ALIKE_PAIRS:
        text = text.replace(pair, letter)
    return text


def active_group_ids(user_id: int) -> list[int]:
    """The groups someone is an active member of."""
    return list(
        db.session.scalars(
            db.select(Membership.group_id).where(
                Membership.user_id == user_id, Membership.status == MembershipStatus.ACTIVE
            )
        )
    )


def name_taken(name: str, group_ids: Collection[int], user_id: int | None = None) -> bool:
    """Whether an active member of one of these groups, other than ``user_id``, has a name that
    clashes with ``name``."""
    if not group_ids:
        return False
    query = (
        db.select(User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.group_id.in_(group_ids),
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    if user_id is not None:
        query = query.where(User.id != user_id)
    key = name_key(name)
    return any(name_key(other) == key for other in db.session.scalars(query))


def name_taken_near(user: User, name: str) -> bool:
    """Whether someone in one of ``user``'s groups already has a name like ``name`` (for a
    person changing their name)."""
    return name_taken(name, active_group_ids(user.id), user.id)


def visible(form: object, field: object) -> None:
    """A form validator: a name must show something (a name of only invisible characters would
    leave others nothing to tell its owner by)."""
    from flask_babel import lazy_gettext
    from wtforms.validators import StopValidation

    if not name_key(str(getattr(field, "data", None) or "")):
        raise StopValidation(str(lazy_gettext("Choose a name others will see.")))
