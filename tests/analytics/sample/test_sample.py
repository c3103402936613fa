"""The fictional sample council: deterministic, the right shape, and messy in the ways the brief asks for."""

import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analytics.sample.sample import INCIDENT_HEADERS, REGISTER_HEADERS, SPIKE_WARD, TITLE, write_sample

SOCIAL = {"facebook", "twitter", "x", "instagram", "tiktok", "nextdoor", "social media"}
LEVELS = {"low": 1, "medium": 2, "high": 3, "critical": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@pytest.fixture(scope="module")
def xlsx_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xlsx")
    write_sample(out)
    return out


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("csv")
    write_sample(out, incident_format="csv")
    return out


@pytest.fixture(scope="module")
def log(csv_dir) -> pd.DataFrame:
    return pd.read_csv(csv_dir / "incident_log.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def register(csv_dir) -> pd.DataFrame:
    return pd.read_csv(csv_dir / "councillor_register.csv", encoding="cp1252", dtype=str, keep_default_na=False)


def _key(text: str) -> str:
    """Case- and punctuation-insensitive key, as the contract matches wards."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _perpetrator(text: str) -> str:
    """Lower case, no profile URL prefix, no '@': how the contract links @JaneDoe, janedoe and x.com/JaneDoe."""
    text = re.sub(r"^https?://(www\.)?[^/]+/", "", text.strip().lower()).strip("/")
    return text.lstrip("@")


def _sheet_values(path: Path) -> list[tuple]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(workbook["Incident log"].iter_rows(values_only=True))
    finally:
        workbook.close()


def _occurred(log: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(log["Date of incident"], format="%d/%m/%Y", errors="coerce")


def test_writes_the_named_files(xlsx_dir, csv_dir):
    for folder, log_name in ((xlsx_dir, "incident_log.xlsx"), (csv_dir, "incident_log.csv")):
        names = {path.name for path in folder.iterdir()}
        assert names == {"wards.csv", "councillor_register.csv", log_name}


def test_same_seed_same_files_and_values_other_seed_differs(tmp_path, xlsx_dir, csv_dir):
    paths = write_sample(tmp_path / "again")
    assert [path.name for path in paths] == ["wards.csv", "councillor_register.csv", "incident_log.xlsx"]
    for path in paths:
        assert path.read_bytes() == (xlsx_dir / path.name).read_bytes()
    assert _sheet_values(paths[2]) == _sheet_values(xlsx_dir / "incident_log.xlsx")
    csv_again = write_sample(tmp_path / "csv", incident_format="csv")[2]
    assert csv_again.read_bytes() == (csv_dir / "incident_log.csv").read_bytes()
    other = write_sample(tmp_path / "other", seed=7)[2]
    assert _sheet_values(other)[3:] != _sheet_values(xlsx_dir / "incident_log.xlsx")[3:]


def test_ward_register_has_the_ons_lookup_shape(csv_dir):
    wards = pd.read_csv(csv_dir / "wards.csv", dtype=str)
    assert list(wards.columns) == ["WD24CD", "WD24NM", "LAD24CD", "LAD24NM"]
    assert wards["WD24CD"].str.fullmatch(r"E05\d{6}").all() and wards["WD24CD"].is_unique
    per_authority = wards.groupby("LAD24NM").size()
    assert per_authority["Fernwick"] == 20 and len(per_authority) == 2
    assert SPIKE_WARD in set(wards["WD24NM"])


def test_councillor_register_is_windows_1252(csv_dir):
    raw = (csv_dir / "councillor_register.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "Zoë" in text and "Siân" in text and "José" in text
    assert text.splitlines()[0] == ",".join(REGISTER_HEADERS)


def test_councillor_register_fills_about_twenty_wards(register, csv_dir):
    wards = pd.read_csv(csv_dir / "wards.csv", dtype=str)
    assert len(register) == 50 and register["Cllr ID"].is_unique
    seats = register.groupby("Ward").size()
    assert len(seats) == 20 and seats.between(1, 3).all()
    assert set(seats.index) <= set(wards.loc[wards["LAD24NM"] == "Fernwick", "WD24NM"])
    roles = register["Role"].value_counts()
    assert roles["Leader"] == 1 and roles["Cabinet member"] == 6 and roles["Committee chair"] == 6
    assert (register["Party/Group"] == "Independent").sum() >= 3
    assert register["Risk assessed"].str.fullmatch(r"(\d{2}/\d{2}/\d{4})?").all()


def test_incident_log_links_to_the_register(log, register):
    assert list(log.columns) == list(INCIDENT_HEADERS)
    assert len(log) == 1500 and log["Ref"].str.fullmatch(r"INC-20\d{2}-\d{4}").all() and log["Ref"].is_unique
    ward_of = dict(zip(register["Councillor name"], register["Ward"].map(_key), strict=True))
    named = log[log["Councillor"] != ""]
    names = named["Councillor"].str.strip().str.removeprefix("Cllr ")
    assert names.isin(ward_of).all()
    assert (names.map(ward_of) == named["Ward"].map(_key)).all()
    assert (named["Councillor"] != names).any(), "some names carry a 'Cllr ' prefix"
    assert (named["Ward"].map(_key) != "").all() and (~named["Ward"].isin(set(register["Ward"]))).any()


def test_exactly_five_rows_for_quarantine(log):
    occurred = _occurred(log)
    bad = {
        "no date": log["Date of incident"] == "",
        "impossible date": log["Date of incident"] == "31/02/2026",
        "no councillor": log["Councillor"] == "",
        "unknown channel": log["How (channel)"] == "Postcard via neighbour",
        "no abuse type": log["Type of abuse"] == "",
    }
    assert {fault: int(rows.sum()) for fault, rows in bad.items()} == dict.fromkeys(bad, 1)
    assert sum(rows for rows in bad.values()).max() == 1, "one fault per row"
    assert occurred.isna().sum() == 2
    assert occurred.min() >= pd.Timestamp("2023-11-01") and occurred.max() <= pd.Timestamp("2026-10-31")


def test_channel_mix_is_realistic(log):
    channel = log["How (channel)"].str.lower()
    assert 0.38 < channel.isin(SOCIAL).mean() < 0.52
    assert 0.15 < channel.isin({"email", "e-mail"}).mean() < 0.25
    social = channel.isin(SOCIAL) & (channel != "social media")
    assert (log.loc[social, "Platform"] != "").all() and (log.loc[~channel.isin(SOCIAL), "Platform"] == "").all()


def test_castle_hill_social_media_spike(log):
    month = _occurred(log).dt.to_period("M")
    castle_social = (log["Ward"].map(_key) == _key(SPIKE_WARD)) & log["How (channel)"].str.lower().isin(SOCIAL)
    per_month = (
        month[castle_social].value_counts().reindex(pd.period_range("2023-11", "2026-10", freq="M"), fill_value=0)
    )
    assert per_month["2026-09":"2026-10"].mean() >= 4 * per_month.mean()


def test_volume_rises_with_an_august_dip(log):
    occurred = _occurred(log)
    first_year = occurred < pd.Timestamp("2024-11-01")
    last_year = occurred >= pd.Timestamp("2025-11-01")
    assert last_year.sum() > 1.15 * first_year.sum()
    per_month = occurred.dt.month.value_counts()
    assert per_month[8] < 0.8 * per_month.drop([8, 9, 10]).mean()


def test_four_repeat_perpetrators_written_inconsistently(log, register):
    who = log["Perpetrator"].map(_perpetrator)
    counts = who[~who.isin(["", "unknown"])].value_counts()
    repeats = counts[counts >= 6]
    assert len(repeats) >= 4
    for handle in ("fernwicktruth", "ratepayer66@example.net", "nightowlfernwick", "savecastlemeadows"):
        assert 6 <= counts[handle] <= 25
        assert log.loc[who == handle, "Perpetrator"].nunique() > 1, f"{handle} is always written the same way"
    targets = log.loc[who == "fernwicktruth", "Councillor"].str.removeprefix("Cllr ").str.strip()
    assert targets.nunique() >= 3
    focused = log[who == "nightowlfernwick"]
    assert focused["Councillor"].str.removeprefix("Cllr ").str.strip().nunique() == 1
    assert focused["How (channel)"].isin(["At home", "Doorstep"]).any()


def test_one_repeat_perpetrator_escalates(log):
    rows = log[log["Perpetrator"].map(_perpetrator) == "ratepayer66@example.net"]
    level = rows["Threat level"].str.lower().map(LEVELS).dropna()
    assert level.iloc[: len(level) // 3].mean() < level.iloc[-(len(level) // 3) :].mean()
    assert rows["Type of abuse"].str.lower().str.contains("death threat").any()


def test_characteristics_track_who_is_targeted(log, register):
    gender = dict(zip(register["Councillor name"], register["Gender"], strict=True))
    named = log[log["Councillor"] != ""]
    is_woman = named["Councillor"].str.strip().str.removeprefix("Cllr ").map(gender) == "Woman"
    sexism = named["Protected characteristic(s)"].str.lower().str.contains("misogynistic|sexist")
    assert sexism[is_woman].mean() > 3 * sexism[~is_woman].mean()
    assert (log["Protected characteristic(s)"] == "").mean() > 0.6


def test_xlsx_looks_like_a_council_spreadsheet(xlsx_dir):
    workbook = openpyxl.load_workbook(xlsx_dir / "incident_log.xlsx")
    assert workbook.sheetnames == ["Incident log"]
    sheet = workbook["Incident log"]
    assert sheet["A1"].value == TITLE and "FICTIONAL" in TITLE
    assert [cell.value for cell in sheet[3]] == list(INCIDENT_HEADERS)
    rows = [row for row in sheet.iter_rows(min_row=4, values_only=True) if any(v is not None for v in row)]
    assert len(rows) == 1500
    dates = [row[1] for row in rows]
    assert any(isinstance(value, datetime) for value in dates)
    text = [value for value in dates if isinstance(value, str)]
    assert any(re.fullmatch(r"\d{2}/\d{2}/\d{4}", value) for value in text)
    assert any(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}", value) for value in text)
    assert any(re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", value) for value in text)
    date_cells = [cell for (cell,) in sheet.iter_rows(min_row=4, min_col=2, max_col=2) if cell.is_date]
    assert {cell.number_format.lower() for cell in date_cells} == {"dd/mm/yyyy"}


def test_rejects_unknown_format_and_tiny_logs(tmp_path):
    with pytest.raises(ValueError):
        write_sample(tmp_path, incident_format="xls")
    with pytest.raises(ValueError):
        write_sample(tmp_path, incidents=50)


def test_the_committed_sample_files_are_what_the_generator_writes(xlsx_dir):
    committed = Path(__file__).resolve().parents[3] / "sample_data"
    for name in ("wards.csv", "councillor_register.csv", "incident_log.xlsx"):
        assert (committed / name).read_bytes() == (xlsx_dir / name).read_bytes(), f"regenerate sample_data/{name}"


MOVE = 16  # October 2026 to February 2028


@pytest.fixture(scope="module")
def moved_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("moved")
    write_sample(out, incident_format="csv", months_later=MOVE)
    return out


def _moved_by(design: pd.Series, moved: pd.Series, months: int) -> bool:
    """Each written date is the design's moved by `months` (blanks stay blank)."""
    before = pd.to_datetime(design, format="%d/%m/%Y", errors="coerce")
    after = pd.to_datetime(moved, format="%d/%m/%Y", errors="coerce")
    return bool(((before + pd.DateOffset(months=months)).eq(after) | (before.isna() & after.isna())).all())


def test_a_moved_sample_tells_the_same_story_months_later(log, register, moved_dir):
    moved = pd.read_csv(moved_dir / "incident_log.csv", dtype=str, keep_default_na=False)
    moved_register = pd.read_csv(
        moved_dir / "councillor_register.csv", encoding="cp1252", dtype=str, keep_default_na=False
    )
    for column in ("Date of incident", "Date reported"):
        assert _moved_by(log[column], moved[column], MOVE), column
    for column in ("Risk assessed", "Own risk assessment", "Safety training"):
        assert _moved_by(register[column], moved_register[column], MOVE), column
    dated = ["Ref", "Date of incident", "Date reported", "Crime ref"]
    assert moved.drop(columns=dated).equals(log.drop(columns=dated))
    assert moved_register.drop(columns=["Risk assessed", "Own risk assessment", "Safety training"]).equals(
        register.drop(columns=["Risk assessed", "Own risk assessment", "Safety training"])
    )
    design_months = _occurred(log).dt.to_period("M").value_counts().sort_index()
    moved_months = _occurred(moved).dt.to_period("M").value_counts().sort_index()
    assert list(moved_months.index) == list(design_months.index + MOVE)
    assert list(moved_months) == list(design_months)
    assert moved_months.index.max() == pd.Period("2028-02", freq="M")


def test_a_moved_sample_keeps_its_references_and_faults_in_step_with_its_dates(moved_dir):
    moved = pd.read_csv(moved_dir / "incident_log.csv", dtype=str, keep_default_na=False)
    assert moved["Ref"].is_unique and moved["Ref"].str.fullmatch(r"INC-20(2[4-8])-\d{4}").all()
    occurred = _occurred(moved)
    dated = occurred.notna()
    year = occurred[dated].dt.year.astype(int).astype(str)
    assert (moved.loc[dated, "Ref"].str[4:8] == year).all()
    crime = dated & (moved["Crime ref"] != "")
    assert (moved.loc[crime, "Crime ref"].str[3:7] == year[crime]).all()
    assert (moved["Date of incident"] == "31/02/2027").sum() == 1  # February 2026 is June 2027 now


def test_the_same_move_writes_the_same_bytes(tmp_path, moved_dir):
    again = write_sample(tmp_path, incident_format="csv", months_later=MOVE)
    assert [path.read_bytes() for path in again] == [(moved_dir / path.name).read_bytes() for path in again]
