"""The avstämning page: the national overview, then each municipality's series as charts with their numbers."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, render_template, request
from flask_login import login_required
from markupsafe import Markup
from sqlalchemy import func, select

from kansli.areas import AREAS
from kansli.avstamning import overview, partnerships
from kansli.charts import chart, description, number
from kansli.followup import Series
from kansli.models import Output
from kansli.status import OutputStatus
from kansli.validation import IndicatorQuery, Invalid, check
from service.database import get_session

bp = Blueprint("avstamning", __name__)


#: Drawn charts by (the series' numbers, id prefix): drawing takes tens of milliseconds, and the same
#: numbers give the same chart. Emptied when full, which bounds it.
_DRAWN: dict[tuple[str, str], Markup] = {}
_DRAWN_MAX = 2000


def _inline(series: Series, ident: str) -> Markup:
    key = (repr(series.as_json()), ident)
    if key not in _DRAWN:
        if len(_DRAWN) >= _DRAWN_MAX:
            _DRAWN.clear()
        _DRAWN[key] = Markup(chart(series, "svg", ident).decode())  # our own SVG; its texts escaped by lxml
    return _DRAWN[key]


@bp.get("/avstamning")
@login_required
def index() -> Any:
    session = get_session()
    try:
        args = check(IndicatorQuery, {k: v for k, v in request.args.items() if v})
    except Invalid as exc:
        flash(f"Urvalet gick inte att göra: {exc.message}", "error")
        args = IndicatorQuery()
    everyone = partnerships(session)
    found = partnerships(session, args.municipality, args.district, args.area)
    agreements = dict(session.execute(
        select(Output.document_id, func.count()).where(Output.kind == "agreement", Output.status == OutputStatus.READY)
        .group_by(Output.document_id)).all())
    return render_template("avstamning.html", overview=overview(found), partnerships=found, areas=AREAS,
                           municipalities=[p.municipality for p in everyone], args=args, agreements=agreements,
                           inline=_inline, description=description, number=number)
