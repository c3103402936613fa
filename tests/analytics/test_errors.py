"""One family of refusals: every sentence meant for a person is a Refusal, so a page or the command line shows it
as it is, and anything else (a bug, a library's complaint) is told with a reference instead."""

import importlib
import inspect
import pkgutil
import re

import pytest

import analytics
from analytics.errors import ImportRefused, Refusal
from tests.conftest import REPO

# Exception classes whose message is for a programmer, not for the person using the dashboard.
NOT_FOR_A_PERSON = {
    "analytics.keyed.NoSecret": "a connection opened without analytics.store.connect; its message names a function",
}


def analytics_modules() -> list[str]:
    """Every module of analytics but __main__, which runs a command when imported."""
    found = [module.name for module in pkgutil.walk_packages(analytics.__path__, "analytics.")]
    return [name for name in found if name != "analytics.__main__"]


def shared_page_modules() -> list[str]:
    """The modules of pages/ that app.py or a page imports; a page itself runs Streamlit calls when imported."""
    sources = [REPO / "app.py", *(REPO / "pages").glob("*.py")]
    imported = {name for path in sources for name in re.findall(r"^from pages\.(\w+) import", path.read_text(), re.M)}
    return [f"pages.{name}" for name in sorted(imported)]


def exception_classes() -> list[type[BaseException]]:
    found = []
    for name in [*analytics_modules(), *shared_page_modules()]:
        module = importlib.import_module(name)
        found += [
            value
            for value in vars(module).values()
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == name
        ]
    return found


def test_every_exception_class_is_found():
    names = {f"{cls.__module__}.{cls.__qualname__}" for cls in exception_classes()}
    assert {"analytics.errors.ImportRefused", "pages.common.ExportRefused", "analytics.cli.BadArgument"} <= names


@pytest.mark.parametrize("cls", exception_classes(), ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_sentence_for_a_person_is_a_refusal(cls):
    if f"{cls.__module__}.{cls.__qualname__}" in NOT_FOR_A_PERSON:
        assert not issubclass(cls, Refusal)
    else:
        assert issubclass(cls, Refusal)


def test_a_refusal_is_a_value_error_so_callers_that_caught_one_still_do():
    assert issubclass(Refusal, ValueError) and issubclass(ImportRefused, Refusal)
    assert str(Refusal("Enter the date of the review.")) == "Enter the date of the review."
