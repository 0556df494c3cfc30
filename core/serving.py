"""The demo server: werkzeug's, without its version banner.

Werkzeug names itself and Python with their versions in every response's ``Server`` header, which tells an
attacker which known flaws to try; ``est demo`` serves through this handler instead. (gunicorn, in production,
sends a bare ``Server: gunicorn``.)
"""

from __future__ import annotations

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class QuietRequestHandler(WSGIRequestHandler):
    def version_string(self) -> str:
        return "est"


def make_demo_server(app: Flask, host: str, port: int) -> BaseWSGIServer:
    """A threaded server for ``app`` on ``host:port`` (port 0: any free port); call ``serve_forever()``."""
    return make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)
