"""The avstämning from the database: series across a plan and two years of follow-up, the API and its
exports, match corrections, and the page with its charts and data tables."""
from __future__ import annotations

import csv
import io
import re
from typing import Any

from lxml import etree
from openpyxl import load_workbook

from helpers.followups import PLAN, add, follow_up, uppsala
from helpers.pages import login
from kansli import db
from kansli.models import AuditEntry, IndicatorMatch

HOUSEHOLDS = "Andel hushåll som får försörjningsstöd"


def _series(body: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for p in body["municipalities"] for s in p["series"] if s["name"] == name)


def test_series_match_a_plan_and_two_years_of_follow_up(client: Any, auth: Any, settings: Any) -> None:
    plan_id = uppsala(settings.database_url)
    add(settings.database_url, "follow_up", follow_up(2009, [("Förvärvsfrekvens", 1.0)], "Malmö kommun"))  # no plan
    body = client.get("/api/indicators", headers=auth("clerk")).json
    assert [p["municipality"] for p in body["municipalities"]] == ["Uppsala kommun"]
    uppsala_ = body["municipalities"][0]
    assert uppsala_["plan"]["document_id"] == plan_id and [r["year"] for r in uppsala_["reports"]] == [2008, 2009]
    employment = _series(body, "Förvärvsfrekvens 20–64 år")
    assert [(p["year"], p["value"], p["reported_as"]) for p in employment["reported"]] == [
        (2008, 55.0, "Förvärvsfrekvens, 20–64 år"), (2009, 57.3, "Förvärvsfrekvens 20-64 år")]
    # 2009 on the line from 52.1 (2006) to 60 (2010) is 58.025: 57.3 is behind.
    assert employment["direction"] == "rising" and employment["standing"] == "behind"
    # Worded too differently to be matched by itself: no data until a drafter says what it is.
    assert _series(body, "Andel med försörjningsstöd")["standing"] == "no_data"
    assert {(r["area"], r["on_track"], r["behind"], r["no_data"]) for r in body["overview"]} == {
        ("arbete", 0, 1, 1), ("trygghet", 0, 0, 1)}


def test_a_drafters_match_correction_is_stored_audited_and_used(client: Any, auth: Any, settings: Any) -> None:
    uppsala(settings.database_url)
    choice = {"municipality": "Uppsala", "reported_name": HOUSEHOLDS, "indicator": "Andel med försörjningsstöd"}
    assert client.put("/api/indicators/matches", json=choice, headers=auth("clerk")).status_code == 403
    wrong = client.put("/api/indicators/matches", json={**choice, "indicator": "Andel med bidrag"},
                       headers=auth("drafter"))
    assert wrong.status_code == 422 and "har ingen indikator som heter 'Andel med bidrag'" in wrong.json["error"]["message"]
    assert client.put("/api/indicators/matches", json={**choice, "municipality": "Lund"},
                      headers=auth("drafter")).status_code == 422
    response = client.put("/api/indicators/matches", json=choice, headers=auth("drafter"))
    assert response.status_code == 200
    benefits = next(s for s in response.json["series"] if s["name"] == "Andel med försörjningsstöd")
    # Falling: 2009 on the line from 12 to 8 is 9.0, and 9.0 is on it.
    assert [p["value"] for p in benefits["reported"]] == [11.5, 9.0]
    assert benefits["direction"] == "falling" and benefits["standing"] == "on_track"
    again = client.put("/api/indicators/matches", json=choice, headers=auth("admin"))  # replaces, not duplicates
    assert again.status_code == 200
    with db.session_scope(settings.database_url) as session:
        matches = session.query(IndicatorMatch).all()
        assert [(m.municipality, m.reported_name) for m in matches] == [("uppsala", HOUSEHOLDS)]
        audited = [e.details for e in session.query(AuditEntry).filter_by(action="match_indicator")]
        assert len(audited) == 2 and audited[0]["indicator"] == "Andel med försörjningsstöd"


