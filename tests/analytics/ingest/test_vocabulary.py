import pandas as pd

from analytics.ingest.vocabulary import key, map_multi, map_single, map_yes_no, platform_from_channel


def test_keys_fold_case_punctuation_and_apostrophes():
    assert key("St. John's") == key("st johns") == "st johns"
    assert key("  Zoë   HART ") == "zoë hart"


def test_channel_words_map_to_the_contract_list():
    cells = pd.Series(["Facebook", "f2f", "WhatsApp", "Voicemail", "E-mail", "", "Carrier pigeon"])
    mapped = map_single(cells, "channel")
    assert mapped[:6].tolist() == ["social media", "in person", "text or messaging app", "phone", "email", ""]
    assert pd.isna(mapped[6])


def test_several_values_split_on_semicolons_commas_and_new_lines():
    cells = pd.Series(["Verbal abuse; Harassment", "threat to kill,\nmisinformation", "x; Stalking"])
    values, unknown = map_multi(cells, "abuse_types")
    assert values.tolist() == [
        "verbal abuse; harassment (repeated unwanted contact)",
        "death threat; misinformation or defamation",
        "stalking",
    ]
    assert unknown.tolist() == ["", "", "x"]


def test_words_people_write_map_onto_protected_characteristics():
    values, _ = map_multi(
        pd.Series(["Racist, homophobic", "Misogynistic", "antisemitic", "Transphobic"]), "protected_characteristics"
    )
    assert values.tolist() == ["race; sexual orientation", "sex", "religion or belief", "gender reassignment"]


def test_threat_levels_accept_numbers():
    assert map_single(pd.Series(["1", "4", "High"]), "threat_level").tolist() == ["low", "critical", "high"]


def test_yes_no_accepts_the_contract_forms_and_blank_means_unknown():
    values, invalid = map_yes_no(pd.Series(["Y", "n", "TRUE", "0", "", "maybe"]))
    assert values[:4].tolist() == [True, False, True, False]
    assert values[4:].isna().all()
    assert invalid.tolist() == [False, False, False, False, False, True]


def test_platform_is_taken_from_a_channel_that_names_one():
    platforms = platform_from_channel(pd.Series(["Twitter", "Facebook", "Email"]))
    assert platforms[:2].tolist() == ["X", "Facebook"] and pd.isna(platforms[2])
