"""The web edge: the Flask app factory, pages per user role and the JSON API."""
from __future__ import annotations

from flask import Flask

from kansli import config
from kansli.config import Settings


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    """Build the app from the environment's settings (or the given ones), then ``test_config``."""
    settings = settings or config.load()
    app = Flask(__name__)
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
    from service.pages import documents, registry, templates

    security.init_app(app, settings.behind_tls)
    database.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(templates.bp)
    app.register_blueprint(registry.bp)
    app.register_blueprint(api_bp)
    return app
