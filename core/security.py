"""Security headers on every response, the session cookie's flags, and which proxy headers to believe.

The Content-Security-Policy allows scripts, styles and everything else from est's own origin only, with no inline
script or style, so an injected ``<script>`` or ``style`` attribute does nothing; the pages and the API docs keep
their code in static files for that reason. Every response that has not chosen its own ``Cache-Control`` (static
files do) is ``no-store``: API answers and pages carry personal data and credentials (an issued token, a logged-in
page) that no shared or browser cache may keep.
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",  # Swagger UI's icons are data: URLs in its stylesheet
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000"


def init_app(app: Flask) -> None:
    """Cookie flags from the settings; behind ``trusted_proxies`` proxies, their X-Forwarded-For/-Proto/-Host
    decide the client address (counted by core.ratelimit), the scheme (HSTS) and the host. Without that setting
    they are ignored, since any client can send them."""
    settings = app.config["EST"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=settings.secure_cookies
    )
    if settings.trusted_proxies:
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.after_request(_add_headers)


def _add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():  # a response may narrow its own policy (a rendered lägesbild does)
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    response.headers.setdefault("Cache-Control", "no-store")
    return response
