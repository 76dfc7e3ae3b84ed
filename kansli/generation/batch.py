"""Batch drafting: from a decision, one cooperation agreement per municipality it names.

Each agreement is pre-filled from that municipality's plan where one has been uploaded; where none
has, the draft carries only the municipality and its gaps are marked, and the summary says so.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kansli.names import slug

from .agreement import agreement_name, render_agreement
from .errors import GenerationError


def batch_name(agency: str) -> str:
    return f"samverkansoverenskommelser-{slug(agency)}.zip"


def render_batch(decision: dict[str, Any], plans: dict[str, dict[str, Any] | None], agency: str,
                 template: Path, progress: Callable[[int, int], None] | None = None,
                 agency_areas: dict[str, tuple[str, ...]] | None = None) -> bytes:
    """A zip of one agreement per municipality in ``decision``, plus a summary of what was missing.

    ``plans`` maps each municipality (as the decision names it) to its plan's fields, or None.
    """
    municipalities = decision.get("municipalities") or []
    if not municipalities:
        raise GenerationError("Beslutet nämner inga kommuner; rätta fältet municipalities först.")
    out = io.BytesIO()
    lines = [f"Samverkansöverenskommelser för {agency} enligt beslut {decision.get('reference') or '(utan dnr)'}", ""]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, municipality in enumerate(municipalities, start=1):
            plan = plans.get(municipality)
            fields = {**plan, "municipality": plan.get("municipality") or municipality} if plan else \
                {"municipality": municipality}
            name = agreement_name(agency, municipality, complete=plan is not None)
            archive.writestr(name, render_agreement(fields, agency, template, agency_areas))
            state = "ifylld från stadsdelsplanen" if plan else "ofullständig – ingen stadsdelsplan uppladdad"
            lines.append(f"{municipality}: {state}")
            if progress:
                progress(number, len(municipalities))
        archive.writestr("sammanfattning.txt", "\n".join(lines) + "\n")
    return out.getvalue()
