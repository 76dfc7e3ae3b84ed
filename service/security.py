"""What every answer tells the browser, and what changes behind a TLS-terminating proxy.

Pages get a Content-Security-Policy without inline script or style: their script and stylesheet are
files in ``service/static/``, so markup that slipped into a page (a field's value, a file name) cannot run.
Anything else (JSON, PDFs, previews, downloads) that a browser opens on its own gets a policy under which
nothing in it runs or loads at all (``sandbox``): an uploaded "PDF" is whatever its uploader made it.
"""
from __future__ import annotations

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
FILE_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}
#: Sent only behind TLS: browsers then refuse plain HTTP to this host for a year.
HSTS = "max-age=31536000"


def init_app(app: Flask, behind_tls: bool) -> None:
    if behind_tls:
        # One proxy in front: trust its one X-Forwarded-For entry (the client it saw) and its scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
        app.config.update(SESSION_COOKIE_SECURE=True)

    @app.after_request
    def add_headers(response: Response) -> Response:
        policy = PAGE_POLICY if response.mimetype == "text/html" else FILE_POLICY
        for name, value in {"Content-Security-Policy": policy, **HEADERS}.items():
            response.headers.setdefault(name, value)
        if behind_tls:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
