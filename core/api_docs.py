"""``/api/v1/docs``: Swagger UI, served by est itself so that it works offline and under the
Content-Security-Policy. Its files come from the ``flask-swagger-ui`` package (only its ``dist`` folder is used:
the package's own template, like flask-smorest's, starts Swagger UI with an inline script); est's template loads
them with ``core/static/api-docs.js``.
"""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, render_template, url_for

from core.api import API_PREFIX
from core.api.access import public

SWAGGER_UI_FILES = Path(flask_swagger_ui.__file__).parent / "dist"

blp = Blueprint("docs", __name__, static_folder=str(SWAGGER_UI_FILES), static_url_path="/swagger-ui")


@blp.route(f"{API_PREFIX}/docs")
@public
def docs() -> str:
    return render_template("api_docs.html", spec_url=url_for("api-docs.openapi_json"))
