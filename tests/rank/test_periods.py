"""Periods named in a question: ranges, quarters, halves, "the week of",
"since", read as (first day, last day) with the words they were read from."""
from __future__ import annotations

import datetime as dt

import pytest

from rag.rank.periods import find_period, period_of

D = dt.date
REF = D(2025, 1, 3)     # the newest briefing of an index


@pytest.mark.parametrize("q, start, end, said", [
    ("What did they say between March 2021 and May 2021 about vaccines?",
     D(2021, 3, 1), D(2021, 5, 31), "between March 2021 and May 2021"),
    ("What did they say from May to July 2020 about masks?",
     D(2020, 5, 1), D(2020, 7, 31), "from May to July 2020"),
    ("Huawei from 2021-03-01 to 2021-05-31", D(2021, 3, 1), D(2021, 5, 31),
     "from 2021-03-01 to 2021-05-31"),
    ("tariffs, March 2019 - June 2019", D(2019, 3, 1), D(2019, 6, 30), "March 2019 - June 2019"),
    ("Hong Kong between 2019 and 2020", D(2019, 1, 1), D(2020, 12, 31), "between 2019 and 2020"),
    # the year-less first end before the later month is in the same year;
    # after it, in the year before
    ("from November to February 2021", D(2020, 11, 1), D(2021, 2, 28), "from November to February 2021"),
    ("from 3 May to 5 June 2020", D(2020, 5, 3), D(2020, 6, 5), "from 3 May to 5 June 2020"),
    ("between March 2021 and May", D(2021, 3, 1), D(2021, 5, 31), "between March 2021 and May"),
    # days of one month
    ("between 1 and 5 May 2020", D(2020, 5, 1), D(2020, 5, 5), "between 1 and 5 May 2020"),
    ("on 1-5 May 2020?", D(2020, 5, 1), D(2020, 5, 5), "1-5 May 2020"),
    ("May 1st to 5th, 2020", D(2020, 5, 1), D(2020, 5, 5), "May 1st to 5th, 2020"),
    ("What did Psaki say in Q1 2023?", D(2023, 1, 1), D(2023, 3, 31), "in Q1 2023"),
    ("inflation 2022 Q4", D(2022, 10, 1), D(2022, 12, 31), "2022 Q4"),
    ("in the third quarter of 2021", D(2021, 7, 1), D(2021, 9, 30), "in the third quarter of 2021"),
    ("in H2 2022", D(2022, 7, 1), D(2022, 12, 31), "in H2 2022"),
    ("during the first half of 2020", D(2020, 1, 1), D(2020, 6, 30), "during the first half of 2020"),
    # 20 April 2020 was a Monday; 22 April 2020 a Wednesday of the same week
    ("in the week of 20 April 2020", D(2020, 4, 20), D(2020, 4, 26), "in the week of 20 April 2020"),
    ("the week of April 22, 2020", D(2020, 4, 20), D(2020, 4, 26), "the week of April 22, 2020"),
    ("the week of 2020-04-22", D(2020, 4, 20), D(2020, 4, 26), "the week of 2020-04-22"),
    ("week of 20 April 2020", D(2020, 4, 20), D(2020, 4, 26), "week of 20 April 2020"),
    ("the week beginning 22 April 2020", D(2020, 4, 22), D(2020, 4, 28),
     "the week beginning 22 April 2020"),
    ("in the first week of March 2023", D(2023, 3, 1), D(2023, 3, 7), "in the first week of March 2023"),
    ("the last week of 2022", D(2022, 12, 25), D(2022, 12, 31), "the last week of 2022"),
    ("at the beginning of 2023", D(2023, 1, 1), D(2023, 5, 31), "at the beginning of 2023"),
    ("August and September 2021", D(2021, 8, 1), D(2021, 9, 30), "August and September 2021"),
    ("since June 2020", D(2020, 6, 1), REF, "since June 2020"),
    # one end open
    ("inflation before March 2022?", None, D(2022, 2, 28), "before March 2022"),
    ("prior to June 2021", None, D(2021, 5, 31), "prior to June 2021"),
    ("Afghanistan through September 2021", None, D(2021, 9, 30), "through September 2021"),
    ("until March 2022", None, D(2022, 3, 31), "until March 2022"),
    ("after June 2024", D(2024, 7, 1), REF, "after June 2024"),
    # AP style, day first, years abbreviated
    ("on Jan. 6, 2022", D(2022, 1, 6), D(2022, 1, 6), "on Jan. 6, 2022"),
    ("in Sept. 2021", D(2021, 9, 1), D(2021, 9, 30), "in Sept. 2021"),
    ("from Nov. 2021 to Feb. 2022", D(2021, 11, 1), D(2022, 2, 28), "from Nov. 2021 to Feb. 2022"),
    ("on 23/04/2022", D(2022, 4, 23), D(2022, 4, 23), "on 23/04/2022"),
    ("the 2021-22 budget", D(2021, 1, 1), D(2022, 12, 31), "2021-22"),
    # a season with a month of slack either side, to the month's last day
    ("autumn 2021", D(2021, 8, 1), D(2021, 12, 31), "autumn 2021"),
    ("winter of 2022", D(2022, 11, 1), D(2023, 3, 31), "winter of 2022"),
    ("from June 2024 to now", D(2024, 6, 1), REF, "from June 2024 to now"),
    # a week either side of the day the holiday fell on that year
    ("Were any travellers hurt when the airliner went down around Christmas 2019?",
     D(2019, 12, 18), D(2020, 1, 1), "around Christmas 2019"),
    ("What did they say over Thanksgiving 2021 about travel?",           # 25 November 2021
     D(2021, 11, 18), D(2021, 12, 2), "over Thanksgiving 2021"),
    ("evacuations over the 2020 Spring Festival holiday",                # 25 January 2020
     D(2020, 1, 18), D(2020, 2, 1), "over the 2020 Spring Festival holiday"),
    ("during the Lunar New Year of 2019", D(2019, 1, 29), D(2019, 2, 12),   # 5 February 2019
     "during the Lunar New Year of 2019"),
    ("on New Year’s Eve 2019", D(2019, 12, 24), D(2020, 1, 7), "on New Year’s Eve 2019"),
    ("Memorial Day weekend 2022", D(2022, 5, 23), D(2022, 6, 6), "Memorial Day weekend 2022"),
    ("Easter 2021", D(2021, 3, 28), D(2021, 4, 11), "Easter 2021"),                  # 4 April
    # as the end of a range or after "before", the holiday is its day
    ("between Christmas 2019 and New Year 2020", D(2019, 12, 25), D(2020, 1, 1),
     "between Christmas 2019 and New Year 2020"),
    ("before Christmas 2019", None, D(2019, 12, 24), "before Christmas 2019"),
    ("since Easter 2021", D(2021, 4, 4), REF, "since Easter 2021"),
    # a reporter's "year's end" is its last weeks
    ("at year's end 2019", D(2019, 12, 1), D(2019, 12, 31), "at year's end 2019"),
    ("the year-end 2018 climate talks", D(2018, 12, 1), D(2018, 12, 31), "the year-end 2018"),
    # a month named elsewhere dates the replies; the holiday only the event
    ("In May 2020, what did they say about the Easter 2019 bombings?",
     D(2020, 5, 1), D(2020, 5, 31), "In May 2020"),
    # no holiday: a lower-case "new year", places, a year before a range's noun
    ("the outlook for the new year 2021", D(2021, 1, 1), D(2021, 12, 31), "2021"),
    ("In 2019 Christmas Island detention centre reopened", D(2019, 1, 1), D(2019, 12, 31),
     "In 2019"),
    ("between 2019 and 2020 Christmas markets", D(2019, 1, 1), D(2020, 12, 31),
     "between 2019 and 2020"),
    ("arrived late, 2019 was hard", D(2019, 1, 1), D(2019, 12, 31), "2019"),
    # typed otherwise: spaces, a space for the hyphen, the long names
    ("the Lunar  New Year 2020", D(2020, 1, 18), D(2020, 2, 1), "the Lunar  New Year 2020"),
    ("Mid Autumn Festival 2020", D(2020, 9, 24), D(2020, 10, 8), "Mid Autumn Festival 2020"),
    ("Easter Sunday 2019", D(2019, 4, 14), D(2019, 4, 28), "Easter Sunday 2019"),
    ("Thanksgiving Day 2021", D(2021, 11, 18), D(2021, 12, 2), "Thanksgiving Day 2021"),
])
def test_ranges_and_named_spans(q, start, end, said):
    found = find_period(q, REF)
    assert (found.start, found.end, found.said) == (start, end, said)
    assert q[found.span[0]:found.span[1]].strip() == said


