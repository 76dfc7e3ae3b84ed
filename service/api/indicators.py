"""The avstämning's indicator series: as JSON, as CSV and XLSX, and drafters' corrections of name matches."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from kansli.avstamning import overview, partnerships
from kansli.indicator_exports import to_csv, to_xlsx
from kansli.users import DRAFTER_PLUS
from kansli.validation import IndicatorMatchRequest, IndicatorQuery
from service.actions import choose_indicator_match
from service.api import body_as, bp, query_as, role
from service.database import get_session

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _found() -> list[Any]:
    query = query_as(IndicatorQuery)
    return partnerships(get_session(), query.municipality, query.district, query.area)


@bp.get("/indicators")
@role()
def indicators() -> Any:
    found = _found()
    return jsonify({"municipalities": [p.as_json() for p in found], "overview": overview(found)})


@bp.get("/indicators.csv")
@role()
def indicators_csv() -> Any:
    return Response(to_csv(_found()), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=avstamning.csv"})


@bp.get("/indicators.xlsx")
@role()
def indicators_xlsx() -> Any:
    return Response(to_xlsx(_found()), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=avstamning.xlsx"})


@bp.put("/indicators/matches")
@role(*DRAFTER_PLUS)
def match_indicator() -> Any:
    body = body_as(IndicatorMatchRequest)
    choose_indicator_match(body.municipality, body.reported_name, body.indicator)
    found = partnerships(get_session(), body.municipality)
    return jsonify(found[0].as_json())
