"""The admin page of labels learned from corrections: which words each municipality's plans put before a
field, taught by which correction; removing one goes through :mod:`service.actions` with an audit entry."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for

from kansli import learning
from kansli.areas import AREAS
from kansli.models import LearnedLabel
from service import actions
from service.auth import page_role
from service.database import get_or_404, get_session

bp = Blueprint("learned", __name__)

#: The learned fields in the drafters' words.
FIELD_NAMES = {
    "reference": "Diarienummer", "adopted": "Beslutsdatum", "districts": "Stadsdelar",
    "contact.name": "Kontaktpersonens namn", "contact.title": "Kontaktpersonens titel",
    "contact.email": "Kontaktpersonens e-post", "contact.phone": "Kontaktpersonens telefon",
    "indicators.baseline": "Indikatorns utgångsläge (kolumnrubrik)",
    "indicators.target": "Indikatorns målvärde (kolumnrubrik)",
    **{f"goals.{area.key}": f"Mål inom {area.label.lower()} (rubrik)" for area in AREAS.values()},
}


@bp.get("/learned")
@page_role("admin")
def index() -> Any:
    return render_template("learned.html", rows=learning.listing(get_session()), field_names=FIELD_NAMES)


@bp.post("/learned/<int:label_id>/remove")
@page_role("admin")
def remove(label_id: int) -> Any:
    label = get_or_404(LearnedLabel, label_id)
    what = f"{label.label} ({FIELD_NAMES.get(label.field, label.field)}, {label.municipality})"
    actions.forget_label(label)
    flash(f"Etiketten {what} är borttagen; kommunens nästa planer läses utan den.", "info")
    return redirect(url_for("learned.index"))
