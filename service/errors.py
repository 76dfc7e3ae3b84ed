"""Errors as the API contract wants them (JSON) under /api, and as Swedish pages elsewhere."""
from __future__ import annotations

import errno
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from kansli.db import read_only_error

MESSAGES = {
    400: "Begäran kunde inte tolkas; kontrollera uppgifterna och försök igen.",
    401: "Du behöver logga in (eller skicka en giltig API-nyckel).",
    403: "Din roll har inte behörighet till det här.",
    404: "Det du söker finns inte.",
    405: "Metoden stöds inte här.",
    413: "Filen är för stor; största tillåtna storlek är {limit} MB.",
    415: "Filen är ingen PDF.",
    500: "Ett oväntat fel uppstod; försök igen, och kontakta förvaltningen om det upprepas.",
}
#: A disk that is full or cannot be written to is the operator's to fix, not a bug: say so, never 500.
STORAGE = {errno.ENOSPC: (507, "storage_full", "Lagringsutrymmet är fullt, så inget kunde sparas; "
                                               "kontakta förvaltningen och försök igen senare."),
           errno.EDQUOT: (507, "storage_full", "Lagringsutrymmet är fullt, så inget kunde sparas; "
                                               "kontakta förvaltningen och försök igen senare."),
           errno.EROFS: (503, "storage_unavailable", "Datamappen går inte att skriva till just nu, så inget "
                                                     "kunde sparas; försök igen senare."),
           errno.EACCES: (503, "storage_unavailable", "Datamappen går inte att skriva till just nu, så inget "
                                                      "kunde sparas; försök igen senare.")}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 415: "not_pdf", 422: "unprocessable", 500: "internal"}


def api_error(status: int, message: str | None = None, code: str | None = None) -> Any:
    limit = request.max_content_length // (1024 * 1024) if request.max_content_length else "?"
    body = {"error": {"code": code or CODES.get(status, "error"),
                      "message": message or MESSAGES.get(status, "Fel.").format(limit=limit)}}
    return jsonify(body), status


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        if _wants_json():
            return api_error(status)
        limit = request.max_content_length // (1024 * 1024) if request.max_content_length else "?"
        message = MESSAGES.get(status, exc.description or "").format(limit=limit)
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(OSError)
    def storage_error(exc: OSError) -> Any:
        if exc.errno not in STORAGE:
            raise exc
        return storage_answer(exc.errno, exc)

    @app.errorhandler(OperationalError)
    def database_error(exc: OperationalError) -> Any:
        if not read_only_error(exc):  # SQLite in a read-only data folder is the folder's 503, not a 500
            raise exc
        return storage_answer(errno.EROFS, exc)

    def storage_answer(number: int, exc: Exception) -> Any:
        status, code, message = STORAGE[number]
        app.logger.error("storage: %s", exc)
        if _wants_json():
            return api_error(status, message, code)
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError) -> Any:
        message = "Sidan hade blivit för gammal; ladda om den och försök igen."
        if _wants_json():
            return api_error(400, message, "csrf")
        return render_template("error.html", status=400, message=message), 400
