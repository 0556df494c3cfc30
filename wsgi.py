"""WSGI entry point: ``gunicorn wsgi:app``."""

from core.app import create_app
from core.jobs.runner import fail_abandoned

app = create_app()
fail_abandoned(app)  # jobs a dead process left behind (an in-process import's upload)
