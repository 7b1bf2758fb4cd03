"""Names that pass for another's fold to the same key; names that merely resemble it do not."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.groups.names import name_key, name_taken, name_taken_near
from server.models import MembershipStatus
from tests.conftest import Course
from tests.factories import gen_membership, gen_user

# Latin letters and the Cyrillic and Greek letters drawn the same way.
LOOK_ALIKES = {
    "a": "\u0430",  # Cyrillic
    "c": "\u0441",
    "e": "\u0435",
    "i": "\u0456",  # Cyrillic
    "o": "\u043e",
    "p": "\u0440",
    "x": "\u0445",
    "M": "\u039c",  # Greek
    "H": "\u0397",
}
UNSEEN = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
names = st.text(alphabet=string.ascii_letters, min_size=1, max_size=20)


@pytest.mark.parametrize(
    "impostor",
    [
        "Mira",
        "mira",
        " Mira ",
        "MIRA",
        "M\u0456ra",  # a Cyrillic i
        "M\u200bira",  # a zero-width space
        "M1ra",
        "Mlra",
        "M|ra",
        "Mi ra",
        "Mïra",
        "\U0001d4dc\U0001d4f2\U0001d4fb\U0001d4ea",  # mathematical script letters
        "\uff2d\uff49\uff52\uff41",  # fullwidth letters
        "\u202eariM",  # shown right to left: "Mira"
    ],
)
def test_a_name_made_to_pass_for_mira_folds_to_hers(impostor: str) -> None:
    assert name_key(impostor) == name_key("Mira")


@pytest.mark.parametrize(("one", "other"), [("rn", "m"), ("vv", "w"), ("J0nas", "Jonas")])
def test_letters_that_read_as_another_fold_together(one: str, other: str) -> None:
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize("different", ["Mirabel", "Mina", "Maria", "Mir", "Kira", "Mira B"])
def test_a_name_that_only_resembles_mira_is_its_own(different: str) -> None:
    assert name_key(different) != name_key("Mira")


@given(name=names, data=st.data())
def test_case_spaces_and_unseen_characters_do_not_make_a_new_name(
    name: str, data: st.DataObject
) -> None:
    cut = data.draw(st.integers(0, len(name)))
    unseen = data.draw(st.sampled_from(UNSEEN))
    disguised = data.draw(st.sampled_from([name.upper(), name.lower(), name.swapcase()]))
    disguised = f"  {disguised[:cut]}{unseen}{disguised[cut:]} "
    assert name_key(disguised) == name_key(name)


@given(name=names, data=st.data())
def test_look_alike_letters_from_other_scripts_do_not_make_a_new_name(
    name: str, data: st.DataObject
) -> None:
    swap = data.draw(st.sets(st.sampled_from(sorted(LOOK_ALIKES))))
    disguised = "".join(LOOK_ALIKES[c] if c in swap else c for c in name)
    assert name_key(disguised) == name_key(name)


@given(name=names, letter=st.sampled_from(string.ascii_letters))
def test_a_longer_name_is_never_taken_for_the_shorter(name: str, letter: str) -> None:
    assert name_key(name + letter) != name_key(name)


@given(st.text())
def test_any_text_folds_without_an_error(name: str) -> None:
    assert isinstance(name_key(name), str)


def test_only_active_members_of_the_same_groups_count(course: Course) -> None:
    group = [course.group.id]
    assert name_taken("MIRA", group)
    assert not name_taken("MIRA", group, course.facilitator.id)  # her own name
    assert not name_taken("Outsider", group)  # a member of another group
    gen_membership(course.group, gen_user(display_name="Sparrow"), status=MembershipStatus.REMOVED)
    assert not name_taken("Sparrow", group)
    assert not name_taken("Mira", [])


def test_a_person_in_two_groups_meets_the_names_of_both(course: Course) -> None:
    person = course.participants[0]
    gen_membership(course.other_group, person)
    assert name_taken_near(person, "0utsider")  # from the other group
    assert name_taken_near(person, "Jonas")  # from this one
    assert not name_taken_near(person, "Birch")  # their own
