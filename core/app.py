"""The application factory."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import Flask

from config.settings import Settings


def create_app(settings: Settings | None = None, *, extra_plugins: Iterable[object] = ()) -> Flask:
    """Build the app: settings (``EST_*`` overrides), database, plugin manager, API, CLI."""
    from core import db, i18n, ratelimit, security, speed, web
    from core.accounts import auth
    from core.api import API_PREFIX, init_api
    from core.api.access import assert_every_view_declares_access
    from core.api_docs import blp as api_docs_blp
    from core.cli import register_cli
    from core.mail import trigger as mail_trigger
    from core.redacted_log import EstFlask
    from core.registry.manager import build_plugin_manager

    settings = settings or Settings.from_env()
    # No app-level static folder: est's static files are the web blueprint's (core/static), served at /static.
    app = EstFlask("est", instance_path=settings.instance_path, instance_relative_config=True, static_folder=None)
    app.config["EST"] = settings
    app.config["SECRET_KEY"] = settings.secret_key
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024 * 1024  # imports: 100,000 rows of CSV are about 15 MB
    app.json.ensure_ascii = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    security.init_app(app)
    speed.init_app(app)
    db.init_app(app)
    mail_trigger.install()
    app.extensions["est.plugins"] = build_plugin_manager(extra_plugins)
    auth.init_app(app)
    i18n.init_app(app)
    ratelimit.init_app(app)
    init_api(app)
    web.init_app(app)
    app.register_blueprint(api_docs_blp)
    register_cli(app)
    assert_every_view_declares_access(app, API_PREFIX)
    return app
