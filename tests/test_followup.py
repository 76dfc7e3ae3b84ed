"""Indicator series for the avstämning: matching reported values to a plan, and "on track" both ways."""
from __future__ import annotations

from kansli.followup import Standing, build_series

PLAN = {"indicators": [
    {"area": "arbete", "name": "Förvärvsfrekvens 20–64 år", "unit": "%",
     "baseline": {"year": 2006, "value": 52.0}, "target": {"year": 2010, "value": 60.0}},
    {"area": "arbete", "name": "Andel med försörjningsstöd", "unit": "%",
     "baseline": {"year": 2006, "value": 18.0}, "target": {"year": 2010, "value": 10.0}},
    {"area": "trygghet", "name": "Anmälda brott per 1 000 invånare", "unit": "st",
     "baseline": {"year": 2006, "value": 120.0}, "target": {"year": 2010, "value": 100.0}},
]}


def report(year: int, **values: float) -> dict:
    names = {"work": ("arbete", "Förvärvsfrekvens 20-64 år", "%"), "aid": ("arbete", "Andel med försörjningsstöd", "%"),
             "crime": ("trygghet", "Anmälda brott per 1000 invånare", "st")}
    return {"year": year, "values": [{"area": names[k][0], "name": names[k][1], "unit": names[k][2], "year": year,
                                      "value": v} for k, v in values.items()]}


def by_name(series: list) -> dict:
    return {s.name.split()[0]: s for s in series}


def test_two_years_of_follow_up_are_matched_despite_small_wording_differences() -> None:
    series = by_name(build_series("Botkyrka kommun", PLAN, [report(2008, work=55.0, crime=112.0),
                                                              report(2009, work=57.5, aid=13.0)]))
    assert [(p.year, p.value) for p in sorted(series["Förvärvsfrekvens"].reported, key=lambda p: p.year)] == [
        (2008, 55.0), (2009, 57.5)]
    assert series["Förvärvsfrekvens"].matched[2008][0] == "Förvärvsfrekvens 20-64 år"  # the report's own words
    assert [(p.year, p.value) for p in series["Anmälda"].reported] == [(2008, 112.0)]
    assert [(p.year, p.value) for p in series["Andel"].reported] == [(2009, 13.0)]


def test_on_track_is_judged_against_the_straight_line_in_the_indicators_direction() -> None:
    # rising: expected 52 + 8 * 3/4 = 58 in 2009; falling: 18 - 8 * 3/4 = 12; crime 120 - 20 * 2/4 = 110 in 2008
    series = by_name(build_series("X", PLAN, [report(2009, work=58.5, aid=12.5), report(2008, crime=109.0)]))
    assert series["Förvärvsfrekvens"].standing is Standing.ON_TRACK  # above the line, rising
    assert series["Andel"].standing is Standing.BEHIND  # above the line, but it should fall
    assert series["Anmälda"].standing is Standing.ON_TRACK  # below the line, falling
    behind = by_name(build_series("X", PLAN, [report(2009, work=57.0, aid=11.0)]))
    assert behind["Förvärvsfrekvens"].standing is Standing.BEHIND
    assert behind["Andel"].standing is Standing.ON_TRACK
    assert behind["Anmälda"].standing is Standing.NO_DATA


def test_an_unrelated_name_or_another_unit_is_not_matched_and_a_correction_is() -> None:
    odd = {"values": [{"area": "arbete", "name": "Antal nystartade företag", "unit": "st", "year": 2009, "value": 40},
                      {"area": "arbete", "name": "Förvärvsfrekvens 20–64 år", "unit": "st", "year": 2009, "value": 3}]}
    assert all(s.reported == [] for s in build_series("X", PLAN, [odd]))
    renamed = {"values": [{"area": "arbete", "name": "Sysselsatta 20–64", "unit": "%", "year": 2009, "value": 59.0}]}
    assert all(s.reported == [] for s in build_series("X", PLAN, [renamed]))
    fixed = by_name(build_series("X", PLAN, [renamed], {"Sysselsatta 20–64": "Förvärvsfrekvens 20–64 år"}))
    assert [(p.year, p.value) for p in fixed["Förvärvsfrekvens"].reported] == [(2009, 59.0)]


def test_a_later_report_for_the_same_year_replaces_the_earlier_value() -> None:
    series = by_name(build_series("X", PLAN, [report(2009, work=50.0), report(2009, work=59.0)]))
    assert [(p.year, p.value) for p in series["Förvärvsfrekvens"].reported] == [(2009, 59.0)]
    body = series["Förvärvsfrekvens"].as_json()
    assert body["direction"] == "rising" and body["standing"] == "on_track" and body["standing_label"] == "I fas"
    assert body["reported"] == [{"year": 2009, "value": 59.0, "reported_as": "Förvärvsfrekvens 20-64 år",
                                 "similarity": 1.0}]