def test_filters_narrow_the_series(client: Any, auth: Any, settings: Any) -> None:
    uppsala(settings.database_url)
    add(settings.database_url, "district_plan", {**PLAN, "municipality": "Malmö kommun", "districts": ["Rosengård"]})
    get = lambda query: client.get(f"/api/indicators?{query}", headers=auth("clerk")).json  # noqa: E731
    assert [p["municipality"] for p in get("")["municipalities"]] == ["Malmö kommun", "Uppsala kommun"]
    assert [p["municipality"] for p in get("municipality=Malmö")["municipalities"]] == ["Malmö kommun"]
    assert [p["municipality"] for p in get("district=rosengård")["municipalities"]] == ["Malmö kommun"]
    assert {s["area"] for p in get("area=trygghet")["municipalities"] for s in p["series"]} == {"trygghet"}
    refused = client.get("/api/indicators?area=fritid", headers=auth("clerk"))
    assert refused.status_code == 400 and "ska vara ett av områdena" in refused.json["error"]["message"]


def _numbers_of_json(body: dict[str, Any]) -> list[tuple[str, str, str, int, float]]:
    rows = []
    for p in body["municipalities"]:
        for s in p["series"]:
            points = [("Utgångsläge", s["baseline"])] if s["baseline"] else []
            points += [("Redovisat", r) for r in s["reported"]]
            points += [("Mål", s["target"])] if s["target"] else []
            rows += [(p["municipality"], s["name"], kind, point["year"], point["value"]) for kind, point in points]
    return rows


def test_csv_and_xlsx_hold_the_same_numbers_as_the_json(client: Any, auth: Any, settings: Any) -> None:
    uppsala(settings.database_url)
    expected = _numbers_of_json(client.get("/api/indicators", headers=auth("clerk")).json)
    assert len(expected) == 8
    response = client.get("/api/indicators.csv", headers=auth("clerk"))
    assert response.mimetype == "text/csv" and response.data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["Kommun", "Område", "Indikator"]
    assert [(r[0], r[2], r[6], int(r[7]), float(r[8].replace(",", "."))) for r in table[1:]] == expected
    assert "57,3" in response.data.decode()  # decimal comma, as Swedish Excel reads it
    book = load_workbook(io.BytesIO(client.get("/api/indicators.xlsx", headers=auth("clerk")).data))
    sheet = list(book.active.iter_rows(values_only=True))
    assert [(r[0], r[2], r[6], r[7], r[8]) for r in sheet[1:]] == expected


def test_the_page_shows_the_overview_and_charts_with_names_and_tables(client: Any, tokens: Any,
                                                                       settings: Any) -> None:
    uppsala(settings.database_url)
    login(client, "registrar")  # any role
    response = client.get("/avstamning")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "style-src 'self'" in response.headers["Content-Security-Policy"]
    assert '<caption id="oversikt-caption">' in html and "<th scope=\"row\">Uppsala kommun</th>" in html
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == 3
    for svg in svgs:
        root = etree.fromstring(svg)
        assert root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        titles = {e.get("id"): e.text for e in root.iter("{*}title", "{*}desc")}
        assert titles[title_id].startswith("Diagram: ") and "Bedömning:" in titles[desc_id]
        # Nothing the strict CSP would block: no <style>, no style attributes, no script.
        assert not list(root.iter("{*}style", "{*}script")) and all("style" not in e.attrib for e in root.iter())
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # many charts on one page, no id twice
    assert "<summary>Visa siffrorna för Förvärvsfrekvens 20–64 år</summary>" in html
    assert "<td>57,3</td>" in html and "Förvärvsfrekvens 20-64 år" in html  # the numbers, and how they were named
    assert "Uppföljningsrapporter:" in html and ">2008</a>" in html and ">2009</a>" in html
    assert client.get("/avstamning?area=fritid").status_code == 200  # a bad filter: a message, not a 500
