"""The partnership register as a page: municipalities as rows, agencies as columns, read from the registry."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from kansli.models import AGENCIES
from kansli.registry import partnerships
from kansli.users import DRAFTER_PLUS
from service.database import get_session

bp = Blueprint("partnerships", __name__)


@bp.get("/partnerships")
@login_required
def index() -> Any:
    return render_template("partnerships.html", rows=partnerships.matrix(get_session()), agencies=AGENCIES,
                           may_draft=current_user.role in DRAFTER_PLUS)