@pytest.mark.parametrize("q, start, end", [
    ("in May 2020 and June 2021", D(2020, 5, 1), D(2020, 5, 31)),   # two months, not those between
    ("on 1 and 5 May 2020", D(2020, 5, 5), D(2020, 5, 5)),            # two days, not those between
    ("May and July 2021", D(2021, 7, 1), D(2021, 7, 31)),               # not June as well
    ("from May 2021 to March 2020", D(2021, 5, 1), D(2021, 5, 31)),  # backwards: no range
    ("on 24 December 2021", D(2021, 12, 24), D(2021, 12, 24)),       # a day stays a day
    ("2011-12", D(2011, 12, 1), D(2011, 12, 31)),                     # 12 may be a month: it is
    ("on 5/4/2022", D(2022, 5, 4), D(2022, 5, 4)),                    # both may be: US order
])
def test_what_is_no_range(q, start, end):
    found = find_period(q, REF)
    assert (found.start, found.end) == (start, end)


@pytest.mark.parametrize("q, start, end", [
    # a name whose day differs by country is not read as a holiday: the year is
    ("Independence Day 2021", D(2021, 1, 1), D(2021, 12, 31)),
    ("National Day 2019", D(2019, 1, 1), D(2019, 12, 31)),
])
def test_a_holiday_of_many_countries_is_only_its_year(q, start, end):
    found = find_period(q, REF)
    assert (found.start, found.end) == (start, end)


