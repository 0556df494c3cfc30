"""Security headers on every response, the session cookie's flags, and which proxy headers to believe.

The Content-Security-Policy allows scripts, styles and everything else from est's own origin only, with no inline
script or style, so an injected ``<script>`` or ``style`` attribute does nothing; the pages and the API docs keep
their code in static files for that reason. With a map tile layer configured (``EST_MAP_TILES_URL``), img-src admits
that one tile origin and nothing else. Every response that has not chosen its own ``Cache-Control`` (static
files do) is ``no-store``: API answers and pages carry personal data and credentials (an issued token, a logged-in
page) that no shared or browser cache may keep.
"""

from __future__ import annotations

from functools import partial

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000"


def content_security_policy(tile_origin: str | None = None) -> str:
    """est's own origin only; images also from ``tile_origin`` (the map's tile server) when one is configured."""
    images = "img-src 'self' data:"  # Swagger UI's icons are data: URLs in its stylesheet
    return "; ".join(
        (
            "default-src 'self'",
            f"{images} {tile_origin}" if tile_origin else images,
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        )
    )


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
    headers = {**HEADERS, "Content-Security-Policy": content_security_policy(settings.map_tiles_origin)}
    app.after_request(partial(_add_headers, headers=headers))


def _add_headers(response: Response, headers: dict[str, str]) -> Response:
    for name, value in headers.items():  # a response may narrow its own policy (a rendered lägesbild does)
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    response.headers.setdefault("Cache-Control", "no-store")
    return response
