"""The one family of errors told to the person as they are.

Whatever the dashboard will not do because of what someone gave it or asked for (a file, a form, a setting, a
command's argument) it refuses with a Refusal, or a subclass that names the kind. Its str is one sentence for the
person: what is wrong and what to do. A page shows that sentence (pages.common.refusals_shown) and the command line
prints it; any other exception is a bug, logged with its traceback under a reference, and the person is shown only
the reference (pages.server.on_error, analytics.cli).

A Refusal is a ValueError, as these sentences were before the family had a name, so code that caught a ValueError
still catches them; a ValueError that is not a Refusal is a programming error, never shown as it is.
"""


class Refusal(ValueError):
    """Something the dashboard will not do; str(exc) is one sentence for the person: what is wrong and what to do."""


class ImportRefused(Refusal):
    """A file or request the import cannot accept."""
