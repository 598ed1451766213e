"""Reporting periods: parsing, spans, labels, kinds and the months a period spans."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.facts.periods import MAX_YEAR, MIN_YEAR, Period, PeriodError, months_of

YEARS = st.integers(min_value=MIN_YEAR, max_value=MAX_YEAR)
MONTHS = st.integers(min_value=1, max_value=12)
NON_MONTH_PARTS = ["Y", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "9M"]
ALL_PARTS = NON_MONTH_PARTS + [f"M{m:02d}" for m in range(1, 13)]
PERIODS = st.builds(Period, YEARS, st.sampled_from(ALL_PARTS))


def month(year: int, number: int) -> Period:
    return Period.parse(f"{year}-M{number:02d}")


@pytest.mark.parametrize(
    ("text", "start", "end", "last_month"),
    [
        ("2019-M01", date(2019, 1, 1), date(2019, 1, 31), 1),
        ("2019-M02", date(2019, 2, 1), date(2019, 2, 28), 2),
        ("2020-M02", date(2020, 2, 1), date(2020, 2, 29), 2),
        ("1900-M02", date(1900, 2, 1), date(1900, 2, 28), 2),  # not a leap year
        ("2000-M02", date(2000, 2, 1), date(2000, 2, 29), 2),  # a leap year
        ("2019-M04", date(2019, 4, 1), date(2019, 4, 30), 4),
        ("2019-M09", date(2019, 9, 1), date(2019, 9, 30), 9),
        ("2019-M10", date(2019, 10, 1), date(2019, 10, 31), 10),
        ("2100-M12", date(2100, 12, 1), date(2100, 12, 31), 12),
    ],
)
def test_a_month_spans_its_first_to_its_last_day(
    text: str, start: date, end: date, last_month: int
) -> None:
    period = Period.parse(text)
    assert (period.start, period.end, period.last_month) == (start, end, last_month)
    assert (period.year, period.part, str(period)) == (start.year, text[5:], text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("2019", "year"),
        ("2019-H1", "half"),
        ("2019-H2", "half"),
        ("2019-Q1", "quarter"),
        ("2019-Q4", "quarter"),
        ("2019-9M", "nine_months"),
        ("2019-M01", "month"),
        ("2019-M12", "month"),
    ],
)
def test_kind(text: str, kind: str) -> None:
    assert Period.parse(text).kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "2019-M1",
        "2019-M9",
        "2019-M00",
        "2019-M13",
        "2019-M20",
        "2019-M001",
        "2019-m03",
        "2019-M",
        "2019M03",
        "2019-M٠٣",  # Arabic-Indic digits
        "2019-M０３",  # fullwidth digits
        "２０１９-M03",
        "1899-M12",
        "2101-M01",
    ],
)
def test_malformed_months_are_refused(text: str) -> None:
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_the_refusal_names_the_month_form() -> None:
    with pytest.raises(PeriodError) as refused:
        Period.parse("2019-M13")
    assert "M01" in str(refused.value)
    assert "9M" in str(refused.value)


def test_a_month_cannot_be_built_with_a_part_the_parser_would_refuse() -> None:
    with pytest.raises(PeriodError):
        Period(2019, "M3")
    with pytest.raises(PeriodError):
        Period(2019, "M13")


def test_months_of_gives_the_months_in_order() -> None:
    assert [str(p) for p in months_of(Period.parse("2019-Q2"))] == [
        "2019-M04",
        "2019-M05",
        "2019-M06",
    ]
    assert [p.part for p in months_of(Period.parse("2019-H2"))] == [
        "M07",
        "M08",
        "M09",
        "M10",
        "M11",
        "M12",
    ]
    assert len(months_of(Period.parse("2019-9M"))) == 9
    assert months_of(Period.parse("2019-M07")) == [Period.parse("2019-M07")]
    assert months_of("2019-Q1") == months_of(Period.parse("2019-Q1"))


def test_contains_and_overlaps_for_months() -> None:
    march = Period.parse("2019-M03")
    assert march.contains(date(2019, 3, 1))
    assert march.contains(date(2019, 3, 31))
    assert not march.contains(date(2019, 2, 28))
    assert not march.contains(date(2019, 4, 1))
    assert march.overlaps(Period.parse("2019-Q1"))
    assert march.overlaps(Period.parse("2019"))
    assert march.overlaps(Period.parse("2019-9M"))
    assert Period.parse("2019-Q1").overlaps(march)
    assert not march.overlaps(Period.parse("2019-Q2"))
    assert not march.overlaps(Period.parse("2019-M04"))
    assert not march.overlaps(Period.parse("2018-M03"))


def test_periods_sort_without_error_and_equal_periods_compare_equal() -> None:
    mixed = [Period.parse(t) for t in ("2019-M03", "2019-Q1", "2019", "2018-M12", "2019-9M")]
    ordered = sorted(mixed)
    assert sorted(reversed(mixed)) == ordered
    assert ordered[0] == Period.parse("2018-M12")
    assert Period.parse("2019-M03") == Period(2019, "M03")
    assert hash(Period.parse("2019-M03")) == hash(Period(2019, "M03"))
    assert len({Period.parse("2019-M03"), Period(2019, "M03")}) == 1
    # within a year, months sort among themselves in calendar order
    assert sorted(months_of("2019")[::-1]) == months_of("2019")


@given(YEARS, MONTHS)
def test_every_month_round_trips_and_spans_itself(year: int, number: int) -> None:
    period = month(year, number)
    assert Period.parse(str(period)) == period
    assert period.start <= period.end
    assert period.start == date(year, number, 1)
    assert period.end.day == calendar.monthrange(year, number)[1]
    assert (period.end + timedelta(days=1)).month != number
    assert period.last_month == number
    assert period.kind == "month"
    assert months_of(period) == [period]


@given(PERIODS)
def test_every_period_round_trips_and_is_covered_by_its_months(period: Period) -> None:
    assert Period.parse(str(period)) == period
    assert period.start <= period.end
    months = months_of(period)
    assert months[0].start == period.start
    assert months[-1].end == period.end
    assert months[-1].last_month == period.last_month
    for before, after in pairwise(months):
        assert before.end + timedelta(days=1) == after.start  # no gap, no overlap
    assert all(m.kind == "month" and m.year == period.year for m in months)
    assert all(period.overlaps(m) and m.overlaps(period) for m in months)


@given(YEARS)
def test_the_months_of_a_year_cover_it_exactly(year: int) -> None:
    months = months_of(Period(year))
    assert [m.start.month for m in months] == list(range(1, 13))
    assert sum((m.end - m.start).days + 1 for m in months) == (
        366 if calendar.isleap(year) else 365
    )
    assert months[0].start == date(year, 1, 1)
    assert months[-1].end == date(year, 12, 31)


@given(PERIODS, PERIODS)
def test_order_is_total_and_consistent_with_equality(a: Period, b: Period) -> None:
    assert (a < b) + (a == b) + (a > b) == 1
    assert (a == b) == (str(a) == str(b))


@given(PERIODS, st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31)))
def test_a_period_contains_a_day_just_when_one_of_its_months_does(
    period: Period, day: date
) -> None:
    assert period.contains(day) == any(m.contains(day) for m in months_of(period))
