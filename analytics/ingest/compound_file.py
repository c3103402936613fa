"""The sector chains of a legacy workbook (.xls, an encrypted .xlsx: OLE2 compound files) checked before calamine.

calamine follows a compound file's chains without asking whether they loop: one damaged table entry pointing back
along its own chain makes it allocate until the process dies, taking the dashboard's server with it. Here every
chain of the file's allocation tables is followed once, in the file's own bytes, and a file whose chains loop or
point outside the file is refused as damaged before calamine sees it.
"""

import numpy as np

from analytics.errors import ImportRefused

MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_HEADER_BYTES = 512
_HEADER_DIFAT = 109  # allocation-table sectors listed in the header itself
_LAST_SECTOR = 0xFFFFFFFA  # above this, an entry is a marker (end of chain, free, table sectors), not a sector


def check(data: bytes, damaged: str) -> None:
    """Refuse, with the sentence `damaged`, a compound file whose tables could send a reader round for ever."""
    if not data.startswith(MAGIC):
        return
    if len(data) < _HEADER_BYTES:
        raise ImportRefused(damaged)
    sector_size = _sector_size(data, damaged)
    sectors = (len(data) - _HEADER_BYTES) // sector_size

    def sector(number: int) -> np.ndarray:
        if number >= sectors:
            raise ImportRefused(damaged)
        start = _HEADER_BYTES + number * sector_size
        return np.frombuffer(data, dtype="<u4", count=sector_size // 4, offset=start)

    table = np.concatenate([sector(int(n)) for n in _table_sectors(data, sector_size, sector, damaged)] or [[]])
    _refuse_looping_chains(table.astype(np.int64), damaged)
    directory_start = int(np.frombuffer(data, dtype="<u4", count=1, offset=0x30)[0])
    if any(number >= sectors for number in _chain(table, directory_start, damaged)):
        raise ImportRefused(damaged)  # a directory cut short: calamine reads whole entries, and panics on part of one
    mini_start = int(np.frombuffer(data, dtype="<u4", count=1, offset=0x3C)[0])
    mini_sectors = _chain(table, mini_start, damaged)
    if mini_sectors:
        mini_table = np.concatenate([sector(n) for n in mini_sectors])
        _refuse_looping_chains(mini_table.astype(np.int64), damaged)


def _sector_size(data: bytes, damaged: str) -> int:
    shift = int(np.frombuffer(data, dtype="<u2", count=1, offset=0x1E)[0])
    if shift not in (9, 12):  # 512 or 4,096 bytes: the only sizes the format allows
        raise ImportRefused(damaged)
    return 1 << shift


def _table_sectors(data: bytes, sector_size: int, sector, damaged: str) -> list[int]:
    """The allocation table's own sectors: the header's list, then the extra list's sectors, each seen once."""
    listed = np.frombuffer(data, dtype="<u4", count=_HEADER_DIFAT, offset=0x4C)
    numbers = [int(n) for n in listed if n < _LAST_SECTOR]
    following = int(np.frombuffer(data, dtype="<u4", count=1, offset=0x44)[0])
    seen: set[int] = set()
    while following < _LAST_SECTOR:
        if following in seen:
            raise ImportRefused(damaged)
        seen.add(following)
        entries = sector(following)
        numbers.extend(int(n) for n in entries[:-1] if n < _LAST_SECTOR)
        following = int(entries[-1])
        if len(numbers) > len(data) // sector_size:  # more table than file: each listed sector would be copied
            raise ImportRefused(damaged)
    return numbers


def _chain(table: np.ndarray, start: int, damaged: str) -> list[int]:
    """The sectors of one chain, which `_refuse_looping_chains` has already found to end."""
    numbers = []
    while start < _LAST_SECTOR:
        if start >= len(table):
            raise ImportRefused(damaged)
        numbers.append(start)
        start = int(table[start])
    return numbers


def _refuse_looping_chains(table: np.ndarray, damaged: str) -> None:
    """Every entry's chain must end. Each entry's successor is replaced by its successor's successor until the
    steps taken outnumber the entries: then an entry still pointing somewhere is on a loop (one pass per doubling,
    about twenty at the largest upload)."""
    pointing = table < _LAST_SECTOR
    if (table[pointing] >= len(table)).any():
        raise ImportRefused(damaged)
    ended = len(table)  # one entry past the table, where every chain that ends arrives and stays
    successor = np.append(np.where(pointing, table, ended), ended)
    for _ in range(int(ended).bit_length() + 1):
        successor = successor[successor]
    if (successor != ended).any():
        raise ImportRefused(damaged)
