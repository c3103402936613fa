"""The one filter every question about incidents takes: what the sidebar narrows the log to."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta


@dataclass(frozen=True)
class IncidentFilter:
    """Empty tuples and None mean 'all'. Councillor groups are written 'dimension:group', e.g. 'party:independents';
    groups of one dimension are alternatives, different dimensions must all hold."""

    start: date | None = None
    end: date | None = None
    wards: tuple[str, ...] = field(default=())
    channels: tuple[str, ...] = field(default=())
    abuse_types: tuple[str, ...] = field(default=())
    characteristics: tuple[str, ...] = field(default=())
    councillor_groups: tuple[str, ...] = field(default=())
    councillors: tuple[str, ...] = field(default=())  # councillor keys: a councillor signed in sees only their own

    def where(self) -> tuple[str, list]:
        """A SQL condition over the incident_facts view, and its parameters."""
        clauses: list[str] = []
        parameters: list = []

        def add(clause: str, *values) -> None:
            clauses.append(clause)
            parameters.extend(values)

        if self.start:
            add("occurred_on >= ?", self.start)
        if self.end:
            add("occurred_on <= ?", self.end)
        if self.wards:
            add("list_contains(?, ward)", list(self.wards))
        if self.channels:
            add("list_contains(?, channel)", list(self.channels))
        if self.abuse_types:
            add("list_has_any(abuse_types, ?)", list(self.abuse_types))
        if self.characteristics:
            add("list_has_any(protected_characteristics, ?)", list(self.characteristics))
        if self.councillors:
            add("list_contains(?, councillor_key)", list(self.councillors))
        for dimension, groups in self.groups_by_dimension().items():
            add(
                "councillor_key IN (SELECT councillor_key FROM councillor_groups "
                "WHERE dimension = ? AND list_contains(?, group_name))",
                dimension,
                groups,
            )
        return " AND ".join(clauses) or "TRUE", parameters

    def groups_by_dimension(self) -> dict[str, list[str]]:
        chosen: dict[str, list[str]] = {}
        for item in self.councillor_groups:
            dimension, _, group = item.partition(":")
            chosen.setdefault(dimension, []).append(group)
        return chosen

    def previous_period(self) -> IncidentFilter | None:
        """The same filter over the equally long period just before this one; None without a full date range."""
        if not (self.start and self.end):
            return None
        length = self.end - self.start
        return replace(self, start=self.start - length - timedelta(days=1), end=self.start - timedelta(days=1))

    def within(self, first: date | None, last: date | None) -> IncidentFilter:
        """The same filter for a log running from `first` to `last`: a start or end that takes in the whole log is
        left out, so the same incidents are asked for without a date (and what was worked out for the whole log,
        such as analytics.incidents.perpetrators' list, can be read instead)."""
        start = self.start if self.start and first and self.start > first else None
        end = self.end if self.end and last and self.end < last else None
        return replace(self, start=start, end=end)

    def over_all_dates(self) -> IncidentFilter:
        """The same filter over every date in the log."""
        return replace(self, start=None, end=None)

    @property
    def days(self) -> int | None:
        return (self.end - self.start).days + 1 if self.start and self.end else None
