"""What identifies a person in a survey export: a column by its heading or by its values, and a string in free text.

Survey tools name their identity columns in many ways ("Email Address", "RecipientFirstName", "What is your
name?", "Contact information" over the sub-fields Name and Email), and a council's own form may ask for a
telephone number under a heading such as "Best number". So a column is recognised by its heading or
sub-heading, and by its values: when most of a sample of them are e-mail addresses, phone numbers, IP addresses,
postcodes or coordinates. Free text keeps its words, but e-mail addresses, phone numbers and the names given in
the file's name columns are taken out of it.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

SAMPLE = 200  # distinct non-blank values looked at to judge a column by its values

EMAIL_REMOVED = "[e-mail address removed]"
PHONE_REMOVED = "[phone number removed]"
NAME_REMOVED = "[name removed]"

# Headings that name a person or their contact details, once normalised (see _words) and stripped of _OWNERS.
_LABELS = frozenset(
    {
        "name",
        "names",
        "first name",
        "last name",
        "middle name",
        "full name",
        "given name",
        "family name",
        "surname",
        "forename",
        "forenames",
        "initials",
        "email",
        "email address",
        "mail address",
        "phone",
        "phone number",
        "telephone",
        "telephone number",
        "tel",
        "tel no",
        "phone no",
        "telephone no",
        "mobile no",
        "cell phone",
        "cell number",
        "mobile",
        "mobile number",
        "mobile phone",
        "mobile phone number",
        "contact number",
        "contact",
        "contact information",
        "contact info",
        "contact details",
        "address",
        "postal address",
        "street address",
        "postcode",
        "post code",
        "postal code",
        "zip",
        "zip code",
        "ip",
        "ip address",
        "latitude",
        "longitude",
        "coordinates",
        "location coordinates",
        "gps",
        "gps coordinates",
        "geolocation",
        "geo location",
        "lat long",
        "latlong",
        "location latitude",
        "location longitude",
        "date of birth",
        "dob",
        "national insurance number",
        "ni number",
        "signature",
    }
)
# Words before a label that still make it a person's: "Your name", "RecipientEmail", "Councillor name".
_OWNERS = frozenset({"your", "my", "respondent", "respondents", "recipient", "councillor", "councillors", "cllr"})
_OWNERS |= frozenset({"full", "home", "work", "personal", "best", "preferred", "primary", "contact"})
_ASKING = re.compile(r"^(?:what is|whats|please (?:enter|give|provide|tell us)|enter|give|provide) (?P<label>.+)$")

# Each starts only where a run of the characters it is made of starts, and its parts are bounded (RFC 5321's
# lengths), so a cell of one long unbroken word is searched in a time that grows with its length, not its square.
_EMAIL = re.compile(r"(?<![\w.%+'-])[\w.%+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}")
_PHONE = re.compile(
    r"""(?<![\w+])(?:
        (?:\+|00)\d{1,3}[\s.-]?(?:\(0\)[\s.-]?)?\(?\d{1,4}\)?(?:[\s.-]?\d){5,11}  # +44 (0)20 7946 0958, 0033 1 ...
      | \(?0\d{2,4}\)?[\s.-]?\d(?:[\s.-]?\d){5,8}                             # 020 7946 0958, (01632) 960001
      | \(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}                                       # (202) 555-0143
    )(?!\w)""",
    re.VERBOSE,
)
_MOBILE_AS_NUMBER = re.compile(r"(?:44)?7\d{9}")  # a UK mobile whose 0 or + a spreadsheet took off
_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", re.IGNORECASE)
_COORDINATE = re.compile(r"[-+]?\d{1,3}\.\d{5,}")
_DEGREES = r"""\d{1,3}\s?[°º˚\ufffd]\s?\d{1,2}\s?['′]\s?(?:\d{1,2}(?:\.\d+)?\s?(?:"|″|'')?)?\s?[NSEW]"""
_COORDINATE_DEGREES = re.compile(rf"{_DEGREES}(?:\s*[,; ]\s*{_DEGREES})?")  # 37°36'37.8"N 121°2'17.9"W
_COORDINATE_PAIR = re.compile(r"\(?\s*[-+]?\d{1,2}\.\d{2,}\s*[,; ]\s*[-+]?\d{1,3}\.\d{2,}\s*\)?")
_LETTERS = re.compile(r"[^\W\d_]+")
_NAME_GAP = re.compile(r"[\s_.'’-]{1,3}")
_LONGEST_NAME = 6  # words
_NAME_LENGTH = 100  # characters: a longer value is no one's name


def _words(heading: str) -> str:
    """ "RecipientEmail (optional)" -> "recipient email": camel case split, brackets and punctuation gone; "Name /
    Email" -> "name and email"."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", heading)
    text = re.sub(r"\([^)]*\)|\[[^]]*\]", " ", text.casefold()).replace("e-mail", "email")
    return " ".join(re.findall(r"[a-z0-9]+", re.sub(r"[/&+]", " and ", text)))


def names_a_person(heading: str) -> bool:
    """The heading asks for a name, a contact detail or a location: "Name", "Email Address", "What is your
    phone number?", "IPAddress", "Address line 1", "Contact information", "Name and e-mail"."""
    words = _words(heading)
    asking = _ASKING.match(words)
    words = asking["label"] if asking else words
    return all(_is_label(part) for part in re.split(r" (?:and|or) ", words))


def _is_label(words: str) -> bool:
    """Whether the words are a label once any owners before it are set aside: "contact phone number" is, and so
    is "contact information" (where "contact" is the label's own first word)."""
    parts = re.sub(r"(?: line)? \d+$", "", words).split()
    while " ".join(parts) not in _LABELS:
        if len(parts) < 2 or parts[0] not in _OWNERS:
            return False
        parts = parts[1:]
    return True


def kind_of_value(value: str) -> str | None:
    """What identifying thing the whole value is ("e-mail addresses", "phone numbers", ...), or None."""
    value = value.strip()
    if _EMAIL.fullmatch(value):
        return "e-mail addresses"
    if _PHONE.fullmatch(value) or _MOBILE_AS_NUMBER.fullmatch(value):
        return "phone numbers"
    if _POSTCODE.fullmatch(value):
        return "postcodes"
    if _is_ip_address(value):
        return "IP addresses"
    if _is_coordinate(value):
        return "coordinates"
    return None


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_coordinate(value: str) -> bool:
    if _COORDINATE_DEGREES.fullmatch(value):
        return True
    if _COORDINATE_PAIR.fullmatch(value):
        latitude, longitude = (float(n) for n in re.findall(r"[-+]?\d+\.\d+", value))
        return abs(latitude) <= 90 and abs(longitude) <= 180
    return bool(_COORDINATE.fullmatch(value)) and abs(float(value)) <= 180


def identifying_values(values: Iterable[str]) -> str | None:
    """What most of the column's distinct non-blank values are (up to SAMPLE of them), when that identifies
    people: "phone numbers" for a column of them whatever its heading says; else None."""
    sample: list[str] = []
    seen: set[str] = set()
    for value in values:
        if value and value not in seen:
            seen.add(value)
            sample.append(value)
            if len(sample) == SAMPLE:
                break
    kinds = Counter(kind for kind in map(kind_of_value, sample) if kind)
    if not kinds or kinds.total() * 2 <= len(sample):
        return None
    return kinds.most_common(1)[0][0]


@dataclass(frozen=True)
class PersonNames:
    """The names given in a file's name columns, as names_removed looks for them."""

    whole: frozenset[str]  # each name's words in lower case, one space between
    first_words: frozenset[str]  # so that a text without any of them is passed over at once,
    first_pairs: frozenset[str]  # and one without any name's first two words soon after

    @classmethod
    def of(cls, values: Iterable[str], *, answers: Iterable[str] = ()) -> PersonNames:
        """Only names of two words or more, since a single word ("Ann", "Mark") is as often an ordinary word in
        someone's answer; and none that is a whole answer in `answers` (a "Name" of "Prefer not to say" must not
        take that option out of every answer)."""
        names = {_name(value) for value in values if len(value) <= _NAME_LENGTH}
        names = {name for name in names if 2 <= name.count(" ") + 1 <= _LONGEST_NAME}
        names -= {_name(answer) for answer in answers if len(answer) <= _NAME_LENGTH}
        pairs = frozenset(" ".join(name.split(" ", 2)[:2]) for name in names)
        return cls(frozenset(names), frozenset(pair.split(" ")[0] for pair in pairs), pairs)


def _name(value: str) -> str:
    return " ".join(_LETTERS.findall(value.casefold()))


def contacts_removed(text: str) -> tuple[str, bool]:
    """(the text with every e-mail address and phone number in it replaced, whether there was any)."""
    text, emails = _EMAIL.subn(EMAIL_REMOVED, text)
    text, phones = _PHONE.subn(PHONE_REMOVED, text)
    return text, bool(emails or phones)


def names_removed(text: str, names: PersonNames) -> tuple[str, bool]:
    """(the text with each of `names` in it replaced, in any case, whatever separates its words, whether there
    was any): "Jordan Nassar pic.jpg" -> "[name removed] pic.jpg"."""
    lowered = _LETTERS.findall(text.casefold())
    if names.first_words.isdisjoint(lowered):
        return text, False
    if not any(f"{word} {following}" in names.first_pairs for word, following in pairwise(lowered)):
        return text, False
    words = list(_LETTERS.finditer(text))
    spans = []
    start = 0
    while start < len(words):
        length = _name_at(text, words, start, names)
        if length:
            spans.append((words[start].start(), words[start + length - 1].end()))
        start += length or 1
    for begin, end in reversed(spans):
        text = text[:begin] + NAME_REMOVED + text[end:]
    return text, bool(spans)


def _name_at(text: str, words: list[re.Match], start: int, names: PersonNames) -> int:
    """How many words from `start` make one of `names` (the longest), or 0."""
    found, parts = 0, [words[start].group().casefold()]
    if parts[0] not in names.first_words:
        return 0
    for following in range(start + 1, min(start + _LONGEST_NAME, len(words))):
        if not _NAME_GAP.fullmatch(text[words[following - 1].end() : words[following].start()]):
            break
        parts.append(words[following].group().casefold())
        if " ".join(parts) in names.whole:
            found = len(parts)
    return found
