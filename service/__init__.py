"""The web edge: the Flask app factory, pages per user role and the JSON API."""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter, Map

from kansli import config
from kansli.config import Settings
from kansli.validation import MAX_ID, parse_json


class StrictJSON(DefaultJSONProvider):
    """Flask's JSON, but reading a request refuses NaN, Infinity, oversized and deeply nested bodies."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return parse_json(s)


class IdConverter(IntegerConverter):
    """``<int:…>`` in a URL is a database id: outside 1…2³¹−1 no route matches (404), rather than
    PostgreSQL being asked to compare with a number its integer columns cannot hold."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    """Build the app from the environment's settings (or the given ones), then ``test_config``."""
    settings = settings or config.load()
    app = Flask(__name__)
    app.json = StrictJSON(app)
    app.url_map.converters["int"] = IdConverter
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key(),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        KANSLI=settings,
    )
    if test_config:
        app.config.update(test_config)

    from service import auth, database, errors, security
    from service.api import bp as api_bp
    from service.pages import (  # noqa: F401
        avstamning,
        documents,
        learned,
        outputs,
        partnerships,
        public,
        registry,
        registry_desk,
        templates,
        users,
    )

    security.init_app(app, settings.behind_tls)
    database.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(templates.bp)
    app.register_blueprint(registry.bp)
    app.register_blueprint(users.bp)
    app.register_blueprint(learned.bp)
    app.register_blueprint(partnerships.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(avstamning.bp)
    app.register_blueprint(outputs.bp)
    app.register_blueprint(api_bp)
    return app
