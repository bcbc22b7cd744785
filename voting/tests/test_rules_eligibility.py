"""Eligibility rules at their edges: the 16th birthday, 29 February, ID check digits and forms."""
import datetime as dt

import pytest

from voting.rules import anniversary, id_keyed, id_kind, id_valid, normalise_id, old_enough, voter_ineligibility

D = dt.date


def test_sixteenth_birthday_on_the_first_day_passes():
    assert old_enough(birth_date=D(2010, 5, 10), first_vote_day=D(2026, 5, 10))


def test_one_day_short_fails():
    assert not old_enough(birth_date=D(2010, 5, 11), first_vote_day=D(2026, 5, 10))


def test_older_passes_and_much_younger_fails():
    assert old_enough(birth_date=D(1950, 1, 1), first_vote_day=D(2026, 5, 10))
    assert not old_enough(birth_date=D(2020, 1, 1), first_vote_day=D(2026, 5, 10))


def test_born_29_february_turns_16_on_29_february_of_a_leap_year():
    # 16 is a multiple of 4, so the 16th birthday falls in a leap year (except a century year).
    assert not old_enough(birth_date=D(2008, 2, 29), first_vote_day=D(2024, 2, 28))
    assert old_enough(birth_date=D(2008, 2, 29), first_vote_day=D(2024, 2, 29))


def test_born_29_february_turns_n_on_1_march_without_29_february():
    # 2100 is not a leap year; and for other ages the anniversary may fall in a common year.
    assert anniversary(D(2084, 2, 29), 16) == D(2100, 3, 1)
    assert not old_enough(birth_date=D(2084, 2, 29), first_vote_day=D(2100, 2, 28))
    assert old_enough(birth_date=D(2084, 2, 29), first_vote_day=D(2100, 3, 1))
    assert anniversary(D(2008, 2, 29), 17) == D(2025, 3, 1)
    assert not old_enough(birth_date=D(2008, 2, 29), first_vote_day=D(2025, 2, 28), min_age=17)


def test_eligibility_needs_a_basis_in_the_city():
    for basis in ("household", "study", "work", "live"):
        assert voter_ineligibility(birth_date=D(2000, 1, 1), first_vote_day=D(2026, 5, 10), basis=basis) is None
    assert voter_ineligibility(birth_date=D(2000, 1, 1), first_vote_day=D(2026, 5, 10), basis="visit") == "basis"
    too_young = voter_ineligibility(birth_date=D(2010, 5, 11), first_vote_day=D(2026, 5, 10), basis="household")
    assert too_young == "too_young"


# Worked by hand: A → 10 → (1, 0); weights 1 9 8 7 6 5 4 3 2 1 1 over 1 0 1 2 3 4 5 6 7 8 9 → 130 ≡ 0.
@pytest.mark.parametrize("number", ["A123456789", "F131104093", "a123456789", " A123-456-789 ", "Ａ１２３４５６７８９"])
def test_valid_national_ids(number):
    assert id_kind(normalise_id(number)) == "national_id"
    assert id_valid(number)


@pytest.mark.parametrize("number", [
    "A123456788",  # wrong check digit
    "A323456789",  # gender digit must be 1 or 2 (or 8/9 for the new resident form)
    "A12345678",  # too short
    "A1234567890",  # too long
    "1123456789",  # no letter
    "", "   ", "AAAAAAAAAA", "A12345678X", "<script>",
])
def test_invalid_numbers(number):
    assert not id_valid(number)


def test_old_resident_certificate_two_letters():
    # A → (1, 0), B → 11 → 1: 1·1 + 0·9 + 1·8 + 1·7 + 2·6 + 3·5 + 4·4 + 5·3 + 6·2 + 7·1 = 93 → check 7.
    assert id_kind("AB12345677") == "resident_old"
    assert id_kind("AB12345678") is None
    assert id_kind("AE12345677") is None  # second letter only A–D


def test_new_resident_certificate_8_or_9():
    # The 2021 form: A800000014 (the immigration agency's example): 1 + 0 + 64 + 1 + 4 = 70.
    assert id_kind("A800000014") == "resident_new"
    assert id_kind("A800000015") is None
    assert id_kind("A923456789") is None


def test_keyed_id_is_stable_and_key_dependent():
    a = id_keyed("A123456789", key=b"k1")
    assert a == id_keyed("A123456789", key=b"k1") and len(a) == 64
    assert a != id_keyed("A123456789", key=b"k2")
    assert "A123456789" not in a


def test_a_birth_date_at_the_end_of_the_calendar_is_never_old_enough():
    assert not old_enough(birth_date=D(9999, 12, 31), first_vote_day=D(2026, 5, 10))
    assert anniversary(D(9990, 2, 28), 16) == dt.date.max
    assert anniversary(D(9983, 5, 1), 16) == D(9999, 5, 1)  # the last year of the calendar still counts


# One valid number per first letter, checked by hand against the official letter codes (A=10 … H=17, I=34,
# J=18 … N=22, O=35, P=23 … V=29, W=32, X=30, Y=31, Z=33); e.g. I → 3, 4: 3 + 36 + 8 + 14 + 18 + 20 + 20 + 18
# + 14 + 8 + 1 = 160 ≡ 0. A wrong code for any letter makes its number fail.
EVERY_LETTER = ["A123456789", "B123456780", "C123456781", "D123456782", "E123456783", "F123456784", "G123456785",
                "H123456786", "I123456781", "J123456787", "K123456788", "L123456788", "M123456789", "N123456780",
                "O123456782", "P123456781", "Q123456782", "R123456783", "S123456784", "T123456785", "U123456786",
                "V123456787", "W123456789", "X123456787", "Y123456788", "Z123456780"]


@pytest.mark.parametrize("number", EVERY_LETTER)
def test_every_first_letter_has_its_official_code(number):
    assert id_kind(normalise_id(number)) == "national_id"
    assert not id_valid(number[:-1] + str((int(number[-1]) + 1) % 10))
