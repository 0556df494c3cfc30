"""The application factory."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import Flask

from config.settings import Settings


def create_app(settings: Settings | None = None, *, extra_plugins: Iterable[object] = ()) -> Flask:
    """Build the app: settings (``EST_*`` overrides), database, plugin manager, API, CLI."""
    from core import db
    from core.accounts import auth
    from core.api import API_PREFIX, init_api
    from core.api.access import assert_every_view_declares_access
    from core.cli import register_cli
    from core.redacted_log import EstFlask
    from core.registry.manager import build_plugin_manager
    from core.web import blp as web_blp

    settings = settings or Settings.from_env()
    app = EstFlask("est", instance_path=settings.instance_path, instance_relative_config=True)
    app.config["EST"] = settings
    app.config["SECRET_KEY"] = settings.secret_key
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024 * 1024  # imports: 100,000 rows of CSV are about 15 MB
    app.json.ensure_ascii = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    db.init_app(app)
    app.extensions["est.plugins"] = build_plugin_manager(extra_plugins)
    auth.init_app(app)
    init_api(app)
    app.register_blueprint(web_blp)
    register_cli(app)
    assert_every_view_declares_access(app, API_PREFIX)
    return app
