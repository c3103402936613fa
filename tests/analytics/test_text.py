"""Text from the data made safe for the screen: what a markdown or Plotly reader would act on is escaped, nothing
looks like an address any more, and a long value is cut (analytics.text)."""

import re

import pytest

from analytics import text
from analytics.text import ELLIPSIS, LABEL, WORD_JOINER

PAYLOADS = [
    "![x](http://203.0.113.9/x.png)",
    "[link](http://203.0.113.9)",
    '<a href="http://203.0.113.9">a</a>',
    "<img src=http://203.0.113.9/y>",
    "**bold** _em_ ~~gone~~",
    "$x^2$ and $$y$$",
    "http://203.0.113.9/bare",
    "www.example.org",
    "someone@example.org",
    "# heading",
    ":material/home: :red[red] :smile:",
    "1. a list\n- another\n> quoted",
]


def _unescaped(markdown: str) -> str:
    """What markdown reads once its backslash escapes are taken as the characters they escape."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_markdown_character_of_the_data_is_escaped(payload):
    shown = text.for_markdown(payload)
    assert re.search(r"[!-/:-@\[-`{-~]", re.sub(r"\\[!-/:-@\[-`{-~]", "", shown)) is None
    assert _unescaped(shown).replace(WORD_JOINER, "") == payload.replace("\n", " ")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_in_the_data_reads_as_an_address_once_escapes_are_taken(payload):
    """GitHub's automatic links are found in the text after escapes are read, so escaping alone does not stop
    them: no www., scheme or e-mail address survives."""
    read = _unescaped(text.for_markdown(payload))
    assert not re.search(r"(?i)www\.|[a-z]://|\w@\w|mailto:|:\w", read)


def test_a_long_value_is_cut_with_an_ellipsis_and_said_to_be():
    long = "W" * 100_000
    assert text.cut(long) == "W" * (LABEL - 1) + ELLIPSIS
    assert len(text.for_markdown(long)) == LABEL
    assert text.was_cut(long) and not text.was_cut("Abbey") and not text.was_cut(None)
    assert text.cut("a" * 20, limit=10) == "a" * 9 + ELLIPSIS


def test_line_breaks_of_every_kind_become_spaces():
    assert text.cut("one\ntwo\r\nthree\u2028four\u2029five\x85six") == "one two three four five six"


def test_a_plain_name_is_shown_as_it_is():
    assert text.for_markdown("Abbey Ward") == "Abbey Ward"
    assert text.for_chart("Abbey Ward") == "Abbey Ward"
    assert text.for_markdown(None) == ""


def test_chart_text_has_its_tags_and_entities_escaped():
    assert text.for_chart('<a href="http://203.0.113.9">a</a> & &lt;') == (
        '&lt;a href="http://203.0.113.9"&gt;a&lt;/a&gt; &amp; &amp;lt;'
    )
    assert len(text.for_chart("<" * 1_000)) == len("&lt;") * (LABEL - 1) + 1
