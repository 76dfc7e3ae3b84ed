"""The Swedish list of what changed between two versions of a plan, for an agreement's revision."""
from __future__ import annotations

import copy

from helpers.pdfs import PLAN
from kansli.planchanges import plan_changes


def revised() -> dict:
    new = copy.deepcopy(PLAN)
    new["period"] = {"start": 2011, "end": 2014}
    new["districts"] = [*PLAN["districts"], "Hallunda"]
    area = next(iter(PLAN["goals"]))
    first = PLAN["goals"][area][0]
    new["goals"][area] = [first.replace("ska öka", "ska öka tydligt"), "Fler unga ska starta företag"]
    new["indicators"][0]["target"] = {"year": 2014, "value": 65.0}
    new["indicators"].pop()
    return new


def test_the_same_plan_has_no_changes() -> None:
    assert plan_changes(PLAN, copy.deepcopy(PLAN)) == []


def test_period_districts_goals_and_indicators_are_listed_in_swedish() -> None:
    new = revised()
    lines = plan_changes(PLAN, new)
    area = next(iter(PLAN["goals"]))
    first = PLAN["goals"][area][0]
    assert f"Perioden {PLAN['period']['start']}–{PLAN['period']['end']} blir 2011–2014" in lines
    assert "Ny stadsdel: Hallunda" in lines
    assert any(line.startswith("Ändrat mål inom ") and first in line and "ska öka tydligt" in line for line in lines)
    assert any(line.startswith("Nytt mål inom ") and "Fler unga ska starta företag" in line for line in lines)
    removed_goals = [g for g in PLAN["goals"][area][1:]]
    for goal in removed_goals:
        assert any(line.startswith("Borttaget mål") and goal in line for line in lines)
    changed = PLAN["indicators"][0]
    target = f"{changed['target']['value']:g}".replace(".", ",")
    assert any(line.startswith("Ändrad indikator") and changed["name"] in line and f"målvärde {target}" in line
               and "65 " in line and "(2014)" in line for line in lines), lines
    dropped = PLAN["indicators"][-1]
    assert any(line.startswith("Borttagen indikator") and dropped["name"] in line for line in lines)


def test_a_reworded_indicator_is_a_change_not_a_removal_and_an_addition() -> None:
    new = copy.deepcopy(PLAN)
    new["indicators"][0]["name"] = PLAN["indicators"][0]["name"] + " (alla)"
    lines = plan_changes(PLAN, new)
    assert len(lines) == 1 and lines[0].startswith("Ändrad indikator") and "namn" in lines[0]


def test_missing_parts_are_tolerated() -> None:
    assert plan_changes({}, {"goals": {"arbete": ["Fler i arbete"]}}) == ["Nytt mål inom Arbete: Fler i arbete"]
    assert plan_changes({"indicators": [{"name": "X", "area": None}]}, {}) == [
        "Borttagen indikator inom okänt område: X (utgångsvärde –, målvärde –)"]


def test_a_goal_changed_in_an_area_both_plans_have_is_listed_once() -> None:
    old = {"goals": {"arbete": ["Fler i arbete"], "trygghet": ["Tryggare torg"]}}
    new = {"goals": {"arbete": ["Företagandet ska öka"], "trygghet": ["Tryggare torg"]}}
    assert plan_changes(old, new) == ["Nytt mål inom Arbete: Företagandet ska öka",
                                      "Borttaget mål inom Arbete: Fler i arbete"]
