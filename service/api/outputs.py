"""Generating drafts from extracted fields, and downloading them."""
from __future__ import annotations

import logging
from typing import Any

from flask import abort, jsonify, request, send_file
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kansli.idempotency import KeyRejected
from kansli.models import Output
from kansli.outputs import MEDIA_TYPES, OutputRejected
from kansli.users import DRAFTER_PLUS
from kansli.validation import OutputQuery, OutputRequest
from service.actions import record_download, start_output
from service.api import body_as, bp, query_as, role
from service.api.representation import output_json, outputs_json
from service.database import get_or_404, get_session, get_store
from service.errors import api_error

log = logging.getLogger("kansli.web")


@bp.post("/outputs")
@role(*DRAFTER_PLUS)
def create_output() -> Any:
    try:
        output, new = start_output(body_as(OutputRequest), request.headers.get("Idempotency-Key"))
    except OutputRejected as exc:
        return api_error(exc.status, exc.message, exc.code)
    except KeyRejected as exc:
        return api_error(422, str(exc), "idempotency_key")
    headers = {"Location": f"/api/outputs/{output.id}", **({} if new else {"Idempotent-Replayed": "true"})}
    return jsonify({"id": output.id, "status": output.status}), 202 if new else 200, headers


@bp.get("/outputs")
@role()
def list_outputs() -> Any:
    query = select(Output).options(selectinload(Output.files)).order_by(Output.id.desc()).limit(200)
    if doc_id := query_as(OutputQuery).document_id:
        query = query.where(Output.document_id == doc_id)
    return jsonify({"outputs": outputs_json(get_session(), get_session().scalars(query).all())})


@bp.get("/outputs/<int:output_id>")
@role()
def get_output(output_id: int) -> Any:
    return jsonify(output_json(get_or_404(Output, output_id)))


@bp.get("/outputs/<int:output_id>/files/<name>")
@role()
def output_file(output_id: int, name: str) -> Any:
    output = get_or_404(Output, output_id)
    file = next((f for f in output.files if f.name == name), None)
    if file is None:
        abort(404)
    if file.format != "png":  # a preview is shown on the draft's page, one per page: not a copy taken away
        log.info("output %s: %s downloaded by %s", output.id, file.name, current_user.name)
        record_download(f"output {output.id}", file.name)
    return send_file(get_store().path(file.sha256), mimetype=MEDIA_TYPES.get(file.format, "application/octet-stream"),
                     download_name=file.name, as_attachment=file.format != "png")