@pytest.mark.parametrize("year", range(2018, 2026))
def test_every_holiday_has_its_day(year):
    # the `holidays` package's names, checked for every year presscon indexes
    # (a renamed entry in a new release must fail here, not read as the year)
    from rag.rank.holiday_dates import HOLIDAY_NAMES, holiday_day
    for name in HOLIDAY_NAMES:
        day = holiday_day(name, year)
        assert day is not None and day.year == year, (name, year)


@pytest.mark.parametrize("q", [
    "China may to the end insist on its position",   # "may" the verb
    "from May to July",                              # no year at either end
    "since the summit",
    # said of the reporter's own day, not of the newest briefing
    "What does Beijing hope for now that Moscow chairs the BRICS group this year?",
    "How many cases were reported in the past two weeks?",
    "What did they say about quarter-final tickets?",
    "What did the spokesperson say at Christmas?",   # which Christmas is a guess
])
def test_no_period(q):
    assert find_period(q, REF) is None


@pytest.mark.parametrize("text, period", [
    ("Q1 2023", (D(2023, 1, 1), D(2023, 3, 31))),
    ("March to May 2021", (D(2021, 3, 1), D(2021, 5, 31))),
    ("the week of 20 April 2020", (D(2020, 4, 20), D(2020, 4, 26))),
    ("May 2020 masks", None),                       # other words left over
])
def test_period_of_a_filter_value(text, period):
    assert period_of(text) == period


def test_a_day_the_calendar_lacks_is_found_with_the_reason():
    from rag.rank.periods import impossible_day
    assert impossible_day("What was said on March 32 2019?") == ((14, 30), "March 2019 has 31 days")
    assert impossible_day("on 2021-02-29")[1] == "February 2021 has 28 days"
    assert impossible_day("on 2020-02-29") is None          # a leap year
    assert impossible_day("31 April 2020")[1] == "April 2020 has 30 days"
    assert impossible_day("in 2020-13")[1] == "there is no month 13"
    for fine in ("on 5/14/2020", "in May 2020", "23/04/2022", "Jan. 6, 2022", "no date"):
        assert impossible_day(fine) is None, fine


def test_a_weekday_typed_before_a_day_is_checked():
    from rag.rank.periods import find_period, weekday_mismatch
    for q in ("What was said on Friday 2019-03-13?", "On Friday, 13 March 2019, what"):
        assert weekday_mismatch(q, find_period(q)) == \
            "2019-03-13 was a Wednesday, not a Friday: the date was searched", q
    for q in ("on Wednesday, March 13, 2019", "on 2019-03-13", "Friday in March 2019"):
        assert weekday_mismatch(q, find_period(q)) is None, q
