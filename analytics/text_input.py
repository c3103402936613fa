"""Text from outside the dashboard (file cells, file names, labels typed on the command line) made storable.

The database stores UTF-8, which has no lone surrogates: Python hands one over for a file name or argument whose
bytes are not UTF-8 (surrogate escapes), and JSON can spell one. A NUL can be written into a workbook (Excel's
_x0000_) but ends a string in much that reads it back, and no workbook can hold one. Each of these is replaced by
U+FFFD, the replacement character, as a decoder replaces bytes it cannot read; everything else is kept as
written, line and paragraph separators (U+2028, U+2029, U+0085) included.
"""

from __future__ import annotations

import re

import pandas as pd

from analytics.text import cut

REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
QUOTE_CHARS = 40  # the most of a cell (or a name typed) that a sentence for the user quotes
REPLACED_NOTE = (
    f"Some cells held a character that cannot be stored (a NUL or half of a broken character); "
    f"each was replaced with {REPLACEMENT}."
)


def storable(text: str) -> str:
    return _UNSTORABLE.sub(REPLACEMENT, text)


def printable(text: str) -> str:
    """Text for one line of a terminal or a log: control characters (NUL above all) and line breaks as spaces."""
    return _UNPRINTABLE.sub(" ", text)


def quoted(text: str) -> str:
    """A short prefix of text from outside, to quote in a one-line sentence: printable, at most QUOTE_CHARS
    characters, cut with an ellipsis."""
    return cut(printable(text[: QUOTE_CHARS + 1]), QUOTE_CHARS)


def storable_or_none(text: str | None) -> str | None:
    return None if text is None else storable(text)


def storable_cells(cells: pd.Series) -> tuple[pd.Series, bool]:
    """(text cells decoded from a file with each NUL replaced, whether any was).

    Cells decoded from bytes are UTF-8 (pandas keeps them in Arrow), so a NUL is the only unstorable character
    they can hold."""
    if not cells.str.contains("\x00", regex=False, na=False).any():
        return cells, False
    return cells.str.replace("\x00", REPLACEMENT, regex=False), True
