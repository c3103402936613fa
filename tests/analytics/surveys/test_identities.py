"""What identifies a person: headings that ask for one, values that are one, and contact details inside free text."""

import time

import pytest

from analytics.surveys import identities


@pytest.mark.parametrize(
    "heading",
    [
        "Name",
        "Full name",
        "Email Address",
        "E-mail (optional)",
        "RecipientEmail",
        "RecipientFirstName",
        "IPAddress",
        "IP Address",
        "LocationLatitude",
        "Phone Number",
        "Mobile",
        "Postcode",
        "Address line 1",
        "Contact information",
        "Councillor name",
        "What is your name?",
        "Please give your email address",
        "Name and e-mail address",
        "Name / Email",
        "Your name and phone number",
        "Contact Phone Number",
        "Contact email",
        "Contact details",
        "Location Coordinates",
        "GPS coordinates",
        "Tel. no.",
        "Home address",
    ],
)
def test_headings_that_ask_for_a_person_or_their_contact_details(heading):
    assert identities.names_a_person(heading)


@pytest.mark.parametrize(
    "heading",
    [
        "Ward name",
        "Name of your council",
        "How were you contacted?",
        "Which e-mail did they use?",
        "Best number",  # a phone number under it is found by its values
        "Respondent ID",
        "Duration (in seconds)",
        "Did your name appear in the press?",
        "Were you contacted by phone or email?",
        "Age and gender",
    ],
)
def test_headings_that_ask_about_something_else(heading):
    assert not identities.names_a_person(heading)


@pytest.mark.parametrize(
    "value, kind",
    [
        ("ann.lee@example.org", "e-mail addresses"),
        ("07700 900123", "phone numbers"),
        ("+44 (0)20 7946 0958", "phone numbers"),
        ("(0161) 496-0000", "phone numbers"),
        ("(202) 555-0143", "phone numbers"),
        ("7700900123", "phone numbers"),  # a mobile whose 0 a spreadsheet took off
        ("SW1A 1AA", "postcodes"),
        ("b15 2tt", "postcodes"),
        ("130.92.34.66", "IP addresses"),
        ("2001:db8::8a2e:370:7334", "IP addresses"),
        ("47.115097045898", "coordinates"),
        ("51.50135, -0.14189", "coordinates"),
        ("37°36'37.8\"N 121°2'17.9\"W", "coordinates"),
        ("51° 30' N, 0° 7' W", "coordinates"),
        ("37\ufffd36'37.8\"N 121\ufffd2'17.9\"W", "coordinates"),  # the degree sign lost to an encoding
    ],
)
def test_values_that_identify_a_person(value, kind):
    assert identities.kind_of_value(value) == kind


@pytest.mark.parametrize(
    "value",
    [
        "Yes",
        "12",
        "3.5",
        "2019-2022",
        "2024-05-01 10:05:00",
        "04/03/2025",
        "E05000026",
        "Q1 2025",
        "£1,250.00",
        "5'11\"",
        "N",
    ],
)
def test_answers_that_identify_no_one(value):
    assert identities.kind_of_value(value) is None


def test_a_column_is_judged_by_most_of_its_values():
    assert identities.identifying_values(["07700 900123", "", "020 7946 0958", "no phone"]) == "phone numbers"
    assert identities.identifying_values(["07700 900123", "Yes", "No", "Sometimes"]) is None
    assert identities.identifying_values(["", ""]) is None


def test_a_column_is_judged_on_a_bounded_sample():
    """A column of a million answers is judged on its first distinct values, so the cost does not grow with it."""
    looked_at = []

    def answers():
        for number in range(1_000_000):
            looked_at.append(number)
            yield f"answer {number}"

    assert identities.identifying_values(answers()) is None
    assert len(looked_at) == identities.SAMPLE


def test_free_text_keeps_its_words_without_addresses_or_numbers():
    text = "He rang 07700 900123 twice in 2024 and wrote to ann.lee@example.org on 04/03/2025 at 10:30."
    assert identities.contacts_removed(text) == (
        "He rang [phone number removed] twice in 2024 and wrote to [e-mail address removed] on 04/03/2025 at 10:30.",
        True,
    )
    assert identities.contacts_removed("Three times, 2019-2022") == ("Three times, 2019-2022", False)


def test_names_are_taken_out_whatever_their_case_or_separator():
    names = identities.PersonNames.of(["Jordan Nassar", "Ann", "Sam O'Neill", "No one"], answers=["No one", "Yes"])
    assert names.whole == {"jordan nassar", "sam o neill"}  # one word alone is too often an ordinary word
    text = "Jordan_Nassar pic.jpg; JORDAN NASSAR and Sam O'Neill's; Ann"
    assert identities.names_removed(text, names) == (
        "[name removed] pic.jpg; [name removed] and [name removed]'s; Ann",
        True,
    )
    assert identities.names_removed("Jordan alone", names) == ("Jordan alone", False)


@pytest.mark.parametrize("run", ["a" * 40_000 + "@", "1" * 40_000, "a1." * 13_000 + "@x"])
def test_a_long_unbroken_cell_costs_no_more_than_prose_of_its_length(run):
    """A cell of one 40,000-character word (a pasted blob, an attacker's file) is searched for addresses and
    numbers as fast as ordinary words of the same length, not in a time that grows with its square."""
    prose = "he wrote again on 4 March " * (len(run) // 26)

    def seconds(text: str) -> float:
        started = time.perf_counter()
        identities.contacts_removed(text)
        identities.kind_of_value(text)
        return time.perf_counter() - started

    assert min(seconds(run) for _ in range(3)) < 10 * min(seconds(prose) for _ in range(3))
