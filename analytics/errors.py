"""Errors the import shows to the user as they are."""


class ImportRefused(Exception):
    """A file or request the import cannot accept.

    str(exc) is one sentence for the user: what is wrong and what to do.
    """
