"""A small council for the tests of reports and the queue: two councillors, and two incidents already in the log by
a person who would be a repeat perpetrator with one more."""

from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards


def council(con) -> None:
    load_wards(con, {"Abbey": 1, "Brook": 1})
    load_councillors(
        con,
        [councillor("Ann Abbot", "Abbey", councillor_id="c1"), councillor("Ben Brook", "Brook", councillor_id="c2")],
    )
    load_incidents(
        con,
        [
            incident(f"2026-10-0{day}", "Ann Abbot", "Abbey", "email", "verbal abuse", perpetrator_ref="angryman")
            for day in (1, 2)
        ],
    )
