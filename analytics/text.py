"""Text from the council's files or typed into the dashboard, made safe to put on screen: shown as written, never as
formatting, a link, an image or a formula, and cut to a length a page can hold.

Streamlit draws text as markdown (with KaTeX between dollar signs, and GitHub's automatic links for anything that
looks like an address: http://..., www.... or an e-mail address); Plotly draws chart labels, legends, titles and
hover text as a little HTML (<a href>, <b>, <br>). So a value goes through `for_markdown` before any Streamlit
call that reads markdown, and through `for_chart` before it reaches a Plotly figure. A value too long to show is cut
with an ellipsis; the page that cuts it offers the whole value a click away (`was_cut` says when).
"""

from __future__ import annotations

import html
import re

LABEL = 200  # a name, an answer, a heading: a ward name of 100,000 characters is cut to this
SENTENCE = 400  # a sentence the dashboard wrote around a value (already cut to LABEL where it is built)
PASSAGE = 1_000  # a description, a review's notes: longer, but still not a whole file
ELLIPSIS = "…"
WORD_JOINER = "\u2060"  # invisible, and not a character an address can hold, so nothing around it is auto-linked

_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_MARKDOWN = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character, which markdown may act on
# Where GitHub's automatic links start (www., any scheme's ':', an e-mail's '@'), and where Streamlit's own text
# codes start (:material/icon:, :red[text], :smile:): a word joiner there stops each being recognised.
_LINK_STARTS = re.compile(r"(?i)(?<=www)(?=\.)|(?<=:)|(?=@)|(?<=@)")


def cut(text: object, limit: int = LABEL) -> str:
    """The value as one line of at most `limit` characters, ending in an ellipsis when it was longer."""
    plain = _LINE_BREAKS.sub(" ", "" if text is None else str(text))
    return plain if len(plain) <= limit else plain[: limit - 1] + ELLIPSIS


def listed(values: list[str], shown: int = 8, limit: int = 40) -> str:
    """A few values quoted for one sentence, each cut to `limit`, then how many more: a file of 16,000 columns
    must not make a sentence of 16,000 names."""
    named = ", ".join(f"'{cut(value, limit)}'" for value in values[:shown])
    more = len(values) - shown
    return named + (f" and {more} more" if more > 0 else "")


def was_cut(text: object, limit: int = LABEL) -> bool:
    """Whether `cut` would shorten the value, so the page should offer it in full."""
    return text is not None and len(str(text)) > limit


def for_markdown(text: object, limit: int = LABEL) -> str:
    """The value, cut, for any Streamlit call that reads markdown (st.markdown, st.caption, st.info and the other
    notices, st.write of a string, labels of expanders and tabs): every markdown, KaTeX and HTML character is
    escaped with a backslash, so it is drawn as itself, and every place an automatic link could start is broken
    with an invisible word joiner."""
    shown = _LINK_STARTS.sub(WORD_JOINER, cut(text, limit))
    return _MARKDOWN.sub(r"\\\1", shown)


def for_chart(text: object, limit: int = LABEL) -> str:
    """The value, cut, for a Plotly label, legend entry, title, annotation or hover text: '<', '>' and '&' as
    HTML entities, which Plotly draws as the characters themselves, so a tag in the data is shown, not obeyed."""
    return html.escape(cut(text, limit), quote=False)
