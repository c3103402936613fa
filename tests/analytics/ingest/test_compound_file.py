"""A legacy workbook's sector chains are checked before calamine reads them: a loop would exhaust memory."""

import struct

import pytest

from analytics.errors import ImportRefused
from analytics.ingest import compound_file

DAMAGED = "This workbook is damaged."
LEGACY_WORKBOOKS = ["excel-more/issue_385.xls", "excel-more/sheet_name_parsing.xls", "excel-edge-cases/any_sheets.xls"]


def _layout(data: bytes) -> tuple[int, int]:
    """(sector size, offset of the first allocation-table sector)."""
    sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    first_table_sector = struct.unpack_from("<I", data, 0x4C)[0]
    return sector_size, 512 + first_table_sector * sector_size


def _entry_offset(data: bytes, sector: int) -> int:
    sector_size, table = _layout(data)
    assert sector < sector_size // 4, "the test damages entries held in the first table sector"
    return table + 4 * sector


def _pointing(data: bytes, sector: int, to: int) -> bytes:
    damaged = bytearray(data)
    struct.pack_into("<I", damaged, _entry_offset(data, sector), to)
    return bytes(damaged)


def _directory_start(data: bytes) -> int:
    return struct.unpack_from("<I", data, 0x30)[0]


@pytest.mark.parametrize("name", LEGACY_WORKBOOKS)
def test_real_legacy_workbooks_pass(realworld, name):
    compound_file.check((realworld / name).read_bytes(), DAMAGED)


@pytest.mark.parametrize("name", LEGACY_WORKBOOKS)
def test_a_directory_chain_pointing_back_at_itself_is_refused(realworld, name):
    data = (realworld / name).read_bytes()
    with pytest.raises(ImportRefused, match=DAMAGED):
        compound_file.check(_pointing(data, _directory_start(data), _directory_start(data)), DAMAGED)


def test_a_loop_through_several_sectors_is_refused(realworld):
    data = (realworld / "excel-more/issue_385.xls").read_bytes()
    # sectors 0 -> 1 -> 2 -> 0: the workbook stream's opening sectors, made into a ring
    looping = _pointing(_pointing(_pointing(data, 0, 1), 1, 2), 2, 0)
    with pytest.raises(ImportRefused, match=DAMAGED):
        compound_file.check(looping, DAMAGED)


def test_a_chain_pointing_past_the_table_is_refused(realworld):
    data = (realworld / "excel-more/issue_385.xls").read_bytes()
    with pytest.raises(ImportRefused, match=DAMAGED):
        compound_file.check(_pointing(data, 0, 0x00FFFFFF), DAMAGED)


def test_a_table_listed_outside_the_file_is_refused(realworld):
    data = bytearray((realworld / "excel-more/issue_385.xls").read_bytes())
    struct.pack_into("<I", data, 0x4C, 0x00FFFFFF)
    with pytest.raises(ImportRefused, match=DAMAGED):
        compound_file.check(bytes(data), DAMAGED)


def test_an_extra_table_list_that_loops_is_refused(realworld):
    data = bytearray((realworld / "excel-more/issue_385.xls").read_bytes())
    sector_size, _ = _layout(data)
    last = (len(data) - 512) // sector_size - 1
    struct.pack_into("<I", data, 0x44, last)  # the extra list starts in the file's last sector ...
    struct.pack_into("<I", data, 512 + last * sector_size + sector_size - 4, last)  # ... which names itself next
    with pytest.raises(ImportRefused, match=DAMAGED):
        compound_file.check(bytes(data), DAMAGED)


def test_a_cut_header_is_refused_and_other_files_are_not_looked_at():
    with pytest.raises(ImportRefused, match=DAMAGED):
        compound_file.check(compound_file.MAGIC + b"\0" * 40, DAMAGED)
    compound_file.check(b"PK\x03\x04 a zip, not a compound file", DAMAGED)


def test_a_file_cut_inside_its_directory_is_refused(realworld):
    """Found by fuzzing: calamine reads the directory in whole entries and panics on a sector cut short."""
    data = (realworld / "excel-more/issue_385.xls").read_bytes()
    sector_size, _ = _layout(data)
    cut = 512 + _directory_start(data) * sector_size + 2
    with pytest.raises(ImportRefused, match=DAMAGED):
        compound_file.check(data[:cut], DAMAGED)
