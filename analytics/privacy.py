"""What a signed-in user is shown of special category data: perpetrators as stable pseudonyms for roles that may not
see who they are, and (see analytics.suppression) small numbers hidden for roles without detail access.

Pages pass what they are about to show through here with the user; analytics.access says what each role may see.
"""

from __future__ import annotations

import secrets

import duckdb
import pandas as pd

from analytics import store
from analytics.access import IDENTITIES, User, pseudonym

_SECRET_SETTING = "pseudonym_secret"


def _pseudonym_secret(con: duckdb.DuckDBPyConnection) -> str:
    """The database's own key for pseudonyms, made on first use, so a pseudonym is the same on every page and in
    every export of this dashboard but means nothing elsewhere."""
    secret = store.get_setting(con, _SECRET_SETTING)
    if secret is None:
        secret = secrets.token_hex(32)
        store.set_setting(con, _SECRET_SETTING, secret)
    return secret


def perpetrator_shown(con: duckdb.DuckDBPyConnection, user: User, perpetrator: str | None) -> str | None:
    """The perpetrator as this user may see it: as given, or its pseudonym. Give the perpetrator_key (facts.py), not
    the name as recorded, so that every way of writing one person's name reads as the same pseudonym."""
    if perpetrator is None or user.may(IDENTITIES):
        return perpetrator
    return pseudonym(perpetrator, _pseudonym_secret(con))


def perpetrators_shown(con: duckdb.DuckDBPyConnection, user: User, perpetrators: pd.Series) -> pd.Series:
    """A column of perpetrators as this user may see them (see perpetrator_shown)."""
    if user.may(IDENTITIES):
        return perpetrators
    secret = _pseudonym_secret(con)
    return perpetrators.map(lambda value: pseudonym(value, secret) if isinstance(value, str) else value)
