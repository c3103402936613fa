"""Every name a person reads comes from one place, in the council's words."""

import pandas as pd

from analytics.ingest import labels
from analytics.ingest.datasets import DATASETS
from analytics.ingest.vocabulary import CHANNELS, VALUE_LISTS
from analytics.surveys.benchmarks import PAIRINGS
from analytics.surveys.survey_measures import SUGGESTION_ORDER


def test_every_field_measure_and_national_measure_has_a_label_without_an_underscore():
    names = [field.name for dataset in DATASETS.values() for field in dataset.fields]
    names += [*SUGGESTION_ORDER, *PAIRINGS]
    unlabelled = {name for name in names if "_" in labels.label(name) or not labels.LABELS.get(name)}
    assert unlabelled == set()


def test_a_field_reads_as_the_data_contract_names_it():
    assert labels.label("incident_ref") == "Reference"
    assert labels.label("occurred_on") == "Date of incident"
    assert labels.label("perpetrator_ref") == "Perpetrator"
    assert labels.label("experienced_abuse") == "Experienced abuse in the last 12 months"


def test_columns_are_renamed_and_a_name_it_does_not_know_reads_in_sentence_case():
    frame = labels.labelled_columns(pd.DataFrame(columns=["incident_ref", "threat_derived", "some_new_thing"]))
    assert frame.columns.tolist() == ["Reference", "Threat level (derived)", "Some new thing"]


def test_every_category_reads_in_sentence_case():
    assert labels.category("social media") == "Social media"
    assert labels.category("at home / doorstep") == "At home / doorstep"
    assert labels.category("cctv or video doorbell") == "CCTV or video doorbell"
    assert all(labels.category(value)[0].isupper() for values in VALUE_LISTS.values() for value in values)
    assert labels.category(None) == "" and labels.category(float("nan")) == ""
    assert [labels.category(value) for value in CHANNELS][:2] == ["In person", "Ward surgery"]


def test_several_categories_each_read_in_sentence_case():
    assert labels.categories("verbal abuse; intimidation") == "Verbal abuse; Intimidation"
    assert labels.categories(["email", "phone"]) == "Email; Phone"
    assert labels.categories(None) == ""


def test_the_survey_measures_read_as_different_words():
    assert len({labels.label(name) for name in SUGGESTION_ORDER}) == len(SUGGESTION_ORDER)


def test_yes_or_no_reads_as_a_person_writes_it():
    assert [labels.yes_no(value) for value in (True, False, None, pd.NA, "yes")] == ["Yes", "No", "", "", "Yes"]


def test_a_word_that_needs_one_has_a_gloss():
    assert labels.GLOSSES["Complete"].startswith("'Complete' says whether the month or quarter is over")
    assert labels.GLOSSES["(derived)"].startswith("'(derived)': no threat level was recorded")
